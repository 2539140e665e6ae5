namespace AgentCost.Caching;

/// <summary>Makes the <see cref="ISemanticIndex"/> of a semantic-cache partition.</summary>
public static class SemanticIndex
{
    /// <summary>
    /// Makes an empty index for vectors of <paramref name="dimensions"/>: the one <see cref="SemanticCacheOptions.IndexFactory"/>
    /// makes when it is set, otherwise an <see cref="AdaptiveSemanticIndex"/> (exact while small, approximate when large).
    /// </summary>
    /// <param name="dimensions">The length of the partition's vectors.</param>
    /// <param name="options">The cache's settings.</param>
    /// <returns>A new index the caller owns and disposes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimensions"/> is not positive.</exception>
    /// <exception cref="InvalidOperationException">The factory returned null or an index of other dimensions.</exception>
    public static ISemanticIndex Create(int dimensions, SemanticCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions);
        if (options.IndexFactory is not { } factory)
        {
            return new AdaptiveSemanticIndex(dimensions);
        }

        var index = factory(dimensions)
            ?? throw new InvalidOperationException($"{nameof(SemanticCacheOptions)}.{nameof(SemanticCacheOptions.IndexFactory)} returned null.");
        if (index.Dimensions != dimensions)
        {
            index.Dispose();
            throw new InvalidOperationException(
                $"{nameof(SemanticCacheOptions)}.{nameof(SemanticCacheOptions.IndexFactory)} made an index of {index.Dimensions} dimensions for vectors of {dimensions}.");
        }

        return index;
    }
}
