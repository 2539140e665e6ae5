using AgentCost.Caching;

namespace AgentCost.Tests.Caching.Semantic;

public sealed class CalibratorTests
{
    private readonly VectorTableGenerator _generator = new();

    // Similarities halfway between hundredths, so no float rounding decides a threshold.
    private SemanticPair[] Set() =>
    [
        _generator.Pair("same 1", 0.995f, isSame: true, "paraphrase"),
        _generator.Pair("same 2", 0.975f, isSame: true, "paraphrase"),
        _generator.Pair("same 3", 0.955f, isSame: true, "paraphrase"),
        _generator.Pair("same 4", 0.935f, isSame: true, "paraphrase"),
        _generator.Pair("same 5", 0.905f, isSame: true, "paraphrase"),
        _generator.Pair("different 1", 0.985f, isSame: false, "negation"),
        _generator.Pair("different 2", 0.945f, isSame: false, "entity_order"),
        _generator.Pair("different 3", 0.895f, isSame: false, "number"),
        _generator.Pair("different 4", 0.705f, isSame: false, "unrelated"),
    ];

    [Fact]
    public async Task Every_default_threshold_has_the_exact_counts_and_the_lowest_reaching_the_target_is_recommended()
    {
        var report = await new SemanticCacheCalibrator(_generator).CalibrateAsync(Set());

        Assert.Equal(Enumerable.Range(80, 20).Select(i => i / 100f), report.Thresholds.Select(result => result.Threshold));
        Assert.Equal((5, 4, 9), (report.SamePairs, report.DifferentPairs, report.Pairs.Count));
        Assert.False(report.IsVerified);
        AssertCounts(report, 0.80f, 5, 3, 0, 1);
        AssertCounts(report, 0.89f, 5, 3, 0, 1);
        AssertCounts(report, 0.90f, 5, 2, 0, 2);
        AssertCounts(report, 0.93f, 4, 2, 1, 2);
        AssertCounts(report, 0.94f, 3, 2, 2, 2);
        AssertCounts(report, 0.95f, 3, 1, 2, 3);
        AssertCounts(report, 0.98f, 1, 1, 4, 3);
        AssertCounts(report, 0.99f, 1, 0, 4, 4);
        Assert.Equal(0.625, At(report, 0.80f).Precision, 1e-12);
        Assert.Equal(1.0, At(report, 0.80f).Recall, 1e-12);
        Assert.Equal(0.75, At(report, 0.95f).Precision, 1e-12);
        Assert.Equal(0.6, At(report, 0.95f).Recall, 1e-12);
        Assert.Equal(0.99f, report.RecommendedThreshold);
        Assert.Equal(["negation", "entity_order"], report.WrongHitsAt(0.94f).Select(score => score.Pair.Kind));
        Assert.Equal(4, report.MissedAt(0.99f).Count());
    }

    [Theory]
    [InlineData(0.6, 0.80f)]
    [InlineData(0.7, 0.90f)]
    [InlineData(0.75, 0.95f)]
    [InlineData(1.0, 0.99f)]
    public async Task The_recommendation_is_the_lowest_threshold_reaching_the_target(double target, float expected)
    {
        var report = await new SemanticCacheCalibrator(_generator).CalibrateAsync(Set(), new SemanticCalibrationOptions { TargetPrecision = target });

        Assert.Equal(expected, report.RecommendedThreshold);
        Assert.Equal(target, report.TargetPrecision);
    }

    [Fact]
    public async Task With_a_verifier_the_report_is_of_the_embedder_and_its_guard_and_pairs_below_every_threshold_are_not_asked()
    {
        var verifier = new RuleVerifier(candidate => candidate.CachedPrompt.StartsWith("different 1", StringComparison.Ordinal) || candidate.CachedPrompt.StartsWith("different 2", StringComparison.Ordinal)
            ? SemanticHitVerdict.Reject("negation")
            : SemanticHitVerdict.Accept);

        var report = await new SemanticCacheCalibrator(_generator, verifier).CalibrateAsync(Set());

        Assert.True(report.IsVerified);
        Assert.Equal(8, verifier.Asked.Count);
        var asked = verifier.Asked.Single(candidate => candidate.CachedPrompt == "same 2 (cached)");
        Assert.Equal("same 2 (new)", asked.Prompt);
        Assert.Equal(0.975f, asked.Similarity, 1e-6f);
        AssertCounts(report, 0.80f, 5, 1, 0, 3);
        AssertCounts(report, 0.90f, 5, 0, 0, 4);
        Assert.Equal(0.90f, report.RecommendedThreshold);
        Assert.Equal("negation", report.Pairs.Single(score => score.Pair.Kind == "negation").Verdict?.Reason);
        Assert.Null(report.Pairs.Single(score => score.Pair.Kind == "unrelated").Verdict);
    }

    [Fact]
    public async Task Every_distinct_text_is_embedded_once_in_batches_of_the_configured_size()
    {
        var shared = _generator.Pair("shared", 0.955f, isSame: true);
        _generator.Set("another new", [0.955f, MathF.Sqrt(1 - (0.955f * 0.955f)), 0f]);
        var pairs = new[] { shared, shared with { Second = "another new" }, _generator.Pair("other", 0.5f, isSame: false) };

        var report = await new SemanticCacheCalibrator(_generator).CalibrateAsync(pairs, new SemanticCalibrationOptions { BatchSize = 2 });

        Assert.Equal(5, _generator.Embedded.Count);
        Assert.Equal(_generator.Embedded.Count, _generator.Embedded.Distinct().Count());
        Assert.Equal([2, 2, 1], _generator.CallSizes);
        Assert.Equal(3, report.Pairs.Count);
    }

    [Fact]
    public async Task Custom_thresholds_are_measured_once_each_in_rising_order()
    {
        var report = await new SemanticCacheCalibrator(_generator).CalibrateAsync(Set(), new SemanticCalibrationOptions { Thresholds = [0.95f, 0.5f, 0.95f, 1f] });

        Assert.Equal([0.5f, 0.95f, 1f], report.Thresholds.Select(result => result.Threshold));
        AssertCounts(report, 0.5f, 5, 4, 0, 0);
        AssertCounts(report, 1f, 0, 0, 5, 4);
        Assert.True(double.IsNaN(At(report, 1f).Precision));
    }

    [Fact]
    public async Task The_table_lists_every_threshold_and_the_recommendation()
    {
        var report = await new SemanticCacheCalibrator(_generator).CalibrateAsync(Set());

        var table = report.ToString();

        Assert.Contains("9 pairs (5 same, 4 different), embedder alone; target precision 0.98", table, StringComparison.Ordinal);
        Assert.Contains("| 0.95 | 0.750 | 0.600 | 3 | 1 | 2 | 3 |", table, StringComparison.Ordinal);
        Assert.EndsWith("Recommended threshold: 0.99", table, StringComparison.Ordinal);
        Assert.Equal(20 + 2, table.Split('\n').Count(line => line.StartsWith('|')));
    }

    private static SemanticThresholdResult At(SemanticCalibrationReport report, float threshold) => report.Thresholds.Single(result => result.Threshold == threshold);

    private static void AssertCounts(SemanticCalibrationReport report, float threshold, int truePositives, int falsePositives, int falseNegatives, int trueNegatives) =>
        Assert.Equal(new SemanticThresholdResult(threshold, truePositives, falsePositives, falseNegatives, trueNegatives), At(report, threshold));
}
