namespace AgentCost.Caching;

/// <summary>Settings of the semantic cache (<c>UseSemanticCache()</c> and <c>[SemanticCached]</c>).</summary>
public sealed class SemanticCacheOptions
{
    /// <summary>
    /// The cosine similarity from which a cached prompt is a candidate answer for a new one, in (0, 1]. Candidates
    /// above it are still checked by <see cref="Verifier"/>. The default, 0.80, is calibrated with the built-in rules on
    /// a labelled set of 205 paraphrase pairs and 203 hard negatives with all-MiniLM-L6-v2: precision 1.000 and recall
    /// 0.69 there (docs/semantic-cache.md, "Measured"). Calibrate your own with the semantic cache calibrator when you
    /// use another embedder: its similarities are on another scale.
    /// </summary>
    public float Threshold { get; set; } = 0.8f;

    /// <summary>How long an entry stays cached; default one hour; must be positive.</summary>
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The most entries kept, over all partitions; the least recently used goes first. Default 10,000.</summary>
    public int MaxEntries { get; set; } = 10_000;

    /// <summary>The most bytes kept (prompts, responses and vectors), over all partitions; the least recently used goes first. Default 64 MiB.</summary>
    public long MaxBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>How many candidates above <see cref="Threshold"/> are given to <see cref="Verifier"/>, most similar first, before a lookup is a miss. Default 4.</summary>
    public int MaxCandidates { get; set; } = 4;

    /// <summary>
    /// The guard that decides whether a candidate may be served; <see langword="null"/> for the built-in rules,
    /// <see cref="SemanticHitRules"/> with <see cref="Rules"/>. Put a <see cref="ModelSemanticHitVerifier"/> here to
    /// have a model confirm the doubtful candidates the rules accept.
    /// </summary>
    public ISemanticHitVerifier? Verifier { get; set; }

    /// <summary>The settings of the built-in rules, used when <see cref="Verifier"/> is <see langword="null"/>.</summary>
    public SemanticHitRulesOptions Rules { get; set; } = new();

    /// <summary>
    /// Makes the index of one partition, given the vectors' length; <see langword="null"/> for the built-in index, an
    /// exact scan while the partition is small and an approximate one when it grows.
    /// </summary>
    public Func<int, ISemanticIndex>? IndexFactory { get; set; }
}
