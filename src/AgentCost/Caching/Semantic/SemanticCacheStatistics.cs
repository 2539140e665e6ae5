namespace AgentCost.Caching;

/// <summary>What a semantic cache has done since it was created.</summary>
/// <param name="Hits">Lookups served from the cache.</param>
/// <param name="Misses">Lookups that found no candidate above the threshold, or could not embed the prompt.</param>
/// <param name="Rejected">Lookups whose every candidate above the threshold the verifier rejected: misses the guard decided.</param>
/// <param name="RejectedByGuard">Candidates the verifier rejected, over all lookups (<c>rejected_by_guard</c>).</param>
/// <param name="Entries">Entries cached now.</param>
/// <param name="Bytes">Bytes those entries take (prompts, values and vectors).</param>
public sealed record SemanticCacheStatistics(long Hits, long Misses, long Rejected, long RejectedByGuard, int Entries, long Bytes)
{
    /// <summary>Lookups made.</summary>
    public long Lookups => Hits + Misses + Rejected;
}
