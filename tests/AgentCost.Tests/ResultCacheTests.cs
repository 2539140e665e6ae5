using AgentCost.Caching;
using AgentCost.Hosting;
using AgentCost.Interception;

namespace AgentCost.Tests;

public class ResultCacheTests
{
    [Fact]
    public void Equal_arguments_are_served_from_the_cache()
    {
        using var test = new TestRuntime();
        var tools = new Tools();

        Assert.Equal("answer to a", tools.CallAsk("a"));
        Assert.Equal("answer to a", tools.CallAsk("a"));
        Assert.Equal(1, tools.Runs);

        Assert.Equal("answer to b", tools.CallAsk("b"));
        Assert.Equal(2, tools.Runs);
    }

    [Fact]
    public async Task Sync_Task_and_ValueTask_entry_points_all_cache()
    {
        using var test = new TestRuntime();

        var sync = new Tools();
        Assert.Equal("answer to q", sync.CallAsk("q"));
        Assert.Equal("answer to q", sync.CallAsk("q"));
        Assert.Equal(1, sync.Runs);

        var task = new Tools();
        Assert.Equal("answer to q", await task.CallAskAsync("q", log: null, CancellationToken.None));
        Assert.Equal("answer to q", await task.CallAskAsync("q", log: null, CancellationToken.None));
        Assert.Equal(1, task.Runs);

        var valueTask = new Tools();
        Assert.Equal(5, await valueTask.CallCountAsync("hello"));
        Assert.Equal(5, await valueTask.CallCountAsync("hello"));
        Assert.Equal(1, valueTask.Runs);
        Assert.Equal(3, await valueTask.CallCountAsync("hey"));
        Assert.Equal(2, valueTask.Runs);

        // Three methods, three separate entries: each missed once and hit once (plus one more miss for "hey").
        Assert.Equal(new CacheStatistics("AgentCost.Tests.Tools.Ask", 1, 1), test.Runtime.Cache.GetStatistics("AgentCost.Tests.Tools.Ask"));
        Assert.Equal(new CacheStatistics("AgentCost.Tests.Tools.AskAsync", 1, 1), test.Runtime.Cache.GetStatistics("AgentCost.Tests.Tools.AskAsync"));
        Assert.Equal(new CacheStatistics("AgentCost.Tests.Tools.CountAsync", 1, 2), test.Runtime.Cache.GetStatistics("AgentCost.Tests.Tools.CountAsync"));
    }

