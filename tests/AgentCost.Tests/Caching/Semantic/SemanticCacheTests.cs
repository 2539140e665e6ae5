using System.Diagnostics.Metrics;
using System.Text;
using AgentCost.Caching;
using AgentCost.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace AgentCost.Tests.Caching.Semantic;

public sealed class SemanticCacheTests
{
    private readonly WordEmbedder _embedder = new();
    private readonly FakeTimeProvider _time = new();
    private readonly FakeLogger _logger = new();

    private SemanticCache Create(Action<SemanticCacheOptions>? configure = null, AgentCostMetrics? metrics = null, WordEmbedder? embedder = null)
    {
        var options = new SemanticCacheOptions { Threshold = 0.9f };
        configure?.Invoke(options);
        return new SemanticCache(embedder ?? _embedder, options, _time, metrics, _logger);
    }

    private static byte[] Value(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(SemanticCacheLookup lookup) => Encoding.UTF8.GetString(lookup.Value.Span);

    private static async Task<bool> StoreAsync(SemanticCache cache, string partition, string prompt, string value, long cost = 0)
    {
        var miss = await cache.LookupAsync(partition, prompt, method: null, CancellationToken.None);
        Assert.False(miss.IsHit);
        return cache.Store(miss, Value(value), cost);
    }

    [Fact]
    public async Task A_similar_prompt_in_the_same_partition_is_a_hit_with_the_cost_of_its_miss()
    {
        using var cache = Create();
        Assert.True(await StoreAsync(cache, "p", "How do I reset my password?", "Use the link.", cost: 1234));

        var hit = await cache.LookupAsync("p", "how do I reset my password", null, CancellationToken.None);

        Assert.True(hit.IsHit);
        Assert.False(hit.CanStore);
        Assert.Equal("Use the link.", Text(hit));
        Assert.Equal(1234, hit.MissCostUnits);
        Assert.True(hit.Similarity > 0.99f);
    }

    [Fact]
    public async Task The_same_prompt_in_another_partition_is_never_a_hit()
    {
        using var cache = Create(o => o.Threshold = 0.01f);
        await StoreAsync(cache, "model-a", "What is the capital of France?", "Paris");

        var other = await cache.LookupAsync("model-b", "What is the capital of France?", null, CancellationToken.None);

        Assert.False(other.IsHit);
        Assert.True(other.CanStore);
    }

    [Fact]
    public async Task A_prompt_below_the_threshold_is_a_miss()
    {
        using var cache = Create(o => o.Threshold = 0.95f);
        await StoreAsync(cache, "p", "What is the capital of France?", "Paris");

        var lookup = await cache.LookupAsync("p", "What is the capital of Spain?", null, CancellationToken.None);

        Assert.False(lookup.IsHit);
        Assert.True(lookup.CanStore);
        Assert.Equal(2, cache.Statistics.Misses);
    }

    [Fact]
    public async Task Two_misses_of_the_same_prompt_keep_one_entry_the_last_stored()
    {
        using var cache = Create();
        var first = await cache.LookupAsync("p", "What is the capital of France?", null, CancellationToken.None);
        var second = await cache.LookupAsync("p", "What is the capital of France?", null, CancellationToken.None);
        cache.Store(first, Value("Lyon"), 0);
        cache.Store(second, Value("Paris"), 0);

        var hit = await cache.LookupAsync("p", "What is the capital of France?", null, CancellationToken.None);

        Assert.Equal("Paris", Text(hit));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public async Task An_entry_expires_after_its_time_to_live()
    {
        using var cache = Create(o => o.TimeToLive = TimeSpan.FromMinutes(10));
        await StoreAsync(cache, "p", "What is the capital of France?", "Paris");

        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.True((await cache.LookupAsync("p", "What is the capital of France?", null, CancellationToken.None)).IsHit);

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.False((await cache.LookupAsync("p", "What is the capital of France?", null, CancellationToken.None)).IsHit);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task An_expired_entry_that_is_never_looked_up_again_goes_at_the_next_store()
    {
        using var cache = Create(o => o.TimeToLive = TimeSpan.FromMinutes(10));
        await StoreAsync(cache, "tenant-a", "What is the capital of France?", "Paris");

        _time.Advance(TimeSpan.FromMinutes(10));
        await StoreAsync(cache, "tenant-b", "What is the capital of Spain?", "Madrid");

        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public async Task The_least_recently_used_entry_goes_first_when_the_entries_are_full_not_the_oldest()
    {
        using var cache = Create(o => o.MaxEntries = 2);
        await StoreAsync(cache, "p1", "first question about apples", "A");
        await StoreAsync(cache, "p2", "second question about bananas", "B");

        // Served, the first becomes the most recently used; the second, in another partition, is now the oldest used.
        Assert.True((await cache.LookupAsync("p1", "first question about apples", null, CancellationToken.None)).IsHit);
        await StoreAsync(cache, "p1", "third question about cherries", "C");

        Assert.Equal(2, cache.Count);
        Assert.True((await cache.LookupAsync("p1", "first question about apples", null, CancellationToken.None)).IsHit);
        Assert.False((await cache.LookupAsync("p2", "second question about bananas", null, CancellationToken.None)).IsHit);
        Assert.True((await cache.LookupAsync("p1", "third question about cherries", null, CancellationToken.None)).IsHit);
    }

    [Fact]
    public async Task The_least_recently_used_entries_go_when_the_bytes_are_full()
    {
        var value = new string('x', 10_000);
        using var cache = Create(o => o.MaxBytes = 25_000);
        await StoreAsync(cache, "p", "first question about apples", value);
        await StoreAsync(cache, "p", "second question about bananas", value);
        Assert.True((await cache.LookupAsync("p", "first question about apples", null, CancellationToken.None)).IsHit);

        await StoreAsync(cache, "p", "third question about cherries", value);

        Assert.Equal(2, cache.Count);
        Assert.True(cache.Statistics.Bytes <= 25_000);
        Assert.False((await cache.LookupAsync("p", "second question about bananas", null, CancellationToken.None)).IsHit);
        Assert.True((await cache.LookupAsync("p", "first question about apples", null, CancellationToken.None)).IsHit);
    }

    [Fact]
    public async Task A_value_bigger_than_the_cache_is_not_stored_and_evicts_nothing()
    {
        using var cache = Create(o => o.MaxBytes = 5_000);
        await StoreAsync(cache, "p", "first question about apples", "small");

        Assert.False(await StoreAsync(cache, "p", "second question about bananas", new string('x', 10_000)));

        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public async Task A_thousand_concurrent_lookups_and_stores_lose_no_entry()
    {
        // Wide enough that no two of the prompts' distinct words share a dimension.
        using var cache = Create(o => o.MaxEntries = 5_000, embedder: new WordEmbedder(4096));
        await Parallel.ForAsync(0, 1_000, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var partition = "p" + (i % 7);
            var prompt = $"question number w{i} about topic t{i}";
            var miss = await cache.LookupAsync(partition, prompt, null, ct);
            Assert.True(cache.Store(miss, Value("answer " + i), i));
            var hit = await cache.LookupAsync(partition, prompt, null, ct);
            Assert.True(hit.IsHit);
        });

        Assert.Equal(1_000, cache.Count);
        for (var i = 0; i < 1_000; i++)
        {
            var hit = await cache.LookupAsync("p" + (i % 7), $"question number w{i} about topic t{i}", null, CancellationToken.None);
            Assert.True(hit.IsHit);
            Assert.Equal("answer " + i, Text(hit));
        }
    }

    [Fact]
    public async Task Concurrent_stores_past_the_limit_keep_exactly_the_limit()
    {
        using var cache = Create(o => o.MaxEntries = 100);
        await Parallel.ForAsync(0, 1_000, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var miss = await cache.LookupAsync("p" + (i % 3), $"question w{i}", null, ct);
            cache.Store(miss, Value("answer"), 0);
            await cache.LookupAsync("p" + ((i + 1) % 3), $"question w{i - 1}", null, ct);
        });

        Assert.Equal(100, cache.Count);
    }

    [Fact]
    public async Task An_embedder_that_throws_makes_a_miss_that_stores_nothing_and_is_logged()
    {
        using var cache = Create();
        _embedder.Failure = new HttpRequestException("embedder down");

        var lookup = await cache.LookupAsync("p", "What is the capital of France?", null, CancellationToken.None);

        Assert.False(lookup.IsHit);
        Assert.False(lookup.CanStore);
        Assert.False(cache.Store(lookup, Value("Paris"), 0));
        var record = Assert.Single(_logger.Collector.GetSnapshot(), r => r.Id.Id == 5001);
        Assert.IsType<HttpRequestException>(record.Exception);
    }

    [Theory]
    [InlineData("nan")]
    [InlineData("zero")]
    [InlineData("short")]
    public async Task An_unusable_vector_makes_a_miss_that_stores_nothing_and_is_logged(string kind)
    {
        using var cache = Create();
        await StoreAsync(cache, "p", "a first question", "sets the vectors' length");
        var vector = kind switch
        {
            "nan" => Enumerable.Repeat(float.NaN, _embedder.Dimensions).ToArray(),
            "zero" => new float[_embedder.Dimensions],
            _ => new float[] { 1f, 2f },
        };
        _embedder.Scripted["a bad question"] = vector;

        var lookup = await cache.LookupAsync("p", "a bad question", null, CancellationToken.None);

        Assert.False(lookup.IsHit);
        Assert.False(lookup.CanStore);
        Assert.Single(_logger.Collector.GetSnapshot(), r => r.Id.Id == 5002);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task An_empty_prompt_is_a_miss_that_is_not_embedded(string prompt)
    {
        using var cache = Create();

        var lookup = await cache.LookupAsync("p", prompt, null, CancellationToken.None);

        Assert.False(lookup.CanStore);
        Assert.Equal(0, _embedder.Calls);
    }

    [Fact]
    public async Task Cancellation_by_the_caller_is_not_swallowed()
    {
        using var cache = Create();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        _embedder.Failure = new OperationCanceledException(cancelled.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cache.LookupAsync("p", "question", null, cancelled.Token).AsTask());
    }

    [Fact]
    public async Task The_verifier_from_the_options_sees_the_candidates_most_similar_first_and_the_first_accepted_is_served()
    {
        var verifier = new ScriptedVerifier(c => c.CachedPrompt.Contains("red", StringComparison.Ordinal) ? SemanticHitVerdict.Reject("contrast") : SemanticHitVerdict.Accept);
        using var cache = Create(o =>
        {
            o.Threshold = 0.5f;
            o.Verifier = verifier;
        });
        await StoreAsync(cache, "p", "paint the red door now", "red");
        await StoreAsync(cache, "p", "paint the blue door", "blue");
        verifier.Seen.Clear();
        var rejectedBefore = cache.Statistics.RejectedByGuard;

        var hit = await cache.LookupAsync("p", "paint the red door", null, CancellationToken.None);

        Assert.Equal("blue", Text(hit));
        Assert.Equal(["paint the red door now", "paint the blue door"], verifier.Seen.Select(c => c.CachedPrompt));
        Assert.All(verifier.Seen, c => Assert.Equal("paint the red door", c.Prompt));
        Assert.True(verifier.Seen[0].Similarity >= verifier.Seen[1].Similarity);
        Assert.Equal(rejectedBefore + 1, cache.Statistics.RejectedByGuard);
        var log = _logger.Collector.GetSnapshot().Last(r => r.Id.Id == 5003);
        Assert.Equal(LogLevel.Debug, log.Level);
        Assert.Contains("contrast", log.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("door", log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lookup_whose_every_candidate_is_rejected_is_counted_as_rejected_and_can_store()
    {
        using var cache = Create(o => o.Verifier = new ScriptedVerifier(_ => SemanticHitVerdict.Reject("number")));
        await StoreAsync(cache, "p", "orders over 50 dollars", "A");

        var lookup = await cache.LookupAsync("p", "orders over 50 dollars", null, CancellationToken.None);

        Assert.False(lookup.IsHit);
        Assert.True(lookup.CanStore);
        Assert.Equal(1, cache.Statistics.Rejected);
    }

    [Fact]
    public async Task A_verifier_that_throws_rejects_the_candidate()
    {
        using var cache = Create(o => o.Verifier = new ScriptedVerifier(_ => throw new InvalidOperationException("broken")));
        await StoreAsync(cache, "p", "orders over 50 dollars", "A");

        var lookup = await cache.LookupAsync("p", "orders over 50 dollars", null, CancellationToken.None);

        Assert.False(lookup.IsHit);
        Assert.Single(_logger.Collector.GetSnapshot(), r => r.Id.Id == 5004);
    }

    [Fact]
    public async Task No_more_than_max_candidates_are_verified()
    {
        var verifier = new ScriptedVerifier(_ => SemanticHitVerdict.Reject("number"));
        using var cache = Create(o =>
        {
            o.Threshold = 0.1f;
            o.MaxCandidates = 2;
            o.Verifier = verifier;
        });
        for (var i = 0; i < 5; i++)
        {
            await StoreAsync(cache, "p", $"order number {i} shipped", "A");
        }

        verifier.Seen.Clear();

        await cache.LookupAsync("p", "order number 9 shipped", null, CancellationToken.None);

        Assert.Equal(2, verifier.Seen.Count);
    }

    [Fact]
    public async Task The_index_factory_from_the_options_makes_one_index_per_partition()
    {
        var indexes = new List<CountingIndex>();
        using var cache = Create(o => o.IndexFactory = dimensions =>
        {
            var index = new CountingIndex(dimensions);
            indexes.Add(index);
            return index;
        });
        await StoreAsync(cache, "a", "first question", "A");
        await StoreAsync(cache, "b", "second question", "B");
        await StoreAsync(cache, "a", "third question", "C");

        Assert.True((await cache.LookupAsync("a", "first question", null, CancellationToken.None)).IsHit);

        Assert.Equal(2, indexes.Count);
        Assert.All(indexes, i => Assert.Equal(_embedder.Dimensions, i.Dimensions));
        Assert.Equal(2, indexes[0].Count);
        Assert.Equal(2, indexes[0].Searches);
    }

    [Fact]
    public async Task An_index_that_fails_loses_the_entry_not_the_answer_and_is_logged()
    {
        using var cache = Create(o => o.IndexFactory = static dimensions => new ExactSemanticIndex(dimensions + 1));

        var miss = await cache.LookupAsync("p", "first question", null, CancellationToken.None);

        Assert.False(cache.Store(miss, Value("A"), 0));
        Assert.Equal(0, cache.Count);
        var record = Assert.Single(_logger.Collector.GetSnapshot(), r => r.Id.Id == 5005);
        Assert.Contains("IndexFactory", record.Exception!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_partition_left_empty_goes_and_its_index_is_disposed()
    {
        var indexes = new List<CountingIndex>();
        using var cache = Create(o =>
        {
            o.MaxEntries = 1;
            o.IndexFactory = dimensions =>
            {
                var index = new CountingIndex(dimensions);
                indexes.Add(index);
                return index;
            };
        });
        await StoreAsync(cache, "tenant-a", "first question", "A");
        await StoreAsync(cache, "tenant-b", "second question", "B");

        Assert.True(indexes[0].IsDisposed);
        Assert.False(indexes[1].IsDisposed);
    }

    [Theory]
    [InlineData(nameof(SemanticCacheOptions.Threshold), 0f)]
    [InlineData(nameof(SemanticCacheOptions.Threshold), 1.01f)]
    [InlineData(nameof(SemanticCacheOptions.Threshold), float.NaN)]
    [InlineData(nameof(SemanticCacheOptions.TimeToLive), 0f)]
    [InlineData(nameof(SemanticCacheOptions.MaxEntries), 0f)]
    [InlineData(nameof(SemanticCacheOptions.MaxBytes), 0f)]
    [InlineData(nameof(SemanticCacheOptions.MaxCandidates), 0f)]
    public void A_setting_out_of_range_is_refused_by_name(string setting, float value)
    {
        var options = new SemanticCacheOptions();
        switch (setting)
        {
            case nameof(SemanticCacheOptions.Threshold): options.Threshold = value; break;
            case nameof(SemanticCacheOptions.TimeToLive): options.TimeToLive = TimeSpan.FromSeconds(value); break;
            case nameof(SemanticCacheOptions.MaxEntries): options.MaxEntries = (int)value; break;
            case nameof(SemanticCacheOptions.MaxBytes): options.MaxBytes = (long)value; break;
            default: options.MaxCandidates = (int)value; break;
        }

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new SemanticCache(_embedder, options));
        Assert.Contains("SemanticCacheOptions." + setting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lookups_are_counted_by_kind_and_result_with_the_best_similarity()
    {
        using var metrics = new AgentCostMetrics(meterFactory: null);
        var requests = new List<(long Value, Dictionary<string, object?> Tags)>();
        var similarities = new List<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == metrics.CacheRequests.Meter && instrument.Name is "agentcost.cache.requests" or "agentcost.cache.similarity")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) => requests.Add((value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) => similarities.Add(value));
        listener.Start();

        using var cache = Create(
            o =>
            {
                o.Threshold = 0.8f;
                o.Verifier = new ScriptedVerifier(c => c.Prompt.Contains("not", StringComparison.Ordinal) ? SemanticHitVerdict.Reject("negation") : SemanticHitVerdict.Accept);
            },
            metrics);
        await StoreAsync(cache, "p", "is the bridge safe", "yes");
        await cache.LookupAsync("p", "is the bridge safe", "Sample.Agent.Ask", CancellationToken.None);
        await cache.LookupAsync("p", "is the bridge not safe", null, CancellationToken.None);

        Assert.Equal("miss hit rejected", string.Join(' ', requests.Select(r => r.Tags["result"])));
        Assert.All(requests, r => Assert.Equal("semantic", r.Tags["kind"]));
        Assert.Equal("Sample.Agent.Ask", requests[1].Tags["agentcost.method"]);
        Assert.Equal(2, similarities.Count);
        Assert.Equal(1.0, similarities[0], 4);
        Assert.True(similarities[1] is > 0.8 and < 1.0);
    }

    private sealed class ScriptedVerifier(Func<SemanticHitCandidate, SemanticHitVerdict> decide) : ISemanticHitVerifier
    {
        public List<SemanticHitCandidate> Seen { get; } = [];

        public ValueTask<SemanticHitVerdict> VerifyAsync(SemanticHitCandidate candidate, CancellationToken cancellationToken)
        {
            lock (Seen)
            {
                Seen.Add(candidate);
            }

            return ValueTask.FromResult(decide(candidate));
        }
    }

    private sealed class CountingIndex(int dimensions) : ISemanticIndex
    {
        private readonly ExactSemanticIndex _inner = new(dimensions);

        public int Searches { get; private set; }

        public bool IsDisposed { get; private set; }

        public int Dimensions => _inner.Dimensions;

        public int Count => _inner.Count;

        public void Add(long id, ReadOnlySpan<float> vector) => _inner.Add(id, vector);

        public bool Remove(long id) => _inner.Remove(id);

        public int Search(ReadOnlySpan<float> query, Span<SemanticMatch> matches)
        {
            Searches++;
            return _inner.Search(query, matches);
        }

        public void Dispose() => IsDisposed = true;
    }
}
