namespace AgentCost.Caching;

/// <summary>Settings of one <see cref="SemanticCacheCalibrator.CalibrateAsync"/> run.</summary>
public sealed class SemanticCalibrationOptions
{
    /// <summary>
    /// The thresholds to measure, each in (0, 1]; duplicates are measured once, and the report lists them in rising
    /// order. <see langword="null"/> (the default) measures 0.80 to 0.99 in steps of 0.01.
    /// </summary>
    public IReadOnlyList<float>? Thresholds { get; set; }

    /// <summary>
    /// The share of served hits that must be right answers for a threshold to be recommended, in (0, 1]; default 0.98.
    /// </summary>
    public double TargetPrecision { get; set; } = 0.98;

    /// <summary>How many texts are given to the embedding generator in one call; default 64; must be positive.</summary>
    public int BatchSize { get; set; } = 64;
}