    [Fact]
    public async Task A_sync_method_whose_body_completes_later_is_still_cached()
    {
        using var test = new TestRuntime();
        var method = new AgentMethod("Sample.Tools", "Slow", ["int"], ["n"], new CachePolicy());
        var runs = 0;
        int Call(int n) => AgentMethodInvoker.Invoke(
            method,
            new ValueTuple<int>(n),
            static (ref CacheKeyBuilder key, in ValueTuple<int> args) => key.Add(args.Item1),
            args =>
            {
                Interlocked.Increment(ref runs);
                Thread.Sleep(10);
                return args.Item1 * 2;
            });

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Call(21))));
        Assert.All(results, result => Assert.Equal(42, result));
        Assert.Equal(42, Call(21));
        Assert.InRange(runs, 1, 4);
        var statistics = test.Runtime.Cache.GetStatistics("Sample.Tools.Slow");
        Assert.Equal(5, statistics.Requests);
        Assert.Equal(runs, statistics.Misses);
    }

    [Fact]
    public async Task Arguments_that_are_not_part_of_the_key_share_an_entry()
    {
        using var test = new TestRuntime();
        var tools = new Tools();
        using var cts = new CancellationTokenSource();

        var first = await tools.CallAskAsync("q", log: new object(), CancellationToken.None);
        var second = await tools.CallAskAsync("q", log: "another logger", cts.Token);

        Assert.Equal(first, second);
        Assert.Equal(1, tools.Runs);
        Assert.Equal("answer to other", await tools.CallAskAsync("other", log: new object(), CancellationToken.None));
        Assert.Equal(2, tools.Runs);
    }

    [Fact]
    public async Task Concurrent_identical_misses_run_the_method_once()
    {
        using var test = new TestRuntime();
        var method = new AgentMethod("Sample.Tools", "Research", ["string"], ["topic"], new CachePolicy());
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = 0;

        Task<string> Call() => AgentMethodInvoker.InvokeAsync(
            method,
            new ValueTuple<string>("agents"),
            static (ref CacheKeyBuilder key, in ValueTuple<string> args) => key.Add(args.Item1),
            async args =>
            {
                Interlocked.Increment(ref runs);
                await gate.Task;
                return "report on " + args.Item1;
            },
            CancellationToken.None);

        // Each thread-pool item finishes once its call has joined the cache (its result task is pending on the gate).
        var calls = await Task.WhenAll(Enumerable.Range(0, 100)
            .Select(_ => Task.Factory.StartNew(Call, CancellationToken.None, TaskCreationOptions.None, TaskScheduler.Default)));
        Assert.All(calls, call => Assert.False(call.IsCompleted));

        gate.SetResult();
        var results = await Task.WhenAll(calls);

        Assert.All(results, result => Assert.Equal("report on agents", result));
        Assert.Equal(1, runs);
        var statistics = test.Runtime.Cache.GetStatistics("Sample.Tools.Research");
        Assert.Equal(1, statistics.Misses);
        Assert.Equal(99, statistics.Hits);
        Assert.Equal(0.99, statistics.HitRate, precision: 10);
    }

    [Fact]
    public async Task Exceptions_are_not_cached()
    {
        using var test = new TestRuntime();
        var method = new AgentMethod("Sample.Tools", "Flaky", ["string"], ["q"], new CachePolicy());
        var runs = 0;
        Task<string> Call(bool fail) => AgentMethodInvoker.InvokeAsync(
            method,
            new ValueTuple<string>("q"),
            static (ref CacheKeyBuilder key, in ValueTuple<string> args) => key.Add(args.Item1),
            async _ =>
            {
                Interlocked.Increment(ref runs);
                await Task.Yield();
                return fail ? throw new InvalidOperationException("provider down") : "ok";
            },
            CancellationToken.None);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Call(fail: true));
        Assert.Equal("provider down", error.Message);
        Assert.Equal("ok", await Call(fail: false));
        Assert.Equal("ok", await Call(fail: true));
        Assert.Equal(2, runs);
        Assert.Equal(new CacheStatistics("Sample.Tools.Flaky", 1, 2), test.Runtime.Cache.GetStatistics("Sample.Tools.Flaky"));
    }

    [Fact]
    public void Synchronous_exceptions_are_not_cached()
    {
        using var test = new TestRuntime();
        var tools = new Tools { Answer = static _ => throw new InvalidOperationException("boom") };

        Assert.Throws<InvalidOperationException>(() => tools.CallAsk("q"));
        tools.Answer = static prompt => "answer to " + prompt;
        Assert.Equal("answer to q", tools.CallAsk("q"));
        Assert.Equal("answer to q", tools.CallAsk("q"));
        Assert.Equal(2, tools.Runs);
        Assert.Equal(new CacheStatistics("AgentCost.Tests.Tools.Ask", 1, 2), test.Runtime.Cache.GetStatistics("AgentCost.Tests.Tools.Ask"));
    }

    [Fact]
    public async Task A_cancelled_call_is_not_cached()
    {
        using var test = new TestRuntime();
        var tools = new Tools();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => tools.CallAskAsync("q", null, cancelled.Token));
        Assert.Equal("answer to q", await tools.CallAskAsync("q", null, CancellationToken.None));
        Assert.Equal("answer to q", await tools.CallAskAsync("q", null, CancellationToken.None));
        Assert.InRange(tools.Runs, 1, 2);
    }

    [Fact]
    public void Null_results_are_cached_by_default()
    {
        using var test = new TestRuntime();
        var tools = new Tools { Answer = static _ => null };

        Assert.Null(tools.CallAsk("q"));
        Assert.Null(tools.CallAsk("q"));
        Assert.Equal(1, tools.Runs);
    }

    [Fact]
    public async Task Null_results_are_not_kept_when_CacheNullResults_is_false()
    {
        using var test = new TestRuntime(TestRuntime.Options(cache => cache.CacheNullResults = false));
        var tools = new Tools { Answer = static _ => null };

        Assert.Null(tools.CallAsk("q"));
        Assert.Null(tools.CallAsk("q"));
        Assert.Equal(2, tools.Runs);
        Assert.Null(await tools.CallAskAsync("q", null, CancellationToken.None));
        Assert.Null(await tools.CallAskAsync("q", null, CancellationToken.None));
        Assert.Equal(4, tools.Runs);

        // Non-null results are still cached.
        tools.Answer = static prompt => "answer to " + prompt;
        Assert.Equal("answer to q", tools.CallAsk("q"));
        Assert.Equal("answer to q", tools.CallAsk("q"));
        Assert.Equal(5, tools.Runs);
    }

    [Fact]
    public async Task Default_ttl_from_the_options_expires_entries()
    {
        using var test = new TestRuntime(TestRuntime.Options(cache => cache.DefaultTtl = TimeSpan.FromMinutes(10)));
        var tools = new Tools();

        await tools.CallAskAsync("q", null, CancellationToken.None);
        test.Time.Advance(TimeSpan.FromMinutes(9));
        await tools.CallAskAsync("q", null, CancellationToken.None);
        Assert.Equal(1, tools.Runs);

        test.Time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        await tools.CallAskAsync("q", null, CancellationToken.None);
        Assert.Equal(2, tools.Runs);

        // The re-run result is cached for a fresh period.
        test.Time.Advance(TimeSpan.FromMinutes(9));
        await tools.CallAskAsync("q", null, CancellationToken.None);
        Assert.Equal(2, tools.Runs);
    }

    [Fact]
    public void Default_ttl_is_one_hour()
    {
        using var test = new TestRuntime();
        var tools = new Tools();

        tools.CallAsk("q");
        test.Time.Advance(TimeSpan.FromMinutes(59));
        tools.CallAsk("q");
        Assert.Equal(1, tools.Runs);

        test.Time.Advance(TimeSpan.FromMinutes(2));
        tools.CallAsk("q");
        Assert.Equal(2, tools.Runs);
    }

    [Fact]
    public void Attribute_ttl_overrides_the_default()
    {
        using var test = new TestRuntime(TestRuntime.Options(cache => cache.DefaultTtl = TimeSpan.FromHours(1)));
        var shortLived = Intercepted.AskMethod(ttlSeconds: 30);
        var tools = new Tools();

        tools.CallAsk("q", shortLived);
        test.Time.Advance(TimeSpan.FromSeconds(29));
        tools.CallAsk("q", shortLived);
        Assert.Equal(1, tools.Runs);

        test.Time.Advance(TimeSpan.FromSeconds(2));
        tools.CallAsk("q", shortLived);
        Assert.Equal(2, tools.Runs);

        // A ttl longer than the default also wins.
        var longLived = Intercepted.AskMethod(ttlSeconds: 7200, version: 1);
        var other = new Tools();
        other.CallAsk("q", longLived);
        test.Time.Advance(TimeSpan.FromMinutes(90));
        other.CallAsk("q", longLived);
        Assert.Equal(1, other.Runs);
        test.Time.Advance(TimeSpan.FromMinutes(31));
        other.CallAsk("q", longLived);
        Assert.Equal(2, other.Runs);
    }

    [Fact]
    public void The_longest_ttls_are_accepted_and_cache()
    {
        using var test = new TestRuntime(TestRuntime.Options(cache => cache.DefaultTtl = ResultCacheOptions.MaxDefaultTtl));
        var tools = new Tools();
        tools.CallAsk("q");
        tools.CallAsk("q", Intercepted.AskMethod(ttlSeconds: int.MaxValue, version: 1));
        test.Time.Advance(TimeSpan.FromDays(3650));
        tools.CallAsk("q");
        tools.CallAsk("q", Intercepted.AskMethod(ttlSeconds: int.MaxValue, version: 1));
        Assert.Equal(2, tools.Runs);
    }

    [Fact]
    public void A_default_ttl_beyond_the_longest_is_rejected_up_front_not_on_every_call()
    {
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => AgentCostRuntime.Create(TestRuntime.Options(cache => cache.DefaultTtl = TimeSpan.MaxValue)));
        Assert.Contains("AgentCost:Cache:DefaultTtl must be at most", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_version_does_not_serve_results_of_the_old_one()
    {
        using var test = new TestRuntime();
        var tools = new Tools();

        tools.CallAsk("q", Intercepted.AskMethod(version: 1));
        tools.CallAsk("q", Intercepted.AskMethod(version: 2));
        Assert.Equal(2, tools.Runs);
        tools.CallAsk("q", Intercepted.AskMethod(version: 1));
        Assert.Equal(2, tools.Runs);
    }

    [Fact]
    public async Task Disabled_cache_runs_the_body_every_time()
    {
        using var test = new TestRuntime(TestRuntime.Options(cache => cache.Enabled = false));
        var tools = new Tools();

        tools.CallAsk("q");
        tools.CallAsk("q");
        await tools.CallAskAsync("q", null, CancellationToken.None);
        await tools.CallAskAsync("q", null, CancellationToken.None);
        await tools.CallCountAsync("q");
        await tools.CallCountAsync("q");

        Assert.Equal(6, tools.Runs);
        Assert.Empty(test.Runtime.Cache.GetStatistics());
    }

    [Fact]
    public async Task A_method_without_a_cache_policy_runs_every_time()
    {
        using var test = new TestRuntime();
        var method = new AgentMethod("Sample.Tools", "Plain", ["int"], ["n"]);
        var runs = 0;

        for (var i = 0; i < 3; i++)
        {
            AgentMethodInvoker.Invoke(method, new ValueTuple<int>(1), null, _ => ++runs);
            await AgentMethodInvoker.InvokeAsync(method, new ValueTuple<int>(1), null, _ => Task.FromResult(++runs), default);
            await AgentMethodInvoker.InvokeValueTaskAsync(method, new ValueTuple<int>(1), null, _ => new ValueTask<int>(++runs), default);
        }

        Assert.Equal(9, runs);
        Assert.Empty(test.Runtime.Cache.GetStatistics());
    }

    [Fact]
    public void A_method_without_key_arguments_caches_one_result()
    {
        using var test = new TestRuntime();
        var method = new AgentMethod("Sample.Tools", "Today", [], [], new CachePolicy());
        var runs = 0;

        var first = AgentMethodInvoker.Invoke(method, default(ValueTuple), null, _ => ++runs);
        var second = AgentMethodInvoker.Invoke(method, default(ValueTuple), null, _ => ++runs);

        Assert.Equal(1, first);
        Assert.Equal(1, second);
        Assert.Equal(1, runs);
    }

    [Fact]
    public void Results_of_a_mutable_type_are_cached_and_returned()
    {
        using var test = new TestRuntime();
        var method = new AgentMethod("Sample.Tools", "Find", ["string"], ["q"], new CachePolicy());
        var runs = 0;
        SearchQuery Call() => AgentMethodInvoker.Invoke(
            method,
            new ValueTuple<string>("q"),
            static (ref CacheKeyBuilder key, in ValueTuple<string> args) => key.Add(args.Item1),
            args =>
            {
                runs++;
                return new SearchQuery(args.Item1, 3, ["web"]);
            });

        var first = Call();
        var second = Call();
        Assert.Equal(1, runs);
        Assert.Equal(first.Text, second.Text);
        Assert.Equal(first.Sources, second.Sources);
    }

    [Fact]
    public void Runtimes_are_isolated_from_each_other()
    {
        var tools = new Tools();
        using (new TestRuntime())
        {
            tools.CallAsk("q");
            tools.CallAsk("q");
        }

        using (new TestRuntime())
        {
            tools.CallAsk("q");
        }

        Assert.Equal(2, tools.Runs);
    }

    [Fact]
    public async Task The_ambient_runtime_flows_into_awaited_calls_and_is_restored()
    {
        using var outer = new TestRuntime();
        Assert.Same(outer.Runtime, AgentCostRuntime.Current);

        using (var inner = new TestRuntime())
        {
            await Task.Yield();
            Assert.Same(inner.Runtime, AgentCostRuntime.Current);
            var seen = await Task.Run(() => AgentCostRuntime.Current);
            Assert.Same(inner.Runtime, seen);
        }

        Assert.Same(outer.Runtime, AgentCostRuntime.Current);
    }

    [Fact]
    public void Invalid_options_are_rejected_by_Create()
    {
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => AgentCostRuntime.Create(TestRuntime.Options(cache => cache.DefaultTtl = TimeSpan.Zero)));
        Assert.Contains("AgentCost:Cache:DefaultTtl", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Descriptors_reject_inconsistent_arguments()
    {
        Assert.Throws<ArgumentException>(() => new AgentMethod("T", "M", ["int"], []));
        Assert.ThrowsAny<ArgumentException>(() => new AgentMethod("", "M", [], []));
        Assert.ThrowsAny<ArgumentException>(() => new AgentMethod("T", " ", [], []));
        Assert.Equal(TimeSpan.FromMinutes(5), new CachePolicy().GetTimeToLive(TimeSpan.FromMinutes(5), "T.M"));
        Assert.Equal(TimeSpan.FromSeconds(10), new CachePolicy(10).GetTimeToLive(TimeSpan.FromMinutes(5), "T.M"));

        // Refused on use, naming the method, rather than in the descriptor's static initializer.
        var negative = new CachePolicy(ttlSeconds: -1);
        var error = Assert.Throws<InvalidOperationException>(() => negative.GetTimeToLive(TimeSpan.FromMinutes(5), "Sample.Tools.Run"));
        Assert.Contains("Sample.Tools.Run", error.Message, StringComparison.Ordinal);
        Assert.Equal("Sample.Tools.Run(string, int)", new AgentMethod("Sample.Tools", "Run", ["string", "int"], ["a", "b"]).ToString());
    }
}
