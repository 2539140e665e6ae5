using AgentCost.ChatClients;
using AgentCost.Spending;
using AgentCost.Tests.Spending;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace AgentCost.Tests.ChatClients;

/// <summary>The hard limits hold whatever a request asks and whatever a provider reports.</summary>
public sealed class HostileInputTests
{
    private static readonly ChatMessage[] s_question = [new(ChatRole.User, "What is a token budget?")];

    [Fact]
    public async Task A_negative_output_limit_in_flight_cannot_open_either_hard_limit()
    {
        using var test = new SpendRuntime(o => o.Spending.Budgets.Global.Daily = 1m);
        var model = new ReportingModel("gpt-4o") { Held = static options => options?.MaxOutputTokens < 0 };
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        using var scope = TokenBudget.Begin("Agent.Run", 10_000, finalAnswerReserve: 0);

        // The hostile request is held in flight (if it gets that far) while 100 honest calls of 2,000 tokens run.
        var hostile = Task.Run(() => client.GetResponseAsync(s_question, new ChatOptions { MaxOutputTokens = -10_000_000 }));
        await Task.WhenAny(model.HeldArrived.Task, hostile);
        var honest = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(async () =>
        {
            try
            {
                await client.GetResponseAsync(s_question, new ChatOptions { MaxOutputTokens = 2_000 });
                return true;
            }
            catch (Exception exception) when (exception is TokenBudgetExceededException or SpendLimitExceededException)
            {
                return false;
            }
        })));
        model.Gate.TrySetResult();

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => hostile);
        Assert.Contains("ChatOptions.MaxOutputTokens", error.Message, StringComparison.Ordinal);
        Assert.Contains("-10000000", error.Message, StringComparison.Ordinal);
        Assert.Equal(-10_000_000, error.ActualValue);
        Assert.DoesNotContain(model.Requests, static options => options?.MaxOutputTokens <= 0);
        Assert.Contains(true, honest);

        var spend = test.Spending.GetBudgets().Single();
        Assert.True(spend.Spent <= spend.Limit, $"spent {spend.Spent} of {spend.Limit}");
        Assert.Equal(0m, spend.Reserved);
        var budget = scope.Budget;
        Assert.InRange(budget.Used, 1, 10_000);
        Assert.Equal(0, budget.InFlight);
        Assert.Equal(10_000 - budget.Used, budget.Remaining);
    }

    [Theory]
    [InlineData(0, false, false)]
    [InlineData(-5, false, false)]
    [InlineData(int.MinValue, false, false)]
    [InlineData(0, true, false)]
    [InlineData(-5, true, false)]
    [InlineData(0, false, true)]
    [InlineData(-5, true, true)]
    public async Task A_non_positive_output_limit_is_refused_before_it_reaches_the_provider(int limit, bool streaming, bool inBudgets)
    {
        // Outside budgets with spending off the client would otherwise pass the request through untouched.
        using var test = new SpendRuntime(o =>
        {
            o.Spending.Enabled = inBudgets;
            o.Spending.Budgets.Global.Daily = 1m;
        });
        var model = new ReportingModel();
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        using var scope = inBudgets ? TokenBudget.Begin("Agent.Run", 10_000) : null;
        var options = new ChatOptions { MaxOutputTokens = limit };

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
        {
            if (streaming)
            {
                await foreach (var _ in client.GetStreamingResponseAsync(s_question, options))
                {
                }
            }
            else
            {
                await client.GetResponseAsync(s_question, options);
            }
        });

        Assert.Equal("options", error.ParamName);
        Assert.Equal(limit, error.ActualValue);
        Assert.Contains("ChatOptions.MaxOutputTokens", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, model.Calls);
        Assert.Empty(await test.RecordsAsync());
        Assert.Equal(0, scope?.Budget.InFlight ?? 0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_largest_output_limit_is_clamped_without_overflow(bool streaming)
    {
        using var test = new SpendRuntime(o => o.Spending.Budgets.Global.Daily = 1m);
        var model = new ReportingModel("gpt-4o");
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        using var scope = TokenBudget.Begin("Agent.Run", 10_000, finalAnswerReserve: 0);
        var options = new ChatOptions { MaxOutputTokens = int.MaxValue };

        if (streaming)
        {
            await client.GetStreamingResponseAsync(s_question, options).ToChatResponseAsync();
        }
        else
        {
            await client.GetResponseAsync(s_question, options);
        }

        Assert.InRange(Assert.Single(model.Requests)!.MaxOutputTokens!.Value, 1, 10_000);
        Assert.Equal(int.MaxValue, options.MaxOutputTokens);
        Assert.InRange(scope.Budget.Used, 1, 10_000);
        Assert.Equal(0m, test.Spending.GetBudgets().Single().Reserved);
    }

    [Fact]
    public async Task Negative_usage_from_a_provider_is_replaced_by_the_local_count_and_logged_once()
    {
        using var test = new SpendRuntime(o => o.Spending.Budgets.Global.Daily = 1m);
        var model = new ReportingModel("gpt-4o")
        {
            Usage = static _ => new UsageDetails { InputTokenCount = -1_000_000, OutputTokenCount = -500_000 },
        };
        var logger = new FakeLogger<AgentCostChatClient>();
        using var client = new AgentCostChatClient(model, runtime: test.Runtime, logger: logger);
        using var scope = TokenBudget.Begin("Agent.Run", 1_000, finalAnswerReserve: 0);
        var prompt = TokenCounterFor("gpt-4o").CountRequest(s_question);
        var answer = TokenCounterFor("gpt-4o").CountOutput([new ChatMessage(ChatRole.Assistant, "ok")]);

        await client.GetResponseAsync(s_question, new ChatOptions { MaxOutputTokens = 100 });
        await client.GetResponseAsync(s_question, new ChatOptions { MaxOutputTokens = 100 });

        var budget = scope.Budget;
        Assert.Equal(2 * prompt, budget.PromptTokens);
        Assert.Equal(2 * answer, budget.CompletionTokens);
        Assert.Equal(1_000 - budget.Used, budget.Remaining);
        Assert.True(budget.IsEstimated);
        Assert.Equal(0, budget.InFlight);
        var records = await test.RecordsAsync();
        Assert.All(records, record => Assert.Equal((prompt, answer, true), (record.Tokens.Input, record.Tokens.Output, record.IsEstimated)));
        Assert.Equal(records.Sum(static r => r.Cost), test.Spending.GetBudgets().Single().Spent);

        var warning = Assert.Single(logger.Collector.GetSnapshot(), static log => log.Level == LogLevel.Warning);
        Assert.Contains("-1000000", warning.Message, StringComparison.Ordinal);
        Assert.Contains("-500000", warning.Message, StringComparison.Ordinal);

        // Honest calls now spend what is really left, never more.
        model.Usage = static options => new UsageDetails { InputTokenCount = 10, OutputTokenCount = options?.MaxOutputTokens };
        await Assert.ThrowsAsync<TokenBudgetExceededException>(async () =>
        {
            while (true)
            {
                await client.GetResponseAsync(s_question);
            }
        });
        Assert.InRange(budget.Used, 1, 1_000);
    }

    [Fact]
    public async Task Usage_counts_beyond_any_real_call_saturate_instead_of_wrapping()
    {
        using var test = new SpendRuntime(o => o.Spending.Budgets.Global.Daily = 1m);
        var model = new ReportingModel("gpt-4o")
        {
            Usage = static _ => new UsageDetails
            {
                InputTokenCount = long.MaxValue,
                OutputTokenCount = long.MaxValue,
                CachedInputTokenCount = long.MaxValue,
                ReasoningTokenCount = long.MaxValue,
                AdditionalCounts = new() { ["cache_creation_input_tokens"] = long.MaxValue, ["ephemeral_1h_input_tokens"] = long.MaxValue },
            },
        };
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        using var scope = TokenBudget.Begin("Agent.Run", 1_000, finalAnswerReserve: 0);

        await client.GetResponseAsync(s_question, new ChatOptions { MaxOutputTokens = 100 });

        var budget = scope.Budget;
        Assert.True(budget.Used > 1_000, $"used {budget.Used}");
        Assert.True(budget.PromptTokens > 0 && budget.CompletionTokens > 0, budget.ToString());
        Assert.Equal(0, budget.Remaining);
        var spend = test.Spending.GetBudgets().Single();
        Assert.True(spend.Spent > spend.Limit, $"spent {spend.Spent}");
        Assert.All(await test.RecordsAsync(), static record => Assert.True(record.Cost > 0 && record.Tokens.Total > 0));

        // Both limits are used up: the next call is refused before it is sent.
        var calls = model.Calls;
        await Assert.ThrowsAnyAsync<InvalidOperationException>(() => client.GetResponseAsync(s_question, new ChatOptions { MaxOutputTokens = 100 }));
        Assert.Equal(calls, model.Calls);
    }

    [Fact]
    public async Task Usage_over_the_reservation_is_charged_and_is_the_only_way_past_a_limit()
    {
        using var test = new SpendRuntime();
        var model = new ReportingModel("gpt-4o") { Usage = static _ => new UsageDetails { InputTokenCount = 3_000, OutputTokenCount = 2_000 } };
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        using var scope = TokenBudget.Begin("Agent.Run", 1_000, finalAnswerReserve: 0);

        await client.GetResponseAsync(s_question, new ChatOptions { MaxOutputTokens = 100 });

        var budget = scope.Budget;
        Assert.Equal(5_000, budget.Used);
        Assert.Equal(0, budget.Remaining);
        Assert.Equal(0, budget.InFlight);
        await Assert.ThrowsAsync<TokenBudgetExceededException>(() => client.GetResponseAsync(s_question));
        Assert.Equal(1, model.Calls);
    }

    [Fact]
    public async Task A_free_model_still_runs_in_a_budget_an_over_report_took_past_its_limit()
    {
        using var test = new SpendRuntime(o =>
        {
            o.Pricing.Models["local-free"] = new ModelPrice { Input = 0m, Output = 0m };
            o.Spending.Budgets.Global.Daily = 0.001m;
        });
        var dear = new ReportingModel("gpt-4o") { Usage = static _ => new UsageDetails { InputTokenCount = 1_000_000, OutputTokenCount = 0 } };
        var free = new ReportingModel("local-free");
        using var dearClient = new ChatClientBuilder(dear).UseAgentCost().Build();
        using var freeClient = new ChatClientBuilder(free).UseAgentCost().Build();
        await dearClient.GetResponseAsync(s_question, new ChatOptions { MaxOutputTokens = 10 });
        var spend = test.Spending.GetBudgets().Single();
        Assert.True(spend.Spent > spend.Limit, $"spent {spend.Spent}");

        // Its worst case is nothing, which fits any budget: admission must not retry for ever.
        await Task.Run(() => freeClient.GetResponseAsync(s_question)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, free.Calls);
        Assert.Equal(spend.Spent, test.Spending.GetBudgets().Single().Spent);
    }

    [Fact]
    public void A_price_too_large_for_the_arithmetic_is_refused_at_start_up_naming_its_key()
    {
        var error = Assert.Throws<OptionsValidationException>(() => new SpendRuntime(o =>
            o.Pricing.Models["gold-model"] = new ModelPrice { Input = decimal.MaxValue / 2, Output = 1m }));

        Assert.Contains("AgentCost:Pricing:Models:gold-model", error.Message, StringComparison.Ordinal);
        Assert.Contains("Input", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dearest_allowed_price_with_the_largest_requests_saturates_instead_of_wrapping()
    {
        using var test = new SpendRuntime(o =>
        {
            o.Pricing.Models["gold-model"] = new ModelPrice { Input = 1_000_000m, Output = 1_000_000m, CachedInput = 999_999.99999m };
            o.Spending.Budgets.Global.Daily = 100_000_000m;
        });
        var model = new ReportingModel("gold-model") { Usage = static _ => new UsageDetails { InputTokenCount = long.MaxValue, OutputTokenCount = long.MaxValue } };
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();

        await client.GetResponseAsync(s_question, new ChatOptions { MaxOutputTokens = int.MaxValue });

        var spend = test.Spending.GetBudgets().Single();
        Assert.True(spend.Spent >= spend.Limit, $"spent {spend.Spent}");
        Assert.Equal(0m, spend.Reserved);
        Assert.Throws<SpendLimitExceededException>(() => test.Spending.Reserve("gold-model", int.MaxValue, int.MaxValue));
        Assert.Throws<ArgumentOutOfRangeException>(() => test.Spending.Reserve("gold-model", -1));
    }

    [Fact]
    public void A_negative_count_asked_of_a_token_budget_is_refused_rather_than_fitting()
    {
        using var scope = TokenBudget.Begin("Agent.Run", 1_000, finalAnswerReserve: 0);

        Assert.Throws<ArgumentOutOfRangeException>(() => scope.Budget.CheckPromptFits(-1_000_000));
        Assert.Throws<ArgumentOutOfRangeException>(() => scope.Budget.CheckPromptFits(10, -5_000));
        Assert.Throws<ArgumentOutOfRangeException>(() => scope.Budget.Charge(-10, 0));
        Assert.True(scope.Budget.CheckPromptFits(999));
        Assert.False(scope.Budget.CheckPromptFits(int.MaxValue, int.MaxValue));
    }

    private static Tokens.TokenCounter TokenCounterFor(string model) => Tokens.TokenCounter.ForModel(model);
}
