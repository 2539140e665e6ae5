namespace AgentCost.Caching;

/// <summary>What one call adds to its cache key after the method's identity: its key arguments, in order.</summary>
/// <remarks>Implemented by structs and taken as a constrained type argument, so that building a key allocates nothing for it.</remarks>
internal interface ICacheKeySource
{
    /// <summary>Adds the call's key arguments to <paramref name="key"/>.</summary>
    void WriteKey(ref CacheKeyBuilder key);
}
