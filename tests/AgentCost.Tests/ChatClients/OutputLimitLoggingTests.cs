using AgentCost.ChatClients;
using AgentCost.Spending;
using AgentCost.Tests.Spending;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace AgentCost.Tests.ChatClients;

/// <summary>A request the budgets rewrite is never rewritten silently, and never rewritten when nothing needs it.</summary>
public sealed class OutputLimitLoggingTests
{
    private static readonly ChatMessage[] s_question = [new(ChatRole.User, "What is a token budget?")];

    [Fact]
    public async Task A_lowered_output_limit_is_logged_once_at_information_and_then_at_debug()
    {
        using var test = new SpendRuntime(o => o.Spending.Enabled = false);
        var model = new ReportingModel("gpt-4o") { Usage = static _ => new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5 } };
        var logger = new FakeLogger<AgentCostChatClient>();
        using var client = new AgentCostChatClient(model, runtime: test.Runtime, logger: logger);
        using var scope = TokenBudget.Begin("Agent.Run", 3_000, finalAnswerReserve: 2_000);

        for (var i = 0; i < 3; i++)
        {
            await client.GetResponseAsync(s_question, new ChatOptions { MaxOutputTokens = 100_000 });
        }

        var sent = model.Requests.Select(static options => options!.MaxOutputTokens!.Value).ToArray();
        Assert.All(sent, static limit => Assert.InRange(limit, 1, 1_000));
        var logs = logger.Collector.GetSnapshot();
        var first = Assert.Single(logs, static log => log.Level == LogLevel.Information);
        Assert.Contains("token budget 'Agent.Run'", first.Message, StringComparison.Ordinal);
        Assert.Contains("asked 100000", first.Message, StringComparison.Ordinal);
        Assert.Contains($"sent {sent[0]} tokens", first.Message, StringComparison.Ordinal);
        Assert.Contains("AgentCost:Spending:OutputLimitPolicy", first.Message, StringComparison.Ordinal);
        Assert.Equal(2, logs.Count(static log => log.Level == LogLevel.Debug && log.Id.Id == 3104));
    }

    [Fact]
    public async Task A_limit_the_request_already_respects_is_not_logged()
    {
        using var test = new SpendRuntime(o => o.Spending.Budgets.Global.Daily = 100m);
        var model = new ReportingModel("gpt-4o");
        var logger = new FakeLogger<AgentCostChatClient>();
        using var client = new AgentCostChatClient(model, runtime: test.Runtime, logger: logger);
        var options = new ChatOptions { MaxOutputTokens = 500 };

        await client.GetResponseAsync(s_question, options);

        Assert.Same(options, Assert.Single(model.Requests));
        Assert.Empty(logger.Collector.GetSnapshot());
    }

    [Fact]
    public async Task The_default_output_limit_reserved_inside_a_spend_budget_is_the_one_sent()
    {
        using var test = new SpendRuntime(o => o.Spending.Budgets.Global.Daily = 1m);
        var model = new ReportingModel("gpt-4o");
        using var client = new ChatClientBuilder(model).UseAgentCost(o => o.DefaultMaxOutputTokens = 64).Build();

        await client.GetResponseAsync(s_question);

        Assert.Equal(64, Assert.Single(model.Requests)!.MaxOutputTokens);
        var record = Assert.Single(await test.RecordsAsync());
        Assert.Equal(64, record.Tokens.Output);
    }

    [Fact]
    public async Task A_free_model_under_a_spend_budget_is_sent_without_an_output_limit()
    {
        using var test = new SpendRuntime(o =>
        {
            o.Pricing.Models["local-llama"] = new ModelPrice { Input = 0m, Output = 0m };
            o.Spending.Budgets.Global.Daily = 1m;
        });
        var model = new ReportingModel("local-llama");
        var logger = new FakeLogger<AgentCostChatClient>();
        using var client = new AgentCostChatClient(model, runtime: test.Runtime, logger: logger);
        var options = new ChatOptions { Temperature = 0.5f };

        await client.GetResponseAsync(s_question, options);
        await client.GetStreamingResponseAsync(s_question, options).ToChatResponseAsync();

        Assert.All(model.Requests, sent => Assert.Same(options, sent));
        Assert.Null(options.MaxOutputTokens);
        Assert.Empty(logger.Collector.GetSnapshot());
        Assert.Equal(0m, test.Spending.GetBudgets().Single().Reserved);
    }

    [Fact]
    public async Task A_priced_model_of_unknown_maximum_gets_the_fallback_limit_only_inside_a_budget_and_says_so()
    {
        using var test = new SpendRuntime(o =>
        {
            o.Pricing.Models["house-model"] = new ModelPrice { Input = 1m, Output = 2m };
            o.Spending.Budgets.Models["house-model"] = new SpendLimit { Daily = 1m };
        });
        var logger = new FakeLogger<AgentCostChatClient>();
        var house = new ReportingModel("house-model");
        var other = new ReportingModel("gpt-4o");
        using var budgeted = new AgentCostChatClient(house, runtime: test.Runtime, logger: logger);
        using var unbudgeted = new AgentCostChatClient(other, runtime: test.Runtime, logger: logger);

        await budgeted.GetResponseAsync(s_question);
        await unbudgeted.GetResponseAsync(s_question);

        Assert.Equal(16_384, Assert.Single(house.Requests)!.MaxOutputTokens);
        Assert.Null(Assert.Single(other.Requests));
        var log = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Information, log.Level);
        Assert.Contains("AgentCost:Spending:FallbackMaxOutputTokens", log.Message, StringComparison.Ordinal);
        Assert.Contains("asked none", log.Message, StringComparison.Ordinal);
    }
}
