using AgentCost.Tests.Spending;
using Microsoft.Extensions.AI;

namespace AgentCost.Tests.ChatClients;

/// <summary>A stream whose enumerator is never disposed cannot hold its reservations for the life of the process.</summary>
public sealed class StreamLeaseTests
{
    private static readonly ChatMessage[] s_question = [new(ChatRole.User, "Stream me an answer.")];
    private static readonly TimeSpan s_pastDefaultLease = TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Abandoned_streams_are_settled_with_what_they_streamed_once_the_lease_expires()
    {
        using var test = new SpendRuntime(o => o.Spending.Budgets.Global.Daily = 1m);
        var model = new ReportingModel("gpt-4o") { StreamedUpdates = 50 };
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        using var scope = TokenBudget.Begin("Agent.Run", 1_000_000, finalAnswerReserve: 0);
        var prompt = Tokens.TokenCounter.ForModel("gpt-4o").CountRequest(s_question);

        await AbandonStreamsAsync(client, count: 20, read: 3);
        GC.Collect();
        GC.WaitForPendingFinalizers();

        var spend = test.Spending.GetBudgets().Single();
        Assert.True(spend.Reserved >= 0.80m, $"reserved {spend.Reserved} while the streams are open");
        test.Time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(spend.Reserved, test.Spending.GetBudgets().Single().Reserved);

        test.Time.Advance(s_pastDefaultLease - TimeSpan.FromMinutes(4));

        spend = test.Spending.GetBudgets().Single();
        Assert.Equal(0m, spend.Reserved);
        var records = await test.RecordsAsync();
        Assert.Equal(20, records.Count);
        Assert.All(records, static record => Assert.True(record.IsEstimated));
        Assert.All(records, record => Assert.Equal((prompt, 3L), (record.Tokens.Input, record.Tokens.Output)));
        Assert.Equal(records.Sum(static r => r.Cost), spend.Spent);
        Assert.Equal(20, spend.Calls);
        var budget = scope.Budget;
        Assert.Equal(0, budget.InFlight);
        Assert.Equal(20 * (prompt + 3), budget.Used);
    }

    [Fact]
    public async Task A_stream_resumed_after_its_lease_is_refused_and_charged_once_even_when_disposed()
    {
        using var test = new SpendRuntime(o => o.Spending.Budgets.Global.Daily = 1m);
        var model = new ReportingModel("gpt-4o") { StreamedUpdates = 10 };
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        var stream = client.GetStreamingResponseAsync(s_question).GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync());

        test.Time.Advance(s_pastDefaultLease);
        var error = await Assert.ThrowsAsync<OperationCanceledException>(async () => await stream.MoveNextAsync());
        await stream.DisposeAsync();

        Assert.Contains("AgentCost:Spending:StreamLease", error.Message, StringComparison.Ordinal);
        var record = Assert.Single(await test.RecordsAsync());
        Assert.Equal(1, record.Tokens.Output);
        var spend = test.Spending.GetBudgets().Single();
        Assert.Equal((record.Cost, 0m, 1L), (spend.Spent, spend.Reserved, spend.Calls));
    }

    [Fact]
    public async Task A_stream_read_slowly_but_within_the_lease_is_never_cut_off()
    {
        using var test = new SpendRuntime(o => o.Spending.Budgets.Global.Daily = 1m);
        var model = new ReportingModel("gpt-4o") { StreamedUpdates = 4 };
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        var updates = 0;

        await foreach (var update in client.GetStreamingResponseAsync(s_question))
        {
            updates++;
            test.Time.Advance(TimeSpan.FromMinutes(4));
        }

        Assert.Equal(5, updates);
        var record = Assert.Single(await test.RecordsAsync());
        Assert.False(record.IsEstimated);
        Assert.Equal(2_000, record.Tokens.Output);
        Assert.Equal(0m, test.Spending.GetBudgets().Single().Reserved);
    }

    [Fact]
    public async Task A_stream_disposed_in_time_is_settled_by_its_consumer_and_the_lease_does_nothing_later()
    {
        using var test = new SpendRuntime(o => o.Spending.Budgets.Global.Daily = 1m);
        var model = new ReportingModel("gpt-4o") { StreamedUpdates = 10 };
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        await using (var stream = client.GetStreamingResponseAsync(s_question).GetAsyncEnumerator())
        {
            Assert.True(await stream.MoveNextAsync());
            Assert.True(await stream.MoveNextAsync());
        }

        var settled = test.Spending.GetBudgets().Single();
        test.Time.Advance(s_pastDefaultLease);

        Assert.Equal(settled, test.Spending.GetBudgets().Single());
        Assert.Equal(2, Assert.Single(await test.RecordsAsync()).Tokens.Output);
    }

    // In a method of its own, so that no local keeps the enumerators alive: only the lease can.
    private static async Task AbandonStreamsAsync(IChatClient client, int count, int read)
    {
        for (var i = 0; i < count; i++)
        {
            var stream = client.GetStreamingResponseAsync(s_question, new ChatOptions { MaxOutputTokens = 4_000 }).GetAsyncEnumerator();
            for (var j = 0; j < read; j++)
            {
                Assert.True(await stream.MoveNextAsync());
            }
        }
    }
}
