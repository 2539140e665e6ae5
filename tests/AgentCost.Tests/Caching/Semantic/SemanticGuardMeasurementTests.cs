using System.Globalization;
using System.Numerics.Tensors;
using System.Text;
using AgentCost.Caching;
using AgentCost.Embeddings;
using Xunit.Abstractions;

namespace AgentCost.Tests.Caching.Semantic;

/// <summary>
/// The labelled set through the real all-MiniLM-L6-v2 embedder, pairwise: a hit is a similarity at or above the
/// threshold that the guard accepts. Prints the tables of docs/semantic-cache.md ("Measured"):
/// <c>dotnet test tests/AgentCost.Tests -c Release --filter "FullyQualifiedName~SemanticGuardMeasurement" --logger "console;verbosity=detailed"</c>.
/// </summary>
public class SemanticGuardMeasurementTests(ITestOutputHelper output)
{
    private static readonly Lazy<Measured[]> Scored = new(Score);

    [Fact]
    public void At_default_settings_hits_are_precise_and_most_paraphrases_hit()
    {
        var threshold = new SemanticCacheOptions().Threshold;
        var (precision, recall, wrong, hits) = Rate(Scored.Value, threshold, guarded: true);

        output.WriteLine($"default threshold {threshold:F2}: {hits} hits, {wrong} wrong, precision {precision:F3}, recall {recall:F3}");
        Assert.True(precision >= 0.98, $"precision {precision:F3} ({wrong} wrong of {hits} hits)");
        Assert.True(recall >= 0.6, $"recall {recall:F3}");
    }

    [Fact]
    public void The_held_out_parts_are_as_precise_as_the_rest()
    {
        var threshold = new SemanticCacheOptions().Threshold;
        foreach (var part in new[] { "holdout1", "holdout2" })
        {
            var (precision, recall, wrong, hits) = Rate(Scored.Value.Where(m => m.Pair.Part == part).ToArray(), threshold, guarded: true);
            output.WriteLine($"{part}: {hits} hits, {wrong} wrong, precision {precision:F3}, recall {recall:F3}");
            Assert.True(precision >= 0.98, $"{part}: precision {precision:F3}");
            Assert.True(recall >= 0.6, $"{part}: recall {recall:F3}");
        }
    }

    [Fact]
    public void Without_the_guard_no_threshold_keeps_wrong_answers_out()
    {
        var table = new StringBuilder()
            .AppendLine("| threshold | embedder alone: precision | recall | wrong hits | with the guard: precision | recall | wrong hits |")
            .AppendLine("|---|---|---|---|---|---|---|");
        for (var step = 0; step <= 24; step++)
        {
            var threshold = 0.75f + (step * 0.01f);
            var alone = Rate(Scored.Value, threshold, guarded: false);
            var guarded = Rate(Scored.Value, threshold, guarded: true);
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {threshold:F2} | {alone.Precision:F3} | {alone.Recall:F3} | {alone.Wrong} | {guarded.Precision:F3} | {guarded.Recall:F3} | {guarded.Wrong} |");
            Assert.True(alone.Precision < 0.9, $"the embedder alone reached {alone.Precision:F3} at {threshold:F2}: the set is no longer hard");
        }

        output.WriteLine(table.ToString());
        foreach (var missed in Scored.Value.Where(m => !m.Pair.Same && m.Verdict.IsAccepted))
        {
            output.WriteLine($"guard accepted a {missed.Pair.Kind} negative at {missed.Similarity:F2}: {missed.Pair.First} | {missed.Pair.Second}");
        }
    }

    private static (double Precision, double Recall, int Wrong, int Hits) Rate(IReadOnlyList<Measured> measured, float threshold, bool guarded)
    {
        var hits = measured.Where(m => m.Similarity >= threshold && (!guarded || m.Verdict.IsAccepted)).ToArray();
        var right = hits.Count(m => m.Pair.Same);
        var precision = hits.Length == 0 ? 1 : (double)right / hits.Length;
        return (precision, (double)right / measured.Count(m => m.Pair.Same), hits.Length - right, hits.Length);
    }

    private static Measured[] Score()
    {
        var pairs = SemanticPairSet.Load();
        var texts = pairs.SelectMany(p => new[] { p.First, p.Second }).Distinct().ToArray();
        using var embedder = new MiniLmEmbeddingGenerator();
        var vectors = embedder.GenerateAsync(texts).GetAwaiter().GetResult();
        var byText = new Dictionary<string, ReadOnlyMemory<float>>(StringComparer.Ordinal);
        for (var i = 0; i < texts.Length; i++)
        {
            byText[texts[i]] = vectors[i].Vector;
        }

        var rules = new SemanticHitRules(new SemanticCacheOptions().Rules);
        return pairs
            .Select(p => new Measured(p, TensorPrimitives.Dot(byText[p.First].Span, byText[p.Second].Span), rules.Verify(p.First, p.Second)))
            .ToArray();
    }

    private sealed record Measured(LabelledPair Pair, float Similarity, SemanticHitVerdict Verdict);
}
