using System.Collections.Concurrent;
using System.Numerics.Tensors;
using AgentCost.Caching;

namespace AgentCost.Tests.Caching.Semantic;

/// <summary>What every built-in <see cref="ISemanticIndex"/> holds to, each tested the same way.</summary>
public sealed class SemanticIndexContractTests
{
    private const int Dimensions = 48;

    public static TheoryData<string> Indexes => ["exact", "hnsw", "hnsw-float", "adaptive"];

    [Theory]
    [MemberData(nameof(Indexes))]
    public void Finds_the_most_similar_first_with_their_exact_similarities(string kind)
    {
        using var index = Create(kind);
        var vectors = new SemanticIndexTestVectors(Dimensions, seed: 1);
        var stored = Fill(index, vectors, 300);
        var query = vectors.Prompt();

        var matches = new SemanticMatch[10];
        Assert.Equal(10, index.Search(query, matches));

        var expected = stored.Select((vector, id) => new SemanticMatch(id, TensorPrimitives.Dot(query, vector)))
            .OrderByDescending(m => m.Similarity).ThenBy(m => m.Id).Take(10).ToArray();
        Assert.Equal(expected, matches);
    }

    [Theory]
    [MemberData(nameof(Indexes))]
    public void Removed_entries_are_never_found_and_replaced_ones_only_by_their_new_vector(string kind)
    {
        using var index = Create(kind);
        var vectors = new SemanticIndexTestVectors(Dimensions, seed: 2);
        var stored = Fill(index, vectors, 50);

        for (var id = 0; id < 50; id += 5)
        {
            Assert.True(index.Remove(id));
            Assert.False(index.Remove(id));
        }

        Assert.Equal(40, index.Count);
        var all = new SemanticMatch[100];
        Assert.Equal(40, index.Search(vectors.Prompt(), all));
        Assert.All(all[..40], match => Assert.NotEqual(0, match.Id % 5));

        var replacement = vectors.Prompt();
        index.Add(7, replacement);
        Assert.Equal(40, index.Count);
        var best = new SemanticMatch[1];
        Assert.Equal(1, index.Search(replacement, best));
        Assert.Equal(new SemanticMatch(7, TensorPrimitives.Dot(replacement, replacement)), best[0]);
        var found = index.Search(stored[7], all);
        Assert.Equal(TensorPrimitives.Dot(stored[7], replacement), all[..found].Single(m => m.Id == 7).Similarity);
    }

    [Theory]
    [MemberData(nameof(Indexes))]
    public void Every_entry_is_found_after_much_churn(string kind)
    {
        using var index = Create(kind);
        var vectors = new SemanticIndexTestVectors(Dimensions, seed: 3);
        var live = new Dictionary<long, float[]>();
        for (var round = 0; round < 4; round++)
        {
            for (var i = 0; i < 150; i++)
            {
                var id = (round * 1_000) + i;
                live[id] = vectors.Prompt();
                index.Add(id, live[id]);
            }

            foreach (var id in live.Keys.Where(id => id % 3 != round % 3).Take(100).ToList())
            {
                Assert.True(index.Remove(id));
                live.Remove(id);
            }
        }

        Assert.Equal(live.Count, index.Count);
        AssertEachFoundByItsOwnVector(index, live);
    }

    [Theory]
    [MemberData(nameof(Indexes))]
    public void Refuses_vectors_of_other_dimensions_or_that_are_not_finite_and_keeps_what_it_had(string kind)
    {
        using var index = Create(kind);
        var vectors = new SemanticIndexTestVectors(Dimensions, seed: 4);
        Fill(index, vectors, 3);
        var matches = new SemanticMatch[4];

        Assert.Throws<ArgumentException>(() => index.Add(9, new float[Dimensions - 1]));
        Assert.Throws<ArgumentException>(() => index.Add(9, new float[Dimensions + 1]));
        Assert.Throws<ArgumentException>(() => index.Search(new float[Dimensions + 1], matches));
        Assert.Throws<ArgumentException>(() => index.Search([], matches));

        var nan = vectors.Prompt();
        nan[5] = float.NaN;
        Assert.Throws<ArgumentException>(() => index.Add(9, nan));
        var infinite = vectors.Prompt();
        infinite[0] = float.PositiveInfinity;
        Assert.Throws<ArgumentException>(() => index.Add(9, infinite));

        Assert.Equal(3, index.Count);
        Assert.Equal(0, index.Search(nan, matches));
        Assert.Equal(0, index.Search(infinite, matches));
    }

