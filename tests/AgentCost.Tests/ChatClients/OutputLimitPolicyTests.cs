using AgentCost.Hosting;
using AgentCost.Spending;
using AgentCost.Tests.Spending;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentCost.Tests.ChatClients;

/// <summary><c>AgentCost:Spending:OutputLimitPolicy</c> and <c>AgentCost:Spending:StreamLease</c>.</summary>
public sealed class OutputLimitPolicyTests
{
    private static readonly ChatMessage[] s_question = [new(ChatRole.User, "What is a token budget?")];

    [Fact]
    public async Task Under_refuse_a_request_whose_own_limit_does_not_fit_the_token_budget_is_refused_unsent()
    {
        using var test = new SpendRuntime(o => o.Spending.OutputLimitPolicy = OutputLimitPolicy.Refuse);
        var model = new ReportingModel("gpt-4o") { Usage = static _ => new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5 } };
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        using var scope = TokenBudget.Begin("Agent.Run", 3_000, finalAnswerReserve: 2_000);

        var error = await Assert.ThrowsAsync<TokenBudgetExceededException>(() => client.GetResponseAsync(s_question, new ChatOptions { MaxOutputTokens = 1_000 }));

        Assert.Equal(0, model.Calls);
        Assert.Equal(0, scope.Budget.InFlight);
        Assert.True(error.RequestedTokens > 1_000, error.Message);

        // A limit that fits is sent as asked; a request with no limit still gets the room the budget leaves.
        await client.GetResponseAsync(s_question, new ChatOptions { MaxOutputTokens = 900 });
        await client.GetResponseAsync(s_question);
        var sent = model.Requests.Select(static options => options?.MaxOutputTokens).ToArray();
        Assert.Equal(900, sent[0]);
        Assert.InRange(sent[1]!.Value, 1, 1_000);
    }

    [Fact]
    public async Task Under_refuse_a_request_whose_own_limit_does_not_fit_the_spend_budget_is_refused_unsent()
    {
        // gpt-4o output: $10 per million tokens, so $0.01 buys fewer than 1,000 output tokens after the prompt.
        using var test = new SpendRuntime(o =>
        {
            o.Spending.OutputLimitPolicy = OutputLimitPolicy.Refuse;
            o.Spending.Budgets.Global.Daily = 0.01m;
        });
        var model = new ReportingModel("gpt-4o");
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();

        await Assert.ThrowsAsync<SpendLimitExceededException>(() => client.GetResponseAsync(s_question, new ChatOptions { MaxOutputTokens = 1_000 }));
        await client.GetResponseAsync(s_question, new ChatOptions { MaxOutputTokens = 500 });

        Assert.Equal(500, Assert.Single(model.Requests)!.MaxOutputTokens);
        var budget = test.Spending.GetBudgets().Single();
        Assert.Equal((0m, 1L), (budget.Reserved, budget.RefusedCalls));
    }

    [Fact]
    public void The_policy_and_the_stream_lease_are_bound_from_configuration_and_validated()
    {
        var services = new ServiceCollection();
        services.AddSingleton(HostingTests.Configuration(
            ("AgentCost:Spending:OutputLimitPolicy", "Refuse"),
            ("AgentCost:Spending:StreamLease", "00:01:30")));
        services.AddAgentCost();
        using (var provider = services.BuildServiceProvider())
        {
            var spending = provider.GetRequiredService<IOptions<AgentCostOptions>>().Value.Spending;
            Assert.Equal(OutputLimitPolicy.Refuse, spending.OutputLimitPolicy);
            Assert.Equal(TimeSpan.FromSeconds(90), spending.StreamLease);
        }

        Assert.Equal(OutputLimitPolicy.Clamp, new SpendingOptions().OutputLimitPolicy);
        Assert.Equal(TimeSpan.FromMinutes(5), new SpendingOptions().StreamLease);
        var error = Assert.Throws<OptionsValidationException>(() => new SpendRuntime(o =>
        {
            o.Spending.StreamLease = TimeSpan.Zero;
            o.Spending.OutputLimitPolicy = (OutputLimitPolicy)7;
        }));
        Assert.Contains("AgentCost:Spending:StreamLease", error.Message, StringComparison.Ordinal);
        Assert.Contains("AgentCost:Spending:OutputLimitPolicy", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configured_stream_lease_is_the_one_used()
    {
        using var test = new SpendRuntime(o =>
        {
            o.Spending.StreamLease = TimeSpan.FromSeconds(30);
            o.Spending.Budgets.Global.Daily = 1m;
        });
        using var client = new ChatClientBuilder(new ReportingModel("gpt-4o")).UseAgentCost().Build();
        var stream = client.GetStreamingResponseAsync(s_question).GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync());

        test.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.NotEqual(0m, test.Spending.GetBudgets().Single().Reserved);
        test.Time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(0m, test.Spending.GetBudgets().Single().Reserved);
        Assert.Single(await test.RecordsAsync());
    }
}
