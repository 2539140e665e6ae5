using System.Numerics.Tensors;

namespace AgentCost.Caching;

/// <summary>The checks every <see cref="ISemanticIndex"/> built in makes of the vectors it is given.</summary>
internal static class SemanticIndexVectors
{
    public static void CheckLength(int dimensions, ReadOnlySpan<float> vector, string paramName)
    {
        if (vector.Length != dimensions)
        {
            throw new ArgumentException($"The vector has {vector.Length} dimensions; this index holds vectors of {dimensions}.", paramName);
        }
    }

    /// <summary>Rejects a vector that would poison every comparison: NaN and infinity are never nearer or farther than anything.</summary>
    public static void CheckStorable(int dimensions, ReadOnlySpan<float> vector, string paramName)
    {
        CheckLength(dimensions, vector, paramName);
        if (!IsFinite(vector))
        {
            throw new ArgumentException("The vector holds a value that is not finite (NaN or infinity); an index keeps only finite, unit-length vectors.", paramName);
        }
    }

    /// <summary>
    /// Whether a search can find anything: refuses a query of the wrong length, and finds nothing for an empty result
    /// span or a query that is not finite (no similarity to it is defined).
    /// </summary>
    public static bool IsSearchable(int dimensions, ReadOnlySpan<float> query, Span<SemanticMatch> matches, string paramName)
    {
        CheckLength(dimensions, query, paramName);
        return !matches.IsEmpty && IsFinite(query);
    }

    /// <summary>Whether every value is finite, in one vectorised pass: a NaN or an infinity makes the sum of squares not finite.</summary>
    public static bool IsFinite(ReadOnlySpan<float> vector) => float.IsFinite(TensorPrimitives.SumOfSquares(vector));
}
