using AgentCost.ChatClients;
using AgentCost.Hosting;
using AgentCost.Telemetry;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace AgentCost.Tests.ChatClients;

public class AgentCostChatClientTests
{
    private static readonly ChatMessage[] s_question = [new(ChatRole.System, "You are terse."), new(ChatRole.User, "What is a token budget?")];

    [Fact]
    public async Task Outside_a_budget_calls_pass_through_untouched()
    {
        var model = new ScriptedModel();
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        var options = new ChatOptions { Temperature = 0.5f };

        await client.GetResponseAsync(s_question, options);
        await foreach (var _ in client.GetStreamingResponseAsync(s_question, options))
        {
        }

        Assert.All(model.Requests, request => Assert.Same(options, request.Options));
        Assert.Null(options.MaxOutputTokens);
    }

    [Fact]
    public async Task The_output_limit_is_clamped_to_what_the_budget_has_left()
    {
        var model = new ScriptedModel { AnswerTokens = static _ => 10 };
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        using var scope = TokenBudget.Begin("Agent.Run", 3000, finalAnswerReserve: 2000);
        var prompt = model.Counter.CountRequest(s_question);
        var options = new ChatOptions { Temperature = 0.5f };

        await client.GetResponseAsync(s_question, options);

        var (_, sent) = Assert.Single(model.Requests);
        Assert.NotSame(options, sent);
        Assert.Null(options.MaxOutputTokens);
        Assert.Equal(1000 - prompt, sent!.MaxOutputTokens);
        Assert.Equal(0.5f, sent.Temperature);

        // A request's own smaller limit is kept; a larger one is clamped.
        await client.GetResponseAsync(s_question, new ChatOptions { MaxOutputTokens = 7 });
        await client.GetResponseAsync(s_question, new ChatOptions { MaxOutputTokens = 100_000 });
        var limits = model.Requests.Select(static request => request.Options!.MaxOutputTokens).ToArray();
        var usedBeforeThird = 2 * (prompt + 10) - 3;
        Assert.Equal(7, limits[1]);
        Assert.Equal(1000 - usedBeforeThird - prompt, limits[2]);
    }

    [Fact]
    public async Task Default_max_output_tokens_bounds_requests_that_set_none()
    {
        var model = new ScriptedModel();
        using var client = new ChatClientBuilder(model).UseAgentCost(options => options.DefaultMaxOutputTokens = 64).Build();
        using var scope = TokenBudget.Begin("Agent.Run", 8000);

        await client.GetResponseAsync(s_question);

        Assert.Equal(64, Assert.Single(model.Requests).Options!.MaxOutputTokens);
    }

    [Fact]
    public async Task Usage_reported_by_the_provider_is_charged_as_reported()
    {
        var model = new ScriptedModel { AnswerTokens = static _ => 25, CachedInputTokens = 8, ReasoningTokens = 5 };
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        using var scope = TokenBudget.Begin("Agent.Run", 8000);
        var prompt = model.Counter.CountRequest(s_question);

        await client.GetResponseAsync(s_question);

        var budget = scope.Budget;
        Assert.Equal((prompt, 25L, 8L, 5L), (budget.PromptTokens, budget.CompletionTokens, budget.CachedInputTokens, budget.ReasoningTokens));
        Assert.Equal(0, budget.InFlight);
        Assert.Equal(1, budget.Calls);
        Assert.False(budget.IsEstimated);
    }

    [Fact]
    public async Task Without_reported_usage_the_call_is_counted_locally_and_marked_estimated()
    {
        var model = new ScriptedModel { AnswerTokens = static _ => 30, ReportUsage = false };
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        using var scope = TokenBudget.Begin("Agent.Run", 8000);

        await client.GetResponseAsync(s_question);

        Assert.Equal(model.Counter.CountRequest(s_question), scope.Budget.PromptTokens);
        Assert.Equal(30, scope.Budget.CompletionTokens);
        Assert.True(scope.Budget.IsEstimated);
    }

    [Fact]
    public async Task Streaming_charges_the_usage_update()
    {
        var model = new ScriptedModel { AnswerTokens = static _ => 12, CachedInputTokens = 4 };
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        using var scope = TokenBudget.Begin("Agent.Run", 8000);

        var response = await client.GetStreamingResponseAsync(s_question).ToChatResponseAsync();

        Assert.Equal(ScriptedModel.Words(12), response.Text);
        Assert.Equal(model.Counter.CountRequest(s_question) + 12, scope.Budget.Used);
        Assert.Equal(4, scope.Budget.CachedInputTokens);
        Assert.False(scope.Budget.IsEstimated);
        Assert.Equal(0, scope.Budget.InFlight);
    }

