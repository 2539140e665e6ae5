using AgentCost.Hosting;
using AgentCost.Interception;

namespace AgentCost.Tests;

/// <summary>
/// Cancellation of callers that share one miss: the method runs with the cache's shared token, which is cancelled
/// only when every waiting caller has cancelled, and each caller observes its own token.
/// </summary>
public class CacheCancellationTests
{
    private const int Callers = 20;

    [Fact]
    public async Task Cancelling_the_first_caller_of_a_miss_fails_only_that_caller()
    {
        using var test = new TestRuntime();
        var tools = new GatedTools();
        using var first = new CancellationTokenSource();
        var others = Enumerable.Range(1, Callers - 1).Select(_ => new CancellationTokenSource()).ToList();

        var firstCall = tools.CallResearchAsync("agents", first.Token);
        await tools.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var otherCalls = others.Select(cts => tools.CallResearchAsync("agents", cts.Token)).ToList();
        Assert.All(otherCalls, call => Assert.False(call.IsCompleted));

        await first.CancelAsync();
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => firstCall.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(first.Token, error.CancellationToken);
        Assert.False(tools.BodyToken.IsCancellationRequested);
        Assert.All(otherCalls, call => Assert.False(call.IsCompleted));

        tools.Gate.SetResult();
        var results = await Task.WhenAll(otherCalls).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.All(results, result => Assert.Equal("report on agents", result));
        Assert.Equal(1, tools.Runs);

        // The result the others waited for is cached.
        Assert.Equal("report on agents", await tools.CallResearchAsync("agents", CancellationToken.None));
        Assert.Equal(1, tools.Runs);
        others.ForEach(cts => cts.Dispose());
    }

    [Fact]
    public async Task A_cancelled_waiter_returns_promptly_while_the_miss_goes_on()
    {
        using var test = new TestRuntime();
        var tools = new GatedTools();
        using var waiter = new CancellationTokenSource();

        var firstCall = tools.CallResearchAsync("agents", CancellationToken.None);
        await tools.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var waiting = tools.CallResearchAsync("agents", waiter.Token);

        await waiter.CancelAsync();
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(waiter.Token, error.CancellationToken);
        Assert.False(firstCall.IsCompleted);

        tools.Gate.SetResult();
        Assert.Equal("report on agents", await firstCall.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, tools.Runs);
    }

    [Fact]
    public async Task When_every_caller_cancels_the_method_observes_cancellation_and_nothing_is_cached()
    {
        using var test = new TestRuntime();
        var tools = new GatedTools();
        var sources = Enumerable.Range(0, Callers).Select(_ => new CancellationTokenSource()).ToList();

        var firstCall = tools.CallResearchAsync("agents", sources[0].Token);
        await tools.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var calls = new List<Task<string?>> { firstCall };
        calls.AddRange(sources.Skip(1).Select(cts => tools.CallResearchAsync("agents", cts.Token)));

        for (var i = 0; i < Callers; i++)
        {
            await sources[i].CancelAsync();
            var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => calls[i].WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal(sources[i].Token, error.CancellationToken);

            // The method goes on until the last caller has left.
            Assert.Equal(i == Callers - 1, tools.BodyToken.IsCancellationRequested);
        }

        Assert.True(await tools.BodyCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10)));

        // The cancelled run left no entry: the next call runs the method again.
        tools.Gate.SetResult();
        Assert.Equal("report on agents", await tools.CallResearchAsync("agents", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(2, tools.Runs);
        sources.ForEach(cts => cts.Dispose());
    }

    [Fact]
    public async Task A_null_result_is_not_kept_when_the_caller_whose_call_ran_the_method_cancelled()
    {
        using var test = new TestRuntime(TestRuntime.Options(cache => cache.CacheNullResults = false));
        var tools = new GatedTools { Result = null };
        using var first = new CancellationTokenSource();

        var firstCall = tools.CallResearchAsync("agents", first.Token);
        await tools.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var second = tools.CallResearchAsync("agents", CancellationToken.None);
        await first.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => firstCall.WaitAsync(TimeSpan.FromSeconds(10)));

        tools.Gate.SetResult();
        Assert.Null(await second.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Null(await tools.CallResearchAsync("agents", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(2, tools.Runs);
    }

    [Fact]
    public async Task A_miss_with_a_cancellable_token_runs_in_the_callers_ambient_context()
    {
        using var test = new TestRuntime();
        var tools = new GatedTools();
        tools.Gate.SetResult();
        using var cts = new CancellationTokenSource();

        Assert.Equal("report on agents", await tools.CallResearchAsync("agents", cts.Token));
        Assert.Same(test.Runtime, tools.RuntimeSeen);
        Assert.Same(GatedTools.Research, tools.MethodSeen);
    }
}

/// <summary>A cached research tool whose body waits on a gate with the token it was given.</summary>
internal sealed class GatedTools
{
    public static readonly AgentMethod Research = new(
        "AgentCost.Tests.GatedTools", "ResearchAsync",
        ["string", "System.Threading.CancellationToken"],
        ["topic", "cancellationToken"],
        new CachePolicy());

    public int Runs;

    public string? Result { get; set; } = "report on ";

    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<bool> BodyCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CancellationToken BodyToken { get; private set; }

    public AgentCostRuntime? RuntimeSeen { get; private set; }

    public AgentMethod? MethodSeen { get; private set; }

    public async Task<string?> ResearchAsync(string topic, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Runs);
        BodyToken = cancellationToken;
        RuntimeSeen = AgentCostRuntime.Current;
        MethodSeen = AgentCallContext.CurrentMethod;
        Started.TrySetResult();
        try
        {
            await Gate.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            BodyCancelled.TrySetResult(true);
            throw;
        }

        return Result is null ? null : Result + topic;
    }

    // As the generator emits it for a method with a CancellationToken parameter.
    public Task<string?> CallResearchAsync(string topic, CancellationToken cancellationToken)
        => AgentMethodInvoker.InvokeAsync(
            Research,
            (this, topic, cancellationToken),
            static (ref AgentCost.Caching.CacheKeyBuilder key, in (GatedTools, string, CancellationToken) args) => key.Add(args.Item2),
            static (args, cancellationToken) => args.Item1.ResearchAsync(args.Item2, cancellationToken),
            cancellationToken);
}
