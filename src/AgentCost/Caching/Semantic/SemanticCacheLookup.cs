namespace AgentCost.Caching;

/// <summary>
/// What <see cref="SemanticCache.LookupAsync(string, string, string?, CancellationToken)"/> found: a hit, with the cached value and what its miss cost; or a miss,
/// with what <see cref="SemanticCache.Store(in SemanticCacheLookup, byte[], long)"/> needs to keep the answer the caller gets from the model.
/// </summary>
internal readonly struct SemanticCacheLookup
{
    private SemanticCacheLookup(string partition, string prompt, float[]? vector, ReadOnlyMemory<byte> value, long missCostUnits, float similarity, bool isHit)
    {
        Partition = partition;
        Prompt = prompt;
        Vector = vector;
        Value = value;
        MissCostUnits = missCostUnits;
        Similarity = similarity;
        IsHit = isHit;
    }

    /// <summary>Whether a cached value answers the prompt.</summary>
    public bool IsHit { get; }

    /// <summary>Whether a miss can be stored: the prompt was embedded into a usable vector.</summary>
    public bool CanStore => !IsHit && Vector is not null;

    /// <summary>The cached value of a hit: a copy the caller deserialises, so that nothing it does reaches the cache.</summary>
    public ReadOnlyMemory<byte> Value { get; }

    /// <summary>What the model calls of the miss that produced a hit's entry cost, in money units (0 when unknown).</summary>
    public long MissCostUnits { get; }

    /// <summary>The similarity of the served entry on a hit.</summary>
    public float Similarity { get; }

    internal string Partition { get; }

    internal string Prompt { get; }

    internal float[]? Vector { get; }

    internal static SemanticCacheLookup Hit(string partition, string prompt, ReadOnlyMemory<byte> value, long missCostUnits, float similarity)
        => new(partition, prompt, vector: null, value, missCostUnits, similarity, isHit: true);

    internal static SemanticCacheLookup Miss(string partition, string prompt, float[]? vector)
        => new(partition, prompt, vector, default, 0, 0, isHit: false);
}
