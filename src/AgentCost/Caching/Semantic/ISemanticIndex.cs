namespace AgentCost.Caching;

/// <summary>
/// A set of unit-length embedding vectors searched by cosine similarity: the index of one partition of the semantic
/// cache. The cache keeps the entries; the index only maps an entry's id to its vector and finds the nearest ones.
/// </summary>
/// <remarks>
/// <para>Implementations are safe for concurrent searches, additions and removals. Vectors given to
/// <see cref="Add"/> and <see cref="Search"/> are normalised by the cache, so a dot product is the cosine.</para>
/// <para>An approximate index may miss the true nearest neighbour; it must never report a similarity higher than the
/// vectors' true one, since the cache compares it with its threshold.</para>
/// </remarks>
public interface ISemanticIndex : IDisposable
{
    /// <summary>The length of every vector in the index.</summary>
    int Dimensions { get; }

    /// <summary>How many vectors the index holds.</summary>
    int Count { get; }

    /// <summary>Adds the vector of entry <paramref name="id"/>, replacing one added before under the same id.</summary>
    /// <param name="id">The entry's id, unique in the cache.</param>
    /// <param name="vector">The entry's unit-length vector, <see cref="Dimensions"/> long.</param>
    /// <exception cref="ArgumentException"><paramref name="vector"/> is not <see cref="Dimensions"/> long.</exception>
    void Add(long id, ReadOnlySpan<float> vector);

    /// <summary>Removes the vector of entry <paramref name="id"/>.</summary>
    /// <param name="id">The entry's id.</param>
    /// <returns>Whether the index held it.</returns>
    bool Remove(long id);

    /// <summary>Finds the vectors nearest to <paramref name="query"/>, most similar first.</summary>
    /// <param name="query">The unit-length query vector, <see cref="Dimensions"/> long.</param>
    /// <param name="matches">Receives up to its length of matches, most similar first.</param>
    /// <returns>How many matches were written.</returns>
    /// <exception cref="ArgumentException"><paramref name="query"/> is not <see cref="Dimensions"/> long.</exception>
    int Search(ReadOnlySpan<float> query, Span<SemanticMatch> matches);
}
