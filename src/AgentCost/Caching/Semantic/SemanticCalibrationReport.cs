using System.Globalization;
using System.Text;

namespace AgentCost.Caching;

/// <summary>
/// The outcome of <see cref="SemanticCacheCalibrator.CalibrateAsync"/>: precision, recall and counts at every threshold
/// measured, and the lowest threshold that reaches the target precision. <see cref="ToString"/> prints it as a table.
/// </summary>
public sealed class SemanticCalibrationReport
{
    internal SemanticCalibrationReport(
        IReadOnlyList<SemanticThresholdResult> thresholds,
        IReadOnlyList<SemanticPairScore> pairs,
        double targetPrecision,
        bool verified,
        int duplicatesIgnored,
        int verifierErrors)
    {
        Thresholds = thresholds;
        Pairs = pairs;
        TargetPrecision = targetPrecision;
        IsVerified = verified;
        DuplicatesIgnored = duplicatesIgnored;
        VerifierErrors = verifierErrors;
        foreach (var pair in pairs)
        {
            if (pair.Pair.IsSame)
            {
                SamePairs++;
            }
        }

        foreach (var result in thresholds)
        {
            // Lowest first: the first that reaches the target keeps the most hits. A threshold that serves nothing has
            // no precision to reach.
            if (result.TruePositives > 0 && result.Precision >= targetPrecision)
            {
                RecommendedThreshold = result.Threshold;
                break;
            }
        }
    }

    /// <summary>The result at each threshold measured, lowest threshold first.</summary>
    public IReadOnlyList<SemanticThresholdResult> Thresholds { get; }

    /// <summary>Every pair measured (duplicates once), with its similarity and the verifier's verdict.</summary>
    public IReadOnlyList<SemanticPairScore> Pairs { get; }

    /// <summary>How many of <see cref="Pairs"/> are labelled the same.</summary>
    public int SamePairs { get; }

    /// <summary>How many of <see cref="Pairs"/> are labelled different.</summary>
    public int DifferentPairs => Pairs.Count - SamePairs;

    /// <summary>How many pairs were left out because the same two prompts, in either order, came earlier with the same label.</summary>
    public int DuplicatesIgnored { get; }

    /// <summary>Whether a verifier judged the candidates, so the results are of the embedder and its guard together.</summary>
    public bool IsVerified { get; }

    /// <summary>How many candidates the verifier threw on; each counts as rejected, as in the cache.</summary>
    public int VerifierErrors { get; }

    /// <summary>The precision a threshold must reach to be recommended.</summary>
    public double TargetPrecision { get; }

    /// <summary>
    /// The lowest threshold measured whose precision is at least <see cref="TargetPrecision"/> with at least one right
    /// hit; <see langword="null"/> when none does, which says that the embedder (and verifier) cannot keep wrong answers
    /// this rare on this set at any of the thresholds.
    /// </summary>
    public float? RecommendedThreshold { get; }

    /// <summary>The pairs labelled different that a cache at <paramref name="threshold"/> would serve: the wrong answers, to group by <see cref="SemanticPair.Kind"/>.</summary>
    /// <param name="threshold">The similarity threshold.</param>
    /// <returns>The pairs, in the order given.</returns>
    public IEnumerable<SemanticPairScore> WrongHitsAt(float threshold) => Pairs.Where(score => !score.Pair.IsSame && score.IsServedAt(threshold));

    /// <summary>The pairs labelled the same that a cache at <paramref name="threshold"/> would not serve.</summary>
    /// <param name="threshold">The similarity threshold.</param>
    /// <returns>The pairs, in the order given.</returns>
    public IEnumerable<SemanticPairScore> MissedAt(float threshold) => Pairs.Where(score => score.Pair.IsSame && !score.IsServedAt(threshold));

    /// <summary>The report as a Markdown table of every threshold, with the recommendation.</summary>
    /// <returns>The table.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        text.AppendLine(culture, $"{Pairs.Count} pairs ({SamePairs} same, {DifferentPairs} different){(IsVerified ? ", with the verifier" : ", embedder alone")}; target precision {TargetPrecision:0.###}");
        text.AppendLine("| threshold | precision | recall | right hits | wrong hits | missed | rightly not served |");
        text.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var result in Thresholds)
        {
            text.AppendLine(culture, $"| {result.Threshold:0.00} | {Format(result.Precision)} | {Format(result.Recall)} | {result.TruePositives} | {result.FalsePositives} | {result.FalseNegatives} | {result.TrueNegatives} |");
        }

        text.Append(RecommendedThreshold is { } threshold
            ? string.Create(culture, $"Recommended threshold: {threshold:0.00}")
            : "No threshold measured reaches the target precision.");
        return text.ToString();

        static string Format(double value) => double.IsNaN(value) ? "-" : value.ToString("0.000", CultureInfo.InvariantCulture);
    }
}