    [Fact]
    public async Task Streaming_without_usage_and_a_consumer_that_stops_early_are_charged_what_was_streamed()
    {
        var model = new ScriptedModel { AnswerTokens = static _ => 40, ReportUsage = false };
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        using var scope = TokenBudget.Begin("Agent.Run", 8000);
        var prompt = model.Counter.CountRequest(s_question);

        await client.GetStreamingResponseAsync(s_question).ToChatResponseAsync();
        Assert.Equal(prompt + 40, scope.Budget.Used);
        Assert.True(scope.Budget.IsEstimated);

        var seen = 0;
        await foreach (var _ in client.GetStreamingResponseAsync(s_question))
        {
            if (++seen == 5)
            {
                break;
            }
        }

        Assert.Equal(2 * prompt + 40 + 5, scope.Budget.Used);
        Assert.Equal(0, scope.Budget.InFlight);
    }

    [Fact]
    public async Task A_stream_that_is_never_enumerated_reserves_nothing()
    {
        var model = new ScriptedModel();
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        using var scope = TokenBudget.Begin("Agent.Run", 8000);

        _ = client.GetStreamingResponseAsync(s_question);

        Assert.Equal(0, scope.Budget.InFlight);
        Assert.Equal(0, model.Calls);
    }

    [Fact]
    public async Task A_failed_call_gives_its_reservation_back_and_a_cancelled_one_pays_its_prompt()
    {
        var model = new ScriptedModel { Failure = new HttpRequestException("connection refused") };
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        using var scope = TokenBudget.Begin("Agent.Run", 8000);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetResponseAsync(s_question));
        await Assert.ThrowsAsync<HttpRequestException>(async () => await client.GetStreamingResponseAsync(s_question).ToChatResponseAsync());
        Assert.Equal(0, scope.Budget.Used);
        Assert.Equal(0, scope.Budget.InFlight);
        Assert.Equal(6000, scope.Budget.AvailableForNextStep);