    [Theory]
    [MemberData(nameof(Indexes))]
    public void A_zero_vector_is_kept_and_is_as_far_from_everything_as_it_can_be(string kind)
    {
        using var index = Create(kind);
        index.Add(1, new float[Dimensions]);
        var vectors = new SemanticIndexTestVectors(Dimensions, seed: 5);
        var query = vectors.Prompt();
        index.Add(2, query);

        var matches = new SemanticMatch[4];
        Assert.Equal(2, index.Search(query, matches));
        Assert.Equal(new SemanticMatch(1, 0f), matches[1]);
        Assert.Equal(2, index.Search(new float[Dimensions], matches));
        Assert.All(matches[..2], match => Assert.Equal(0f, match.Similarity));
    }

    [Theory]
    [MemberData(nameof(Indexes))]
    public void An_empty_index_or_an_empty_span_finds_nothing_and_a_huge_span_finds_everything_in_order(string kind)
    {
        using var index = Create(kind);
        var vectors = new SemanticIndexTestVectors(Dimensions, seed: 6);
        var query = vectors.Prompt();
        var huge = new SemanticMatch[100_000];
        Assert.Equal(0, index.Search(query, huge));

        Fill(index, vectors, 30);
        Assert.Equal(0, index.Search(query, []));
        Assert.Equal(30, index.Search(query, huge));
        Assert.Equal(Enumerable.Range(0, 30).Select(i => (long)i).Order(), huge[..30].Select(m => m.Id).Order());
        for (var i = 1; i < 30; i++)
        {
            Assert.True(huge[i - 1].Similarity >= huge[i].Similarity);
        }
    }

    [Theory]
    [MemberData(nameof(Indexes))]
    public void A_lookup_allocates_nothing_once_its_thread_has_searched(string kind)
    {
        using var index = Create(kind);
        var vectors = new SemanticIndexTestVectors(Dimensions, seed: 9);
        Fill(index, vectors, 200);
        var query = vectors.Prompt();
        var matches = new SemanticMatch[4];
        index.Search(query, matches);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            index.Search(query, matches);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [MemberData(nameof(Indexes))]
    public void Adding_an_id_twice_keeps_one_entry(string kind)
    {
        using var index = Create(kind);
        var vectors = new SemanticIndexTestVectors(Dimensions, seed: 7);
        var vector = vectors.Prompt();
        index.Add(42, vector);
        index.Add(42, vector);
        index.Add(42, vector);

        Assert.Equal(1, index.Count);
        var matches = new SemanticMatch[4];
        Assert.Equal(1, index.Search(vector, matches));
        Assert.True(index.Remove(42));
        Assert.Equal(0, index.Search(vector, matches));
    }

    [Theory]
    [MemberData(nameof(Indexes))]
    public async Task A_thousand_concurrent_searches_additions_and_removals_lose_no_entry(string kind)
    {
        using var index = Create(kind);
        var vectors = new SemanticIndexTestVectors(Dimensions, seed: 8);
        var all = Enumerable.Range(0, 1_000).Select(_ => vectors.Prompt()).ToArray();
        var failures = new ConcurrentQueue<Exception>();
        using var start = new ManualResetEventSlim();

        // Every third entry is removed by the task that added it; every task searches too.
        var tasks = Enumerable.Range(0, all.Length).Select(id => Task.Run(() =>
        {
            try
            {
                start.Wait();
                var matches = new SemanticMatch[3];
                index.Add(id, all[id]);
                var found = index.Search(all[(id * 7) % all.Length], matches);
                for (var i = 1; i < found; i++)
                {
                    Assert.True(matches[i - 1].Similarity >= matches[i].Similarity);
                }

                if (id % 3 == 0)
                {
                    Assert.True(index.Remove(id));
                }
            }
            catch (Exception exception)
            {
                failures.Enqueue(exception);
            }
        })).ToArray();
        start.Set();
        await Task.WhenAll(tasks);

        Assert.Empty(failures);
        var live = Enumerable.Range(0, all.Length).Where(id => id % 3 != 0).ToDictionary(id => (long)id, id => all[id]);
        Assert.Equal(live.Count, index.Count);
        AssertEachFoundByItsOwnVector(index, live);
    }

    internal static ISemanticIndex Create(string kind) => kind switch
    {
        "exact" => new ExactSemanticIndex(Dimensions),
        "hnsw" => new HnswSemanticIndex(Dimensions),
        "hnsw-float" => new HnswSemanticIndex(Dimensions, quantize: false),
        "adaptive" => new AdaptiveSemanticIndex(Dimensions, switchOverCount: 40),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static float[][] Fill(ISemanticIndex index, SemanticIndexTestVectors vectors, int count)
    {
        var stored = new float[count][];
        for (var id = 0; id < count; id++)
        {
            stored[id] = vectors.Prompt();
            index.Add(id, stored[id]);
        }

        return stored;
    }

    internal static void AssertEachFoundByItsOwnVector(ISemanticIndex index, IReadOnlyDictionary<long, float[]> live)
    {
        var best = new SemanticMatch[1];
        foreach (var (id, vector) in live)
        {
            Assert.Equal(1, index.Search(vector, best));
            Assert.Equal(id, best[0].Id);
        }
    }
}
