using AgentCost.Spending;
using AgentCost.Tests.ChatClients;
using Microsoft.Extensions.AI;

namespace AgentCost.Tests.Spending;

/// <summary>
/// A call that does not fit a spend budget only because other calls in flight hold their worst case waits for them to
/// settle (<see cref="SpendingOptions.ReservationWait"/>) instead of being refused while the budget is about to come back.
/// </summary>
public sealed class ReservationWaitTests
{
    // gpt-4o: $2.50 per million input tokens, $10 per million output tokens. The first call's worst case takes all but
    // a few hundredths of a cent of the budget; it actually answers 100 tokens.
    private const decimal Limit = 0.05m;
    private static readonly ChatMessage[] s_prompt = [new(ChatRole.User, "Summarise the report.")];

    [Fact]
    public async Task A_call_that_fits_once_a_call_in_flight_settles_waits_for_it_instead_of_being_refused()
    {
        using var test = new SpendRuntime(o => o.Spending.Budgets.Global.Daily = Limit);
        var (model, client) = HoldFirstCall();
        var first = client.GetResponseAsync(s_prompt, new ChatOptions { MaxOutputTokens = 5_000 });
        await model.HeldArrived.Task;

        var second = client.GetResponseAsync(s_prompt, new ChatOptions { MaxOutputTokens = 1_000 });
        await Task.Delay(50);
        Assert.False(second.IsCompleted);
        Assert.Equal(1, model.Calls);

        model.Gate.SetResult();
        await first;
        await second;

        var budget = test.Spending.GetBudgets().Single();
        Assert.Equal(2, model.Calls);
        Assert.Equal(0, budget.RefusedCalls);
        Assert.Equal(1_000, model.Requests.Last()!.MaxOutputTokens);
        Assert.True(budget.Spent <= Limit, $"spent {budget.Spent}");
        Assert.Equal(0m, budget.Reserved);
    }

    [Fact]
    public async Task Without_a_wait_the_same_call_is_refused_at_once()
    {
        using var test = new SpendRuntime(o =>
        {
            o.Spending.Budgets.Global.Daily = Limit;
            o.Spending.ReservationWait = TimeSpan.Zero;
        });
        var (model, client) = HoldFirstCall();
        var first = client.GetResponseAsync(s_prompt, new ChatOptions { MaxOutputTokens = 5_000 });
        await model.HeldArrived.Task;

        await Assert.ThrowsAsync<SpendLimitExceededException>(() => client.GetResponseAsync(s_prompt, new ChatOptions { MaxOutputTokens = 1_000 }));

        model.Gate.SetResult();
        await first;
        Assert.Equal(1, model.Calls);
    }

    [Fact]
    public async Task A_call_still_not_fitting_when_the_wait_ends_is_refused_and_sends_nothing()
    {
        using var test = new SpendRuntime(o =>
        {
            o.Spending.Budgets.Global.Daily = Limit;
            o.Spending.ReservationWait = TimeSpan.FromSeconds(3);
        });
        var (model, client) = HoldFirstCall();
        var first = client.GetResponseAsync(s_prompt, new ChatOptions { MaxOutputTokens = 5_000 });
        await model.HeldArrived.Task;

        var second = client.GetResponseAsync(s_prompt, new ChatOptions { MaxOutputTokens = 1_000 });
        test.Time.Advance(TimeSpan.FromSeconds(2));
        await Task.Delay(50);
        Assert.False(second.IsCompleted);

        test.Time.Advance(TimeSpan.FromSeconds(1));
        var refusal = await Assert.ThrowsAsync<SpendLimitExceededException>(() => second);
        Assert.Equal(Limit, refusal.Limit);

        model.Gate.SetResult();
        await first;
        var budget = test.Spending.GetBudgets().Single();
        Assert.Equal(1, model.Calls);
        Assert.Equal(1, budget.RefusedCalls);
        Assert.Equal(0m, budget.Reserved);
    }

    [Fact]
    public async Task A_waiting_call_that_is_cancelled_reserves_nothing_and_sends_nothing()
    {
        using var test = new SpendRuntime(o => o.Spending.Budgets.Global.Daily = Limit);
        var (model, client) = HoldFirstCall();
        var first = client.GetResponseAsync(s_prompt, new ChatOptions { MaxOutputTokens = 5_000 });
        await model.HeldArrived.Task;
        var reservedByFirst = test.Spending.GetBudgets().Single().Reserved;

        using var cancellation = new CancellationTokenSource();
        var second = client.GetResponseAsync(s_prompt, new ChatOptions { MaxOutputTokens = 1_000 }, cancellation.Token);
        await Task.Delay(20);
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);