        model.Failure = null;
        model.Delay = TimeSpan.FromSeconds(30);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync(s_question, cancellationToken: cancellation.Token));
        Assert.Equal(model.Counter.CountRequest(s_question), scope.Budget.Used);
        Assert.True(scope.Budget.IsEstimated);
        Assert.Equal(0, scope.Budget.InFlight);
    }

    [Fact]
    public async Task A_call_that_does_not_fit_is_refused_before_anything_is_sent()
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var _ = services;
        using var exhausted = new MetricCollector<long>(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), AgentCostMetrics.MeterName, "agentcost.budget.exhausted");
        using var test = new TestRuntime(meters: services);
        var model = new ScriptedModel();
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        using var scope = TokenBudget.Begin("Researcher.RunAsync", 2100, finalAnswerReserve: 2000);
        var prompt = model.Counter.CountRequest(s_question);
        var big = s_question.Append(new ChatMessage(ChatRole.User, ScriptedModel.Words(100))).ToArray();
        var bigPrompt = model.Counter.CountRequest(big);

        var error = await Assert.ThrowsAsync<TokenBudgetExceededException>(() => client.GetResponseAsync(big));

        Assert.Equal(0, model.Calls);
        Assert.Equal("Researcher.RunAsync", error.BudgetName);
        Assert.Equal(2100, error.Limit);
        Assert.Equal(0, error.Used);
        Assert.Equal(bigPrompt, error.PromptTokens);
        Assert.Equal(bigPrompt + 1, error.RequestedTokens);
        Assert.Equal(100, error.AvailableTokens);
        Assert.Contains("'Researcher.RunAsync' (2,100 tokens", error.Message);
        Assert.Equal(1, scope.Budget.RefusedCalls);
        Assert.Equal(0, scope.Budget.InFlight);

        var measurement = Assert.Single(exhausted.GetMeasurementSnapshot());
        Assert.Equal("Researcher.RunAsync", measurement.Tags["agentcost.budget"]);

        // A prompt that fits is still answered, within the 100 tokens left.
        await client.GetResponseAsync(s_question);
        Assert.Equal(100 - prompt, model.Requests.Last().Options!.MaxOutputTokens);
    }

    [Fact]
    public async Task The_tightest_budget_in_the_chain_refuses_and_is_named()
    {
        var model = new ScriptedModel();
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        using var parent = TokenBudget.Begin("Agent.Run", 1000, finalAnswerReserve: 0);
        parent.Budget.Charge(990, 0);
        using var child = TokenBudget.Begin("Agent.Search", 5000, finalAnswerReserve: 0);

        var error = await Assert.ThrowsAsync<TokenBudgetExceededException>(() => client.GetResponseAsync(s_question));

        Assert.Equal("Agent.Run", error.BudgetName);
        Assert.Equal(10, error.AvailableTokens);
        Assert.Equal(1, child.Budget.RefusedCalls);
        Assert.Equal(1, parent.Budget.RefusedCalls);
    }

    [Fact]
    public async Task Token_usage_goes_to_the_AgentCost_meter()
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var _ = services;
        using var usage = new MetricCollector<long>(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), AgentCostMetrics.MeterName, "agentcost.token.usage");
        using var test = new TestRuntime(meters: services);
        var model = new ScriptedModel { AnswerTokens = static _ => 9 };
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        using var scope = TokenBudget.Begin("Agent.Run", 8000);

        await client.GetResponseAsync(s_question);

        var measurements = usage.GetMeasurementSnapshot();
        var input = Assert.Single(measurements, static m => (string?)m.Tags["gen_ai.token.type"] == "input");
        var output = Assert.Single(measurements, static m => (string?)m.Tags["gen_ai.token.type"] == "output");
        Assert.Equal(model.Counter.CountRequest(s_question), input.Value);
        Assert.Equal(9, output.Value);
        Assert.Equal("Agent.Run", output.Tags["agentcost.budget"]);
        Assert.Equal("gpt-4o-mini", output.Tags["gen_ai.request.model"]);
        Assert.Equal(false, output.Tags["agentcost.estimated"]);
    }

    [Fact]
    public async Task Inside_function_invocation_every_round_trip_is_charged()
    {
        var model = new ScriptedModel
        {
            Reply = static (call, _) => call == 0
                ? new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call_1", "lookup", new Dictionary<string, object?> { ["topic"] = "budgets" })])
                : null,
            AnswerTokens = static _ => 20,
        };
        var lookup = AIFunctionFactory.Create((string topic) => "Budgets cap tokens per run.", "lookup");
        using var client = new ChatClientBuilder(model)
            .UseFunctionInvocation()
            .UseAgentCost()
            .Build();
        using var scope = TokenBudget.Begin("Agent.Run", 8000);

        var response = await client.GetResponseAsync(s_question, new ChatOptions { Tools = [lookup] });

        Assert.Equal(ScriptedModel.Words(20), response.Text);
        Assert.Equal(2, model.Calls);
        Assert.Equal(2, scope.Budget.Calls);
        Assert.Equal(model.ReportedTokens, scope.Budget.Used);
        Assert.All(model.Requests, static request => Assert.NotNull(request.Options!.MaxOutputTokens));
    }

    [Fact]
    public async Task The_runtime_registered_with_dependency_injection_is_used()
    {
        var services = new ServiceCollection();
        services.AddAgentCost(options => options.Tokens.ModelEncodings["my-deployment"] = Tokens.TokenEncoding.O200kBase);
        services.AddChatClient(new ScriptedModel("my-deployment") { ReportUsage = false, AnswerTokens = static _ => 3 }).UseAgentCost();
        using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IChatClient>();
        using var scope = TokenBudget.Begin("Agent.Run", 8000);

        await client.GetResponseAsync(s_question);

        // Counted with the configured exact tokenizer, so the local count is estimated only because no usage came.
        Assert.Equal(Tokens.TokenCounter.ForModel("gpt-4o").CountRequest(s_question) + 3, scope.Budget.Used);
        Assert.NotNull(provider.GetRequiredService<AgentCostRuntime>());
    }

    [Fact]
    public void Invalid_client_settings_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AgentCostChatClient(new ScriptedModel(), new AgentCostChatClientOptions { MinOutputTokens = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AgentCostChatClient(new ScriptedModel(), new AgentCostChatClientOptions { DefaultMaxOutputTokens = 0 }));
    }
}
