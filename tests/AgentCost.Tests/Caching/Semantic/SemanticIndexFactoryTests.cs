using AgentCost.Caching;

namespace AgentCost.Tests.Caching.Semantic;

public sealed class SemanticIndexFactoryTests
{
    [Fact]
    public void Without_a_factory_a_partition_gets_the_adaptive_index()
    {
        using var index = SemanticIndex.Create(384, new SemanticCacheOptions());

        var adaptive = Assert.IsType<AdaptiveSemanticIndex>(index);
        Assert.Equal(384, adaptive.Dimensions);
        Assert.False(adaptive.IsApproximate);
    }

    [Fact]
    public void The_cache_gives_each_partition_the_adaptive_index_when_no_factory_is_set()
    {
        using var index = SemanticCache.CreateDefaultIndex(384);

        Assert.IsType<AdaptiveSemanticIndex>(index);
        Assert.Equal(384, index.Dimensions);
    }

    [Fact]
    public void The_options_factory_makes_the_index_and_is_given_the_dimensions()
    {
        var made = new List<CountingIndex>();
        var options = new SemanticCacheOptions
        {
            IndexFactory = dimensions =>
            {
                var index = new CountingIndex(dimensions);
                made.Add(index);
                return index;
            },
        };

        using var index = SemanticIndex.Create(8, options);
        index.Add(1, [1, 0, 0, 0, 0, 0, 0, 0]);
        var matches = new SemanticMatch[1];
        Assert.Equal(1, index.Search([1, 0, 0, 0, 0, 0, 0, 0], matches));

        Assert.Same(Assert.Single(made), index);
        Assert.Equal((1, 1), (made[0].Additions, made[0].Searches));
    }

    [Fact]
    public void A_factory_that_makes_nothing_or_the_wrong_dimensions_fails_and_names_the_setting()
    {
        var wrong = new CountingIndex(16);
        var wrongDimensions = Assert.Throws<InvalidOperationException>(
            () => SemanticIndex.Create(8, new SemanticCacheOptions { IndexFactory = _ => wrong }));
        Assert.Contains("IndexFactory", wrongDimensions.Message);
        Assert.True(wrong.Disposed);

        var nothing = Assert.Throws<InvalidOperationException>(
            () => SemanticIndex.Create(8, new SemanticCacheOptions { IndexFactory = _ => null! }));
        Assert.Contains("IndexFactory", nothing.Message);
    }

    [Fact]
    public void Refuses_no_options_or_no_dimensions()
    {
        Assert.Throws<ArgumentNullException>(() => SemanticIndex.Create(8, null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => SemanticIndex.Create(0, new SemanticCacheOptions()));
    }

    /// <summary>An index of the test's own, to show the cache's factory is the one used.</summary>
    private sealed class CountingIndex(int dimensions) : ISemanticIndex
    {
        private readonly ExactSemanticIndex _inner = new(dimensions);

        public int Additions { get; private set; }

        public int Searches { get; private set; }

        public bool Disposed { get; private set; }

        public int Dimensions => _inner.Dimensions;

        public int Count => _inner.Count;

        public void Add(long id, ReadOnlySpan<float> vector)
        {
            Additions++;
            _inner.Add(id, vector);
        }

        public bool Remove(long id) => _inner.Remove(id);

        public int Search(ReadOnlySpan<float> query, Span<SemanticMatch> matches)
        {
            Searches++;
            return _inner.Search(query, matches);
        }

        public void Dispose() => Disposed = true;
    }
}
