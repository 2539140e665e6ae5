namespace AgentCost.Routing;

/// <summary>Classifies a prompt into one of the routing tiers.</summary>
public interface IDifficultyClassifier
{
    /// <summary>Classifies <paramref name="prompt"/>.</summary>
    /// <param name="prompt">The prompt text.</param>
    /// <param name="tiers">The configured tier names, weakest first.</param>
    /// <param name="cancellationToken">Cancels the classification.</param>
    /// <returns>The tier (an index into <paramref name="tiers"/>) and a score.</returns>
    ValueTask<DifficultyAssessment> ClassifyAsync(string prompt, IReadOnlyList<string> tiers, CancellationToken cancellationToken = default);
}

/// <summary>A classifier's verdict.</summary>
/// <param name="TierIndex">The tier, as an index into the tiers weakest first.</param>
/// <param name="Score">The score the tier was read from (the classifier's own scale).</param>
/// <param name="Signals">The signals that contributed, for logs and tuning (never the prompt itself).</param>
public sealed record DifficultyAssessment(int TierIndex, double Score, IReadOnlyDictionary<string, double>? Signals = null);
