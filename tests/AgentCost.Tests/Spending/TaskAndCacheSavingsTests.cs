using AgentCost.Caching;
using AgentCost.Interception;
using AgentCost.Spending;
using AgentCost.Tests.ChatClients;
using Microsoft.Extensions.AI;

namespace AgentCost.Tests.Spending;

/// <summary>Method attribution through the entry points, tasks and cost per successful task, and [Cached] savings.</summary>
public sealed class TaskAndCacheSavingsTests
{
    private static readonly AgentMethod s_plain = new("Agent", "Plan", ["string"], ["question"]);

    private static readonly AgentMethod s_task = new("Agent", "Answer", ["string"], ["question"], task: new TaskPolicy("answer-question"));

    private static readonly AgentMethod s_unnamedTask = new("Agent", "Summarise", [], [], task: new TaskPolicy());

    private static readonly AgentMethod s_cached = new("Agent", "Research", ["string"], ["topic"], new CachePolicy());

    private static readonly AgentMethod s_cachedTask = new("Agent", "Lookup", ["string"], ["topic"], new CachePolicy(), task: new TaskPolicy("lookup"));

    [Fact]
    public async Task The_entry_points_make_the_method_current_for_its_model_calls_in_every_shape()
    {
        using var test = new SpendRuntime();
        using var client = new ChatClientBuilder(new ScriptedModel("gpt-4o-mini")).UseAgentCost().Build();

        await AgentMethodInvoker.InvokeAsync(s_plain, (client, "q"), null, static async args =>
        {
            await Task.Yield();
            return (await args.client.GetResponseAsync(args.Item2)).Text;
        }, default);
        await AgentMethodInvoker.InvokeValueTaskAsync(s_plain, client, null, static async c => (await c.GetResponseAsync("v")).Text, default);
        await AgentMethodInvoker.InvokeTaskAsync(s_plain, client, static async c => await c.GetResponseAsync("t"));
        AgentMethodInvoker.Invoke(s_plain, client, null, static c => c.GetResponseAsync("s").GetAwaiter().GetResult().Text);
        await client.GetResponseAsync("outside");

        Assert.Null(AgentCallContext.CurrentMethod);
        var methods = (await test.RecordsAsync()).Select(static r => r.Method).ToList();
        Assert.Equal(["Agent.Plan", "Agent.Plan", "Agent.Plan", "Agent.Plan", null], methods);
    }

    [Fact]
    public async Task An_AgentTask_method_succeeds_when_it_returns_and_fails_when_it_throws()
    {
        using var test = new SpendRuntime();
        using var client = new ChatClientBuilder(new ScriptedModel("gpt-4o") { AnswerTokens = static _ => 20 }).UseAgentCost().Build();

        for (var i = 0; i < 4; i++)
        {
            var fail = i % 2 == 1;
            var call = AgentMethodInvoker.InvokeAsync(s_task, (client, fail), null, static async args =>
            {
                Assert.Equal("answer-question", AgentTask.Current?.Name);
                var text = (await args.client.GetResponseAsync("Question?")).Text;
                return args.fail ? throw new InvalidOperationException("unusable answer") : text;
            }, default);
            if (fail)
            {
                await Assert.ThrowsAsync<InvalidOperationException>(() => call);
            }
            else
            {
                await call;
            }
        }

        AgentMethodInvoker.InvokeVoid(s_unnamedTask, 0, static _ => Assert.Equal("Agent.Summarise", AgentTask.Current?.Name));
        Assert.Null(AgentTask.Current);

        var report = await test.Spending.GetReportAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
        var answer = report.Tasks.Single(static t => t.Name == "answer-question");
        Assert.Equal((4, 2, 2), (answer.Tasks, answer.Succeeded, answer.Failed));
        Assert.Equal(report.TotalCost, answer.Cost);
        Assert.Equal(report.TotalCost / 2, answer.FailedCost);
        Assert.Equal(report.TotalCost / 2, answer.CostPerSuccessfulTask);
        var summarise = report.Tasks.Single(static t => t.Name == "Agent.Summarise");
        Assert.Equal((1, 1, 0m), (summarise.Succeeded, summarise.Tasks, summarise.Cost));
    }

