using AgentCost.Caching;
using Microsoft.Extensions.AI;

namespace AgentCost.Tests.Caching.Semantic;

public sealed class CalibratorHostileInputTests
{
    private readonly VectorTableGenerator _generator = new();

    [Fact]
    public async Task An_empty_set_or_a_null_pair_is_refused()
    {
        var calibrator = new SemanticCacheCalibrator(_generator);

        await Assert.ThrowsAsync<ArgumentNullException>("pairs", () => calibrator.CalibrateAsync(null!));
        await Assert.ThrowsAsync<ArgumentException>("pairs", () => calibrator.CalibrateAsync([]));
        var error = await Assert.ThrowsAsync<ArgumentException>("pairs", () => calibrator.CalibrateAsync([_generator.Pair("a", 0.9f, true), null!]));
        Assert.Contains("index 1", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>("pairs", () => calibrator.CalibrateAsync([new SemanticPair("a", null!, true)]));
        Assert.Throws<ArgumentNullException>("generator", () => new SemanticCacheCalibrator(null!));
    }

    [Fact]
    public async Task Without_positive_pairs_there_is_no_recall_and_no_recommendation()
    {
        var report = await new SemanticCacheCalibrator(_generator).CalibrateAsync(
            [_generator.Pair("a", 0.95f, false), _generator.Pair("b", 0.5f, false)]);

        Assert.Equal(0, report.SamePairs);
        Assert.All(report.Thresholds, result => Assert.True(double.IsNaN(result.Recall)));
        Assert.Equal(0.0, report.Thresholds[0].Precision);
        Assert.Null(report.RecommendedThreshold);
        Assert.EndsWith("No threshold measured reaches the target precision.", report.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Duplicates_in_either_order_count_once_and_contradicting_labels_are_refused()
    {
        var pair = _generator.Pair("a", 0.95f, isSame: true);
        var swapped = new SemanticPair(pair.Second, pair.First, IsSame: true);
        var calibrator = new SemanticCacheCalibrator(_generator);

        var report = await calibrator.CalibrateAsync([pair, pair, swapped, _generator.Pair("b", 0.5f, false)]);

        Assert.Equal(2, report.DuplicatesIgnored);
        Assert.Equal(2, report.Pairs.Count);
        Assert.Equal(1, report.Thresholds[0].TruePositives);
        var error = await Assert.ThrowsAsync<ArgumentException>("pairs", () => calibrator.CalibrateAsync([pair, swapped with { IsSame = false }]));
        Assert.Contains("index 1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-0.5f)]
    [InlineData(1.01f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public async Task A_threshold_out_of_range_is_refused(float threshold)
    {
        var calibrator = new SemanticCacheCalibrator(_generator);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>("Thresholds", () =>
            calibrator.CalibrateAsync([_generator.Pair("a", 0.9f, true)], new SemanticCalibrationOptions { Thresholds = [0.9f, threshold] }));
        Assert.Empty(_generator.CallSizes);
    }

    [Fact]
    public async Task No_thresholds_a_target_out_of_range_or_no_batch_are_refused()
    {
        var calibrator = new SemanticCacheCalibrator(_generator);
        SemanticPair[] pairs = [_generator.Pair("a", 0.9f, true)];

        await Assert.ThrowsAsync<ArgumentException>("Thresholds", () => calibrator.CalibrateAsync(pairs, new SemanticCalibrationOptions { Thresholds = [] }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>("TargetPrecision", () => calibrator.CalibrateAsync(pairs, new SemanticCalibrationOptions { TargetPrecision = 0 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>("TargetPrecision", () => calibrator.CalibrateAsync(pairs, new SemanticCalibrationOptions { TargetPrecision = 1.5 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>("TargetPrecision", () => calibrator.CalibrateAsync(pairs, new SemanticCalibrationOptions { TargetPrecision = double.NaN }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>("BatchSize", () => calibrator.CalibrateAsync(pairs, new SemanticCalibrationOptions { BatchSize = 0 }));
    }

    [Fact]
    public async Task An_embedder_returning_other_dimensions_or_counts_is_reported_not_trusted()
    {
        SemanticPair[] pairs = [new("first", "second", true), new("third", "fourth", false)];
        var wrongLength = new CustomGenerator(texts => texts.Select(text => new Embedding<float>(text == "third" ? new float[2] { 1, 0 } : [1, 0, 0])));
        var tooFew = new CustomGenerator(texts => texts.Skip(1).Select(_ => new Embedding<float>(new float[] { 1, 0, 0 })));
        var empty = new CustomGenerator(texts => texts.Select(_ => new Embedding<float>(ReadOnlyMemory<float>.Empty)));

        var dimensions = await Assert.ThrowsAsync<InvalidOperationException>(() => new SemanticCacheCalibrator(wrongLength).CalibrateAsync(pairs));
        Assert.Contains("2 dimensions where the first had 3", dimensions.Message, StringComparison.Ordinal);
        var count = await Assert.ThrowsAsync<InvalidOperationException>(() => new SemanticCacheCalibrator(tooFew).CalibrateAsync(pairs));
        Assert.Contains("3 embeddings for 4 texts", count.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => new SemanticCacheCalibrator(empty).CalibrateAsync(pairs));
    }

    [Fact]
    public async Task An_embedder_failure_reaches_the_caller_unchanged()
    {
        var failure = new HttpRequestException("The embedding service is down.");
        var failing = new CustomGenerator(_ => throw failure);

        var thrown = await Assert.ThrowsAsync<HttpRequestException>(() => new SemanticCacheCalibrator(failing).CalibrateAsync([new SemanticPair("a", "b", true)]));

        Assert.Same(failure, thrown);
    }

    [Fact]
    public async Task A_zero_vector_is_similar_to_nothing()
    {
        var zero = new CustomGenerator(texts => texts.Select(text => new Embedding<float>(text == "blank" ? new float[3] : [1, 0, 0])));

        var report = await new SemanticCacheCalibrator(zero).CalibrateAsync([new SemanticPair("blank", "question", true), new SemanticPair("question", "same question", true)]);

        Assert.Equal(0f, report.Pairs[0].Similarity);
        Assert.Equal(1f, report.Pairs[1].Similarity, 1e-6f);
    }

    [Fact]
    public async Task A_verifier_that_throws_rejects_the_candidate_and_is_counted()
    {
        var verifier = new RuleVerifier(candidate => candidate.CachedPrompt.StartsWith('b') ? throw new InvalidOperationException("verifier bug") : SemanticHitVerdict.Accept);

        var report = await new SemanticCacheCalibrator(_generator, verifier).CalibrateAsync(
            [_generator.Pair("a", 0.95f, true), _generator.Pair("b", 0.95f, true)]);

        Assert.Equal(1, report.VerifierErrors);
        Assert.Equal("verifier_error", report.Pairs[1].Verdict?.Reason);
        Assert.Equal(new SemanticThresholdResult(0.95f, 1, 0, 1, 0), report.Thresholds.Single(result => result.Threshold == 0.95f));
    }

    [Fact]
    public async Task Cancellation_stops_the_run()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();
        var cancelledVerifier = new RuleVerifier(_ => throw new OperationCanceledException(cancellation.Token));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new SemanticCacheCalibrator(_generator).CalibrateAsync([_generator.Pair("a", 0.9f, true)], cancellationToken: cancellation.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new SemanticCacheCalibrator(new CustomGenerator(texts => texts.Select(_ => new Embedding<float>(new float[] { 1, 0 }))), cancelledVerifier)
            .CalibrateAsync([new SemanticPair("a", "b", true)], cancellationToken: cancellation.Token));
    }
}
