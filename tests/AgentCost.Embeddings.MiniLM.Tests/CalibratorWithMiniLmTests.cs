using AgentCost.Caching;
using Xunit.Abstractions;

namespace AgentCost.Embeddings.Tests;

public sealed class CalibratorWithMiniLmTests(MiniLmFixture fixture, ITestOutputHelper output) : IClassFixture<MiniLmFixture>
{
    private static readonly SemanticPair[] Pairs =
    [
        new("How do I reset my password?", "What are the steps to reset my password?", true, "paraphrase"),
        new("What is the capital of France?", "Which city is the capital of France?", true, "paraphrase"),
        new("How can I cancel my subscription?", "How do I cancel my subscription?", true, "paraphrase"),
        new("Show me flights from Madrid to Rome", "Show me flights from Rome to Madrid", false, "entity_order"),
        new("Is ibuprofen safe during pregnancy?", "Is ibuprofen not safe during pregnancy?", false, "negation"),
        new("List orders over $50", "List orders under $50", false, "contrast"),
        new("How do I reset my password?", "What is the weather in Oslo tomorrow?", false, "unrelated"),
    ];

    [Fact]
    public async Task MiniLM_alone_serves_hard_negatives_at_every_threshold_that_still_catches_a_paraphrase()
    {
        var report = await new SemanticCacheCalibrator(fixture.Generator).CalibrateAsync(Pairs, new SemanticCalibrationOptions { BatchSize = 4 });
        output.WriteLine(report.ToString());
        foreach (var score in report.Pairs)
        {
            output.WriteLine($"{score.Pair.Kind}: {score.Similarity:0.000}");
        }

        Assert.Equal((3, 4), (report.SamePairs, report.DifferentPairs));
        Assert.Equal(20, report.Thresholds.Count);
        // The unrelated pair is far below every threshold; the hard negatives are not.
        Assert.True(report.Pairs[6].Similarity < 0.3f, report.ToString());
        var lowest = report.Thresholds[0];
        Assert.Equal(3, lowest.TruePositives);
        Assert.Contains("entity_order", report.WrongHitsAt(0.9f).Select(score => score.Pair.Kind));
        // Swapped places, a negation and over/under sit at 0.98 or more, above two of the paraphrases: no threshold
        // separates them, which is what the guard is for.
        Assert.All(report.Thresholds, result => Assert.True(result.FalsePositives >= 2, report.ToString()));
        Assert.Null(report.RecommendedThreshold);
    }

    [Fact]
    public async Task A_guard_that_catches_the_hard_negatives_makes_a_threshold_reach_the_target()
    {
        var guard = new KindVerifier(Pairs);

        var report = await new SemanticCacheCalibrator(fixture.Generator, guard).CalibrateAsync(Pairs);

        Assert.True(report.IsVerified);
        Assert.Equal(0.80f, report.RecommendedThreshold);
        Assert.Equal(1.0, report.Thresholds[0].Precision);
        Assert.Empty(report.WrongHitsAt(0.80f));
    }

    /// <summary>Rejects the candidates the set labels as hard negatives: the perfect guard, to show the report follows the verifier.</summary>
    private sealed class KindVerifier(IEnumerable<SemanticPair> pairs) : ISemanticHitVerifier
    {
        private readonly HashSet<(string, string)> _different = [.. pairs.Where(pair => !pair.IsSame).Select(pair => (pair.Second, pair.First))];

        public ValueTask<SemanticHitVerdict> VerifyAsync(SemanticHitCandidate candidate, CancellationToken cancellationToken) =>
            ValueTask.FromResult(_different.Contains((candidate.Prompt, candidate.CachedPrompt)) ? SemanticHitVerdict.Reject("labelled_different") : SemanticHitVerdict.Accept);
    }
}
