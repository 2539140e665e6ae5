using AgentCost.Budgets;
using AgentCost.Tests.ChatClients;
using Microsoft.Extensions.AI;

namespace AgentCost.Tests.Budgets;

public class BudgetConcurrencyTests
{
    [Fact]
    public void Concurrent_charges_lose_no_update()
    {
        using var parentScope = TokenBudget.Begin("Agent.Run", int.MaxValue - 1, finalAnswerReserve: 0, minStepTokens: 0);
        using var childScope = TokenBudget.Begin("Agent.Tools", int.MaxValue - 1, finalAnswerReserve: 0, minStepTokens: 0);
        var child = childScope.Budget;

        Parallel.For(0, 200_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => child.Charge(i % 7, i % 3));

        var expectedPrompt = Enumerable.Range(0, 200_000).Sum(static i => (long)(i % 7));
        var expectedCompletion = Enumerable.Range(0, 200_000).Sum(static i => (long)(i % 3));
        foreach (var budget in new[] { child, parentScope.Budget })
        {
            Assert.Equal(expectedPrompt, budget.PromptTokens);
            Assert.Equal(expectedCompletion, budget.CompletionTokens);
            Assert.Equal(200_000, budget.Calls);
            Assert.Equal(int.MaxValue - 1 - expectedPrompt - expectedCompletion, budget.Remaining);
        }
    }

    [Fact]
    public void Concurrent_reservations_never_overcommit_a_chain()
    {
        using var parentScope = TokenBudget.Begin("Agent.Run", 50_000, finalAnswerReserve: 0);
        using var childScope = TokenBudget.Begin("Agent.Tools", 60_000, finalAnswerReserve: 0);
        var child = childScope.Budget;
        var parent = parentScope.Budget;
        long charged = 0;

        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var size = 1 + (i % 97);
            if (child.TryReserve(size) is null)
            {
                // Settle to a little less than reserved, as a provider that stops early does.
                var actual = size - (i % 2);
                child.Settle(size, new TokenCharge(actual, 0, 0, 0, false));
                Interlocked.Add(ref charged, actual);
            }
        });

        Assert.InRange(parent.Used, 1, 50_000);
        Assert.Equal(charged, parent.Used);
        Assert.Equal(charged, child.Used);
        Assert.Equal(0, parent.InFlight);
        Assert.Equal(0, child.InFlight);
    }

    [Fact]
    public async Task Parallel_tool_calls_charging_one_budget_lose_no_update()
    {
        // The model asks for 16 tools at once; each tool is a budgeted method that asks the model itself.
        const int ToolCalls = 16;
        var model = new ScriptedModel
        {
            Reply = static (call, messages) => call == 0
                ? new ChatMessage(ChatRole.Assistant, Enumerable.Range(0, ToolCalls)
                    .Select(static i => (AIContent)new FunctionCallContent("call_" + i, "research", new Dictionary<string, object?> { ["topic"] = "t" + i }))
                    .ToList())
                : null,
            AnswerTokens = static call => 10 + (call % 13),
            Delay = TimeSpan.FromMilliseconds(5),
        };
        using var chat = new ChatClientBuilder(model).UseAgentCost().Build();
        var childBudgets = new System.Collections.Concurrent.ConcurrentBag<TokenBudget>();
        var research = AIFunctionFactory.Create(
            async (string topic) =>
            {
                // What the interceptor of a [TokenBudget(1500, FinalAnswerReserve = 0)] tool does.
                using var scope = TokenBudget.Begin("Tools.ResearchAsync", 1500, finalAnswerReserve: 0);
                childBudgets.Add(scope.Budget);
                return (await chat.GetResponseAsync("Research " + topic)).Text;
            },
            "research");
        using var agent = new ChatClientBuilder(model)
            .UseFunctionInvocation(configure: static invoker => invoker.AllowConcurrentInvocation = true)
            .UseAgentCost()
            .Build();

        using var run = TokenBudget.Begin("Agent.RunAsync", 100_000);
        await agent.GetResponseAsync("Research everything.", new ChatOptions { Tools = [research] });

        Assert.Equal(ToolCalls, childBudgets.Count);
        Assert.Equal(2 + ToolCalls, model.Calls);
        Assert.Equal(2 + ToolCalls, run.Budget.Calls);
        Assert.Equal(model.ReportedTokens, run.Budget.Used);
        Assert.All(childBudgets, static budget => Assert.Equal(1, budget.Calls));
        Assert.InRange(childBudgets.Sum(static budget => budget.Used), 1, run.Budget.Used - 1);
        Assert.Equal(0, run.Budget.InFlight);
    }

    [Fact]
    public async Task Many_concurrent_calls_through_the_client_stay_within_a_hard_limit()
    {
        // Every call answers as much as it may; 32 workers race until the budget refuses them all.
        var model = new ScriptedModel { AnswerTokens = static _ => int.MaxValue };
        using var client = new ChatClientBuilder(model).UseAgentCost(static options => options.DefaultMaxOutputTokens = 40).Build();
        using var scope = TokenBudget.Begin("Agent.Run", 20_000, finalAnswerReserve: 0);
        var refused = 0;

        await Task.WhenAll(Enumerable.Range(0, 32).Select(worker => Task.Run(async () =>
        {
            while (true)
            {
                try
                {
                    await client.GetResponseAsync("Worker " + worker + " asks again.");
                }
                catch (TokenBudgetExceededException)
                {
                    Interlocked.Increment(ref refused);
                    return;
                }
            }
        })));

        Assert.Equal(32, refused);
        Assert.InRange(scope.Budget.Used, 20_000 - 200, 20_000);
        Assert.Equal(model.ReportedTokens, scope.Budget.Used);
        Assert.Equal(model.Calls, scope.Budget.Calls);
        Assert.Equal(0, scope.Budget.InFlight);
    }
}
