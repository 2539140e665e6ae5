using System.Runtime.CompilerServices;
using AgentCost.Spending;
using Microsoft.Extensions.AI;

namespace AgentCost.Tests.Spending;

/// <summary>Hard limits hold under concurrency: spend never exceeds a budget, and refused calls never reach the model.</summary>
public sealed class SpendConcurrencyTests
{
    [Fact]
    public async Task Ten_thousand_calls_from_sixteen_tasks_never_overspend_and_refusals_never_reach_the_model()
    {
        const int Calls = 10_000;
        const int Workers = 16;

        // Each call costs at most 20 prompt tokens at $2.50/M plus 50 output tokens at $10/M = $0.00055 (worst case
        // reserved), and actually a little less: about 3,600 of the 10,000 fit in $1.80.
        using var test = new SpendRuntime(o => o.Spending.Budgets.Global.Daily = 1.80m);
        var model = new CountingModel();
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        var options = new ChatOptions { MaxOutputTokens = 50 };
        ChatMessage[] prompt = [new(ChatRole.User, "Worker asks again.")];
        var next = -1;
        var succeeded = 0;
        var refused = 0;

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < Calls)
            {
                try
                {
                    await client.GetResponseAsync(prompt, options);
                    Interlocked.Increment(ref succeeded);
                }
                catch (SpendLimitExceededException)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        })));

        var budget = test.Spending.GetBudgets().Single();
        var records = await test.RecordsAsync();
        Assert.Equal(Calls, succeeded + refused);
        Assert.InRange(refused, 1, Calls - 1);
        Assert.Equal(succeeded, model.Calls);
        Assert.Equal(succeeded, records.Count);
        Assert.Equal(succeeded, budget.Calls);
        Assert.Equal(refused, budget.RefusedCalls);
        Assert.True(budget.Spent <= budget.Limit, $"spent {budget.Spent} of {budget.Limit}");
        Assert.Equal(records.Sum(static r => r.Cost), budget.Spent);
        Assert.Equal(0m, budget.Reserved);

        // The budget was used, not just touched: what is left is less than one call's worst case.
        Assert.True(budget.Limit - budget.Spent < 0.00055m, $"{budget.Limit - budget.Spent} left");
    }

    /// <summary>A model that answers at once with usage below the worst case, counting the calls that reach it.</summary>
    private sealed class CountingModel : IChatClient
    {
        private static readonly ChatClientMetadata s_metadata = new("counting", null, "gpt-4o");
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            var output = Math.Min(40, options?.MaxOutputTokens ?? int.MaxValue);
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))
            {
                Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = output, TotalTokenCount = 10 + output },
            });
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var response = await GetResponseAsync(messages, options, cancellationToken);
            foreach (var update in response.ToChatResponseUpdates())
            {
                yield return update;
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => serviceType == typeof(ChatClientMetadata) ? s_metadata : null;

        public void Dispose()
        {
        }
    }
}