        Assert.Equal(reservedByFirst, test.Spending.GetBudgets().Single().Reserved);
        model.Gate.SetResult();
        await first;
        Assert.Equal(1, model.Calls);
        Assert.Equal(0m, test.Spending.GetBudgets().Single().Reserved);
    }

    [Fact]
    public async Task A_call_that_would_not_fit_even_if_every_call_in_flight_cost_nothing_is_refused_without_waiting()
    {
        using var test = new SpendRuntime(o =>
        {
            o.Spending.Budgets.Global.Daily = Limit;
            o.Spending.OutputLimitPolicy = OutputLimitPolicy.Refuse;
        });
        var (model, client) = HoldFirstCall();
        var first = client.GetResponseAsync(s_prompt, new ChatOptions { MaxOutputTokens = 1_000 });
        await model.HeldArrived.Task;

        // 6,000 output tokens cost $0.06, more than the whole budget: no settlement can make room.
        var second = client.GetResponseAsync(s_prompt, new ChatOptions { MaxOutputTokens = 6_000 });
        Assert.True(second.IsCompleted);
        await Assert.ThrowsAsync<SpendLimitExceededException>(() => second);

        model.Gate.SetResult();
        await first;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(32)]
    public async Task Concurrent_agents_are_refused_only_when_the_budget_cannot_pay_for_the_smallest_call(int agents)
    {
        // Each call reserves its counted prompt and 1,000 output tokens (about $0.01) and uses 50 to 450 ($0.0005 to
        // $0.0045): held to their worst case, 32 agents in flight hold a third of the budget. The agents call until
        // they are refused; the first refusal says what was spent when it came.
        using var test = new SpendRuntime(o => o.Spending.Budgets.Global.Daily = 1m);
        using var client = new ChatClientBuilder(new SlowModel()).UseAgentCost().Build();
        var options = new ChatOptions { MaxOutputTokens = 1_000 };
        SpendLimitExceededException? firstRefusal = null;

        await Task.WhenAll(Enumerable.Range(0, agents).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                try
                {
                    await client.GetResponseAsync(s_prompt, options);
                }
                catch (SpendLimitExceededException refusal)
                {
                    Interlocked.CompareExchange(ref firstRefusal, refusal, null);
                    return;
                }
            }
        })));

        var budget = test.Spending.GetBudgets().Single();
        Assert.True(budget.Spent <= budget.Limit, $"spent {budget.Spent}");
        Assert.Equal(0m, budget.Reserved);

        // When the first agent was refused, what was not yet spent could not pay for the smallest answer: the counted
        // prompt and one output token.
        var prompt = AgentCost.Tokens.TokenCounter.ForModel("gpt-4o").CountRequest(s_prompt);
        var smallestCall = ((prompt * 2.50m) + 10m) / 1_000_000;
        Assert.NotNull(firstRefusal);
        Assert.True(
            firstRefusal.Limit - firstRefusal.Spent < smallestCall,
            $"the first refusal came at {firstRefusal.Spent} spent of {firstRefusal.Limit} with {agents} agents");
    }

    private static (ReportingModel Model, IChatClient Client) HoldFirstCall()
    {
        var arrivals = 0;
        var model = new ReportingModel
        {
            Usage = static options => new UsageDetails { InputTokenCount = 10, OutputTokenCount = Math.Min(100, options!.MaxOutputTokens!.Value) },
            Held = _ => Interlocked.Increment(ref arrivals) == 1,
        };
        return (model, new ChatClientBuilder(model).UseAgentCost().Build());
    }

    /// <summary>A model that takes a few milliseconds to answer 50 to 450 tokens, so that calls overlap.</summary>
    private sealed class SlowModel : IChatClient
    {
        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            await Task.Delay(1 + Random.Shared.Next(4), cancellationToken);
            var output = Math.Min(options!.MaxOutputTokens!.Value, 50 + Random.Shared.Next(400));
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))
            {
                Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = output },
                ModelId = "gpt-4o",
            };
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
            => throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null)
            => serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("slow", null, "gpt-4o") : null;

        public void Dispose()
        {
        }
    }
}
