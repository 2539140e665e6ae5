using AgentCost.Hosting;
using AgentCost.Spending;
using AgentCost.Telemetry;
using AgentCost.Tokens;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;

namespace AgentCost.Tests.Spending;

/// <summary>
/// Hard limits reserve the counted prompt; a provider that counts more than an estimated local count would take a
/// budget past its limit. Estimated counts get a margin, learned per model from what the provider reports.
/// </summary>
public sealed class PromptCountCalibrationTests
{
    // A self-hosted model: no local tokenizer, so its prompts are counted with the fallback encoding, as an estimate;
    // priced without prompt caching, so its reservation holds the prompt at the input price and no more.
    private const string Estimated = "acme-llm-70b";

    [Fact]
    public async Task A_provider_that_reports_a_third_more_input_than_the_estimate_cannot_take_a_budget_past_its_limit()
    {
        using var test = new SpendRuntime(o =>
        {
            Price(o);
            o.Spending.Budgets.Global.Daily = 0.05m;
        });
        var model = new OverReportingModel(Estimated, inputFactor: 1.33);
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        var prompt = LongPrompt(1_500);

        var refused = false;
        for (var i = 0; i < 100 && !refused; i++)
        {
            try
            {
                await client.GetResponseAsync(prompt, new ChatOptions { MaxOutputTokens = 200 });
            }
            catch (SpendLimitExceededException)
            {
                refused = true;
            }
        }

        var budget = test.Spending.GetBudgets().Single();
        Assert.True(refused);
        Assert.True(budget.Spent <= budget.Limit, $"spent {budget.Spent} of {budget.Limit}");
        Assert.True(test.Runtime.PromptCounts.TryGetCountRatio(Estimated, out var ratio, out var observations));
        Assert.InRange(ratio, 1.30, 1.36);
        Assert.True(observations >= PromptCountCalibration.MinObservations);
        Assert.InRange(test.Runtime.PromptCounts.GetMargin(Estimated), 0.30, 0.36);
    }

    [Fact]
    public async Task Without_a_margin_the_same_provider_overspends_which_is_what_the_margin_is_for()
    {
        using var test = new SpendRuntime(o =>
        {
            Price(o);
            o.Spending.Budgets.Global.Daily = 0.05m;
            o.Tokens.EstimateMargin = 0;
            o.Tokens.LearnEstimateMargin = false;
        });
        var model = new OverReportingModel(Estimated, inputFactor: 1.33);
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        var prompt = LongPrompt(1_500);

        for (var i = 0; i < 100; i++)
        {
            try
            {
                await client.GetResponseAsync(prompt, new ChatOptions { MaxOutputTokens = 200 });
            }
            catch (SpendLimitExceededException)
            {
                break;
            }
        }

        var budget = test.Spending.GetBudgets().Single();
        Assert.True(budget.Spent > budget.Limit, $"spent {budget.Spent} of {budget.Limit}");
    }

    [Fact]
    public async Task A_token_budget_reserves_the_margin_and_the_exception_says_what_was_needed()
    {
        using var test = new SpendRuntime(o => o.Tokens.EstimateMargin = 0.5);
        var model = new OverReportingModel(Estimated, inputFactor: 1.0);
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        var prompt = LongPrompt(400);
        var counted = test.Runtime.Tokenizers.GetCounter(Estimated).CountRequest(prompt);

        // Room for the counted prompt and an answer, but not for the prompt with its 50 % margin.
        using var budget = AgentCost.TokenBudget.Begin("step", counted + 100, finalAnswerReserve: 0);
        var refusal = await Assert.ThrowsAsync<AgentCost.TokenBudgetExceededException>(() => client.GetResponseAsync(prompt));
        Assert.Equal((int)Math.Ceiling(counted * 1.5) + 1, refusal.RequestedTokens);
        Assert.Equal(0, model.Calls);
    }

    [Fact]
    public async Task An_exact_count_gets_no_margin()
    {
        using var test = new SpendRuntime(o => o.Tokens.EstimateMargin = 0.5);
        var model = new OverReportingModel("gpt-4o", inputFactor: 1.0);
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        var prompt = LongPrompt(400);
        var counted = test.Runtime.Tokenizers.GetCounter("gpt-4o").CountRequest(prompt);

        using var budget = AgentCost.TokenBudget.Begin("step", counted + 100, finalAnswerReserve: 0);
        await client.GetResponseAsync(prompt);

        Assert.Equal(100, model.LastMaxOutputTokens);
    }