    [Fact]
    public async Task Tasks_by_hand_are_failed_unless_marked_and_nest()
    {
        using var test = new SpendRuntime();
        using var client = new ChatClientBuilder(new ScriptedModel("gpt-4o-mini")).UseAgentCost().Build();

        await using (var outer = AgentTask.Begin("research"))
        {
            using (var inner = AgentTask.Begin("search"))
            {
                await client.GetResponseAsync("inner");
                Assert.Same(outer, inner.Parent);
            }

            await client.GetResponseAsync("outer");
            Assert.Equal(2, outer.Calls);
            outer.Succeed();
        }

        var tasks = new List<TaskRecord>();
        await foreach (var task in test.Ledger.ReadTasksAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue))
        {
            tasks.Add(task);
        }

        var records = await test.RecordsAsync();
        Assert.Equal(["search", "research"], records.Select(static r => r.Task));
        Assert.False(tasks.Single(static t => t.Name == "search").Succeeded);
        var research = tasks.Single(static t => t.Name == "research");
        Assert.True(research.Succeeded);
        Assert.Equal(records.Sum(static r => r.Cost), research.Cost);
        Assert.Equal(2, research.Calls);
    }

    [Fact]
    public async Task A_cache_hit_credits_what_the_miss_spent_on_the_model()
    {
        using var test = new SpendRuntime();
        var model = new ScriptedModel("gpt-4o") { AnswerTokens = static _ => 40 };
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();

        Task<string> Research(string topic) => AgentMethodInvoker.InvokeAsync(
            s_cached,
            (client, topic),
            static (ref CacheKeyBuilder key, in (IChatClient, string) args) => key.Add(args.Item2),
            static async args =>
            {
                Assert.Equal("Agent.Research", AgentCallContext.CurrentMethod?.DisplayName);
                return (await args.Item1.GetResponseAsync("Research " + args.Item2)).Text;
            },
            default);

        await Research("budgets");
        await Research("budgets");
        await Research("budgets");
        await Research("caching");

        Assert.Equal(2, model.Calls);
        var records = await test.RecordsAsync();
        var calls = records.Where(static r => r.Kind == SpendRecordKind.ModelCall).ToList();
        var hits = records.Where(static r => r.Kind == SpendRecordKind.CacheHit).ToList();
        Assert.Equal(2, calls.Count);
        Assert.All(calls, static r => Assert.Equal("Agent.Research", r.Method));
        Assert.Equal(2, hits.Count);
        Assert.All(hits, r => Assert.Equal(calls[0].Cost, r.Saved));

        var report = await test.Spending.GetReportAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
        Assert.Equal(2 * calls[0].Cost, report.ResultCacheSavings);
        Assert.Equal(2, report.CacheHits);
        Assert.Equal(2, report.Calls);
    }

    [Fact]
    public async Task A_cached_method_that_spends_nothing_credits_nothing()
    {
        using var test = new SpendRuntime();
        for (var i = 0; i < 3; i++)
        {
            await AgentMethodInvoker.InvokeAsync(
                s_cached,
                "free",
                static (ref CacheKeyBuilder key, in string topic) => key.Add(topic),
                static topic => Task.FromResult(topic.ToUpperInvariant()),
                default);
        }

        Assert.Empty(await test.RecordsAsync());
    }

    [Fact]
    public async Task A_cached_task_is_a_task_on_a_hit_too()
    {
        using var test = new SpendRuntime();
        using var client = new ChatClientBuilder(new ScriptedModel("gpt-4o")).UseAgentCost().Build();
        for (var i = 0; i < 3; i++)
        {
            await AgentMethodInvoker.InvokeAsync(
                s_cachedTask,
                (client, "topic"),
                static (ref CacheKeyBuilder key, in (IChatClient, string) args) => key.Add(args.Item2),
                static async args => (await args.Item1.GetResponseAsync(args.Item2)).Text,
                default);
        }

        var report = await test.Spending.GetReportAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
        var lookup = Assert.Single(report.Tasks);
        Assert.Equal((3, 3), (lookup.Tasks, lookup.Succeeded));
        Assert.Equal(report.TotalCost / 3, lookup.CostPerSuccessfulTask);
    }

    [Fact]
    public async Task Cached_results_are_kept_apart_per_tenant()
    {
        using var test = new SpendRuntime();
        var runs = 0;
        Task<int> Call() => AgentMethodInvoker.InvokeAsync(
            s_cached,
            "same",
            static (ref CacheKeyBuilder key, in string topic) => key.Add(topic),
            _ => Task.FromResult(Interlocked.Increment(ref runs)),
            default);

        using (AgentCostContext.Begin("acme"))
        {
            Assert.Equal(1, await Call());
            Assert.Equal(1, await Call());
        }

        using (AgentCostContext.Begin("globex"))
        {
            Assert.Equal(2, await Call());
        }

        Assert.Equal(3, await Call());
        Assert.Equal(3, runs);
    }
}
