namespace AgentCost.Caching;

/// <summary>How a cached method's calls were served since the runtime started.</summary>
/// <param name="Method">The method, as <c>DeclaringType.Name</c>.</param>
/// <param name="Hits">Calls answered from the cache without running the method.</param>
/// <param name="Misses">Calls that ran the method.</param>
public readonly record struct CacheStatistics(string Method, long Hits, long Misses)
{
    /// <summary>All calls: <see cref="Hits"/> plus <see cref="Misses"/>.</summary>
    public long Requests => Hits + Misses;

    /// <summary>The share of calls served from the cache, between 0 and 1; 0 when there were no calls.</summary>
    public double HitRate => Requests == 0 ? 0 : (double)Hits / Requests;
}
