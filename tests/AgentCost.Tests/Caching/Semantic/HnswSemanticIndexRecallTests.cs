using System.Diagnostics;
using AgentCost.Caching;
using Xunit.Abstractions;

namespace AgentCost.Tests.Caching.Semantic;

/// <summary>
/// Recall@1 of the approximate index against an exact scan of the same 100,000 vectors of 384 dimensions, the size
/// of all-MiniLM-L6-v2's embeddings. Not timed: the time printed is for the reader.
/// </summary>
public sealed class HnswSemanticIndexRecallTests(ITestOutputHelper output)
{
    private const int Dimensions = 384;
    private const int Entries = 100_000;
    private const int Queries = 1_000;

    [Fact]
    public void Finds_the_nearest_of_100000_clustered_embeddings_for_at_least_99_percent_of_queries()
    {
        var vectors = new SemanticIndexTestVectors(Dimensions, seed: 13);
        var stored = new float[Entries][];
        for (var i = 0; i < stored.Length; i++)
        {
            stored[i] = vectors.Prompt();
        }

        // Half the queries paraphrase a cached prompt (the hits a cache exists for), half are new prompts on known topics.
        var random = new Random(7);
        var queries = new float[Queries][];
        for (var i = 0; i < queries.Length; i++)
        {
            queries[i] = i % 2 == 0 ? vectors.Paraphrase(stored[random.Next(Entries)]) : vectors.Prompt();
        }

        var recall = Measure(stored, queries);
        Assert.True(recall >= 0.99, $"recall@1 {recall:P2}");
    }

    [Fact]
    public void Finds_the_nearest_of_100000_uniform_random_vectors_for_most_queries()
    {
        // Uniform vectors in 384 dimensions are all nearly orthogonal: no neighbourhoods for a graph to follow. No
        // embedder makes them; the bound here only guards against a graph that stopped working.
        var vectors = new SemanticIndexTestVectors(Dimensions, seed: 17);
        var stored = new float[Entries][];
        for (var i = 0; i < stored.Length; i++)
        {
            stored[i] = vectors.Uniform();
        }

        var queries = new float[Queries][];
        for (var i = 0; i < queries.Length; i++)
        {
            queries[i] = vectors.Uniform();
        }

        var recall = Measure(stored, queries);
        Assert.True(recall >= 0.2, $"recall@1 {recall:P2}");
    }

    private double Measure(float[][] stored, float[][] queries)
    {
        using var exact = new ExactSemanticIndex(Dimensions);
        using var approximate = new HnswSemanticIndex(Dimensions);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < stored.Length; i++)
        {
            approximate.Add(i, stored[i]);
        }

        var built = clock.Elapsed;
        for (var i = 0; i < stored.Length; i++)
        {
            exact.Add(i, stored[i]);
        }

        clock.Restart();
        var recall = SemanticIndexTestVectors.RecallAtOne(approximate, exact, queries);
        output.WriteLine($"recall@1 {recall:P2} over {queries.Length} queries; built in {built.TotalSeconds:F1} s; exact and approximate lookups {clock.Elapsed.TotalMilliseconds / queries.Length:F3} ms per query together");
        return recall;
    }
}
