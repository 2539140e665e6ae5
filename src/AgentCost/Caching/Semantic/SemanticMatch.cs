namespace AgentCost.Caching;

/// <summary>One result of <see cref="ISemanticIndex.Search"/>: an entry and the cosine similarity of its vector to the query.</summary>
/// <param name="Id">The entry's id.</param>
/// <param name="Similarity">The cosine similarity, from -1 to 1.</param>
public readonly record struct SemanticMatch(long Id, float Similarity);
