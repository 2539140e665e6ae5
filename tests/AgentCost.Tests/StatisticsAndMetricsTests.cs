using AgentCost.Caching;
using AgentCost.Hosting;
using AgentCost.Interception;
using AgentCost.Telemetry;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace AgentCost.Tests;

public class StatisticsAndMetricsTests
{
    private static readonly AgentMethod SearchText = new(
        "Sample.Tools", "Search", ["string"], ["query"], new CachePolicy());

    private static readonly AgentMethod SearchNumber = new(
        "Sample.Tools", "Search", ["int"], ["id"], new CachePolicy());

    private static readonly AgentMethod Fetch = new(
        "Sample.Api", "Fetch", ["string"], ["url"], new CachePolicy());

    [Fact]
    public void Statistics_count_hits_and_misses_per_method()
    {
        using var test = new TestRuntime();
        var cache = test.Runtime.Cache;
        Assert.Empty(cache.GetStatistics());

        Call(Fetch, "a");
        Call(Fetch, "a");
        Call(Fetch, "a");
        Call(Fetch, "b");
        Call(SearchText, "x");

        var all = cache.GetStatistics();
        Assert.Equal(
            [new CacheStatistics("Sample.Api.Fetch", 2, 2), new CacheStatistics("Sample.Tools.Search", 0, 1)],
            all);

        var fetch = cache.GetStatistics("Sample.Api.Fetch");
        Assert.Equal(4, fetch.Requests);
        Assert.Equal(0.5, fetch.HitRate);
    }

    [Fact]
    public void Statistics_of_overloads_are_added_up_under_one_name()
    {
        using var test = new TestRuntime();

        Call(SearchText, "1");
        Call(SearchText, "1");
        CallNumber(SearchNumber, 1);
        CallNumber(SearchNumber, 1);
        CallNumber(SearchNumber, 1);

        Assert.Equal(new CacheStatistics("Sample.Tools.Search", 3, 2), test.Runtime.Cache.GetStatistics("Sample.Tools.Search"));
        Assert.Equal([new CacheStatistics("Sample.Tools.Search", 3, 2)], test.Runtime.Cache.GetStatistics());
    }

    [Fact]
    public void Statistics_of_an_unknown_method_are_zero()
    {
        using var test = new TestRuntime();
        var none = test.Runtime.Cache.GetStatistics("Sample.Nothing.Here");
        Assert.Equal(new CacheStatistics("Sample.Nothing.Here", 0, 0), none);
        Assert.Equal(0, none.HitRate);
        Assert.Throws<ArgumentNullException>(() => test.Runtime.Cache.GetStatistics(null!));
    }

    [Fact]
    public void Requests_counter_is_tagged_with_kind_result_and_method()
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var _ = services;
        var meterFactory = services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var collector = new MetricCollector<long>(meterFactory, AgentCostMetrics.MeterName, "agentcost.cache.requests");
        using var test = new TestRuntime(meters: services);

        Call(Fetch, "a");
        Call(Fetch, "a");
        Call(Fetch, "a");
        Call(SearchText, "q");

        var measurements = collector.GetMeasurementSnapshot();
        Assert.Equal(4, measurements.Count);
        Assert.All(measurements, m => Assert.Equal(1, m.Value));
        Assert.Equal(2, measurements.ContainsTags("result").Count(m => Equals(m.Tags["result"], "hit")));
        Assert.Equal(2, measurements.ContainsTags("result").Count(m => Equals(m.Tags["result"], "miss")));
        Assert.Equal(2, measurements.Count(m => Equals(m.Tags["result"], "hit") && Equals(m.Tags["agentcost.method"], "Sample.Api.Fetch")));
        Assert.Equal(1, measurements.Count(m => Equals(m.Tags["result"], "miss") && Equals(m.Tags["agentcost.method"], "Sample.Api.Fetch")));
        Assert.Equal(1, measurements.Count(m => Equals(m.Tags["result"], "miss") && Equals(m.Tags["agentcost.method"], "Sample.Tools.Search")));

        // No argument or result ever reaches a tag.
        Assert.All(measurements, m => Assert.Equal(["agentcost.method", "kind", "result"], m.Tags.Keys.Order(StringComparer.Ordinal)));
        Assert.All(measurements, m => Assert.Equal("exact", m.Tags["kind"]));
        Assert.Equal("{request}", collector.Instrument!.Unit);
    }

    [Fact]
    public async Task Requests_counter_works_on_the_runtimes_own_meter()
    {
        // Without a meter factory the runtime makes a plain Meter; listen to its instrument directly so that
        // tests running in parallel on other runtimes are not counted.
        var services = new ServiceCollection().AddHybridCache().Services.BuildServiceProvider();
        await using var _ = services;
        using var metrics = new AgentCostMetrics(meterFactory: null);
        using var collector = new MetricCollector<long>(metrics.CacheRequests);
        var cache = new ResultCache(services.GetRequiredService<HybridCache>(), new ResultCacheOptions(), metrics, keySerializerOptions: null);
        var body = new MethodBody<ValueTuple<string>, string>(static args => args.Item1.ToUpperInvariant());

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("A", await cache.GetOrCreateAsync(Fetch, new ValueTuple<string>("a"), WriteString, body, CancellationToken.None));
        }

        Assert.Equal(AgentCostMetrics.MeterName, metrics.CacheRequests.Meter.Name);
        Assert.Equal(3, collector.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal([1, 2], collector.GetMeasurementSnapshot().GroupBy(m => (string)m.Tags["result"]!).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Count()).Reverse());
        Assert.Equal(new CacheStatistics("Sample.Api.Fetch", 2, 1), cache.GetStatistics("Sample.Api.Fetch"));
    }

    [Fact]
    public void Concurrent_statistics_reads_see_consistent_totals()
    {
        using var test = new TestRuntime();
        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            using var scope = AgentCostRuntime.Use(test.Runtime);
            Call(Fetch, (i % 10).ToString(System.Globalization.CultureInfo.InvariantCulture));
            _ = test.Runtime.Cache.GetStatistics();
        });

        var fetch = test.Runtime.Cache.GetStatistics("Sample.Api.Fetch");
        Assert.Equal(200, fetch.Requests);
        Assert.InRange(fetch.Misses, 10, 200);
    }

    private static void WriteString(ref CacheKeyBuilder key, in ValueTuple<string> args) => key.Add(args.Item1);

    private static string Call(AgentMethod method, string argument)
        => AgentMethodInvoker.Invoke(method, new ValueTuple<string>(argument), WriteString, static args => "result " + args.Item1);

    private static string CallNumber(AgentMethod method, int argument)
        => AgentMethodInvoker.Invoke(
            method,
            new ValueTuple<int>(argument),
            static (ref CacheKeyBuilder key, in ValueTuple<int> args) => key.Add(args.Item1),
            static args => "result " + args.Item1);
}