    [Fact]
    public void The_learned_ratio_jumps_up_at_once_comes_down_slowly_and_ignores_what_cannot_be_meant()
    {
        var calibration = new PromptCountCalibration(new TokenOptions { EstimateMargin = 0.1 });
        calibration.Observe(Estimated, 1_000, 1_200, isEstimate: true);
        calibration.Observe(Estimated, 1_000, 1_200, isEstimate: true);

        // Below MinObservations the configured margin stands.
        Assert.Equal(0.1, calibration.GetMargin(Estimated));
        calibration.Observe(Estimated, 1_000, 1_200, isEstimate: true);
        Assert.Equal(0.2, calibration.GetMargin(Estimated), 6);

        calibration.Observe(Estimated, 1_000, 1_500, isEstimate: true);
        Assert.Equal(0.5, calibration.GetMargin(Estimated), 6);

        calibration.Observe(Estimated, 1_000, 1_000, isEstimate: true);
        Assert.Equal(0.49, calibration.GetMargin(Estimated), 6);

        // A tiny prompt, a negative report and a report 10 times the count teach nothing.
        calibration.Observe(Estimated, 10, 30, isEstimate: true);
        calibration.Observe(Estimated, 1_000, -5, isEstimate: true);
        calibration.Observe(Estimated, 1_000, 10_000, isEstimate: true);
        Assert.True(calibration.TryGetCountRatio(Estimated, out var ratio, out var observations));
        Assert.Equal(1.49, ratio, 6);
        Assert.Equal(5, observations);

        // A provider that counts fewer tokens than the estimate needs no margin.
        var generous = new PromptCountCalibration(new TokenOptions());
        for (var i = 0; i < 3; i++)
        {
            generous.Observe("local", 1_000, 800, isEstimate: true);
        }

        Assert.Equal(0, generous.GetMargin("local"));
        Assert.Equal(1_000, generous.WithMargin("local", 1_000, isEstimate: true));
        Assert.Equal(1_100, new PromptCountCalibration(new TokenOptions()).WithMargin("other", 1_000, isEstimate: true));
        Assert.Equal(int.MaxValue, new PromptCountCalibration(new TokenOptions { EstimateMargin = 3 }).WithMargin("other", int.MaxValue / 2, isEstimate: true));
    }

    [Fact]
    public void Without_learning_the_configured_margin_always_applies()
    {
        var calibration = new PromptCountCalibration(new TokenOptions { EstimateMargin = 0.25, LearnEstimateMargin = false });
        for (var i = 0; i < 10; i++)
        {
            calibration.Observe(Estimated, 1_000, 1_600, isEstimate: true);
        }

        Assert.Equal(0.25, calibration.GetMargin(Estimated));
        Assert.True(calibration.TryGetCountRatio(Estimated, out var ratio, out _));
        Assert.Equal(1.6, ratio, 6);
    }

    [Fact]
    public async Task The_ratio_is_published_per_model()
    {
        using var test = new SpendRuntime(o =>
        {
            Price(o);
            o.Spending.Budgets.Global.Daily = 10m;
        });
        using var gauge = new MetricCollector<double>(test.MeterFactory, AgentCostMetrics.MeterName, "agentcost.tokens.count_ratio");
        using var client = new ChatClientBuilder(new OverReportingModel(Estimated, inputFactor: 1.25)).UseAgentCost().Build();

        await client.GetResponseAsync(LongPrompt(300));
        gauge.RecordObservableInstruments();

        var measurement = Assert.Single(gauge.GetMeasurementSnapshot());
        Assert.InRange(measurement.Value, 1.2, 1.3);
        Assert.Equal(Estimated, measurement.Tags["gen_ai.request.model"]);
        Assert.Equal(true, measurement.Tags["agentcost.estimated"]);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-0.1)]
    [InlineData(3.5)]
    [InlineData(double.PositiveInfinity)]
    public void A_margin_that_is_not_a_fraction_fails_at_start_naming_its_key(double margin)
    {
        var options = new AgentCostOptions();
        options.Tokens.EstimateMargin = margin;
        var failure = Assert.Throws<OptionsValidationException>(() => AgentCostRuntime.Create(options));
        Assert.Contains("AgentCost:Tokens:EstimateMargin", failure.Message, StringComparison.Ordinal);
    }

    private static void Price(AgentCostOptions options)
        => options.Pricing.Models[Estimated] = new ModelPrice { Input = 3m, Output = 15m };

    private static ChatMessage[] LongPrompt(int words)
        => [new(ChatRole.User, string.Join(' ', Enumerable.Range(0, words).Select(static i => $"word{i % 97}")))];

    /// <summary>A provider that reports <c>inputFactor</c> times the local estimate of the prompt, and 100 output tokens.</summary>
    private sealed class OverReportingModel(string modelId, double inputFactor) : IChatClient
    {
        private readonly TokenCounter _counter = TokenizerRegistry.Default.GetCounter(modelId);
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public int? LastMaxOutputTokens { get; private set; }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            LastMaxOutputTokens = options?.MaxOutputTokens;
            var input = (long)Math.Ceiling(_counter.CountRequest(messages.ToList(), options) * inputFactor);
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))
            {
                Usage = new UsageDetails { InputTokenCount = input, OutputTokenCount = Math.Min(100, options?.MaxOutputTokens ?? 100) },
                ModelId = modelId,
            });
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
            => throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null)
            => serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("over-reporting", null, modelId) : null;

        public void Dispose()
        {
        }
    }
}
