using System.ClientModel;
using System.ClientModel.Primitives;
using AgentCost.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using OpenAI;

namespace AgentCost.Tests.Routing;

/// <summary>The route reaches the wire: the official OpenAI .NET client over a loopback server.</summary>
public sealed class RoutingWireTests : IAsyncLifetime
{
    private readonly RoutingServer _server = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private ModelRouter _router = null!;
    private IChatClient _client = null!;

    public Task InitializeAsync()
    {
        var options = RoutingTestSupport.Standard();
        options.Cooldown = TimeSpan.FromSeconds(30);
        _router = new ModelRouter(options, timeProvider: _time);
        var openAI = new OpenAIClient(
            new ApiKeyCredential("test-key"),
            new OpenAIClientOptions { Endpoint = _server.Endpoint, NetworkTimeout = TimeSpan.FromSeconds(10), RetryPolicy = new ClientRetryPolicy(maxRetries: 0) });
        _client = new ChatClientBuilder(openAI.GetChatClient("gpt-4o-mini").AsIChatClient())
            .UseFunctionInvocation()
            .UseAgentCostRouting(_router)
            .UseAgentCost()
            .Build();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        _router.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task The_model_field_on_the_wire_is_the_routed_model()
    {
        using (ModelRouting.Begin("Agent.Hard", new ModelRoutePolicy(Tier: "complex")))
        {
            var response = await _client.GetResponseAsync("Design a schema.");
            Assert.Equal("answered by gpt-4o", response.Text);
        }

        using (ModelRouting.Begin("Agent.Easy", ModelRoutePolicy.Classify, "What is the capital of France?"))
        {
            await _client.GetResponseAsync("What is the capital of France?");
        }

        Assert.Equal(["gpt-4o", "gpt-4o-mini"], _server.Models);
    }

    [Fact]
    public async Task A_RouteModel_entry_point_routes_every_call_of_the_method_by_its_prompt_argument()
    {
        // What a generated interceptor hands the runtime for [RouteModel] methods: a descriptor with a route policy and
        // the packed receiver and arguments, the prompt at position 1.
        var classified = new Interception.AgentMethod(
            "Agent", "AskAsync", ["string"], ["question"], route: new Interception.RoutePolicy(promptArgument: 1));
        var bounded = new Interception.AgentMethod(
            "Agent", "PlanAsync", ["string"], ["goal"], route: new Interception.RoutePolicy(minTier: "medium", maxTier: "complex", promptArgument: 1));
        var client = _client;

        async Task<string> Body((object Agent, string Prompt) args)
        {
            // Two calls in one method: the tier is decided once, by the method's prompt, not by what each call sends.
            var first = await client.GetResponseAsync("Prove it step by step, formally.");
            await client.GetResponseAsync("and again");
            return first.Text;
        }

        var easy = await Interception.AgentMethodInvoker.InvokeAsync<(object, string), string>(
            classified, (new object(), "What is the capital of France?"), null, Body, CancellationToken.None);
        var hard = await Interception.AgentMethodInvoker.InvokeAsync<(object, string), string>(
            bounded, (new object(), "Translate hello."), null, Body, CancellationToken.None);

        Assert.Null(ModelRouting.Current);
        Assert.Equal("answered by gpt-4o-mini", easy);
        Assert.Equal("answered by gpt-4.1-mini", hard);
        Assert.Equal(["gpt-4o-mini", "gpt-4o-mini", "gpt-4.1-mini", "gpt-4.1-mini"], _server.Models);
        Assert.Equal(
            [("Agent.AskAsync", "simple", "classified"), ("Agent.AskAsync", "simple", "classified"), ("Agent.PlanAsync", "medium", "classified"), ("Agent.PlanAsync", "medium", "classified")],
            _router.Log.Records.Select(r => (r.Route, r.Decision.Tier, r.Decision.Reason)));
        Assert.Equal("simple", _router.Log.Records[2].Decision.ClassifiedTier);
    }

    [Fact]
    public async Task A_429_makes_the_next_deployment_answer_and_pauses_the_first_for_its_Retry_After()
    {
        _server.Refuse["gpt-4o"] = (429, "120");
        using var budget = TokenBudget.Begin("Agent.Run", 100_000);

        using (ModelRouting.Begin("Agent.Hard", new ModelRoutePolicy(Tier: "complex")))
        {
            var response = await _client.GetResponseAsync("Design a schema.");
            Assert.Equal("answered by gpt-4.1", response.Text);

            // Paused: the next call goes straight to the second deployment.
            await _client.GetResponseAsync("Again.");
        }

        Assert.Equal(["gpt-4o", "gpt-4.1", "gpt-4.1"], _server.Models);
        var first = _router.GetDeployments("complex")[0];
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(120), first.AvailableAt);
        var record = _router.Log.Records[0];
        Assert.Equal("complex/gpt-4.1", record.Deployment);
        var fallback = Assert.Single(record.Fallbacks);
        Assert.Equal(("complex/gpt-4o", "http_429"), (fallback.Deployment, fallback.Reason));
        Assert.Equal("cooling_down", Assert.Single(_router.Log.Records[1].Fallbacks).Reason);

        // The failed attempt gave its budget reservation back; only the answered calls were charged.
        Assert.Equal(2, budget.Budget.Calls);
        Assert.Equal(0, budget.Budget.InFlight);

        // After the pause, the first deployment answers again.
        _server.Refuse.Clear();
        _time.Advance(TimeSpan.FromSeconds(121));
        using (ModelRouting.Begin("Agent.Hard", new ModelRoutePolicy(Tier: "complex")))
        {
            await _client.GetResponseAsync("Once more.");
        }

        Assert.Equal("gpt-4o", _server.Models.Last());
    }

    [Theory]
    [InlineData("NaN", 30)] // malformed: the configured Cooldown
    [InlineData("Infinity", 30)]
    [InlineData("-Infinity", 30)]
    [InlineData("-5", 30)]
    [InlineData("soon", 30)]
    [InlineData("1e300", 300)] // beyond MaxRetryAfter: cut to it
    [InlineData("86400", 300)]
    [InlineData("45.5", 45.5)]
    public async Task A_malformed_or_huge_Retry_After_still_falls_back_and_pauses_for_a_sane_time(string retryAfter, double pauseSeconds)
    {
        _server.Refuse["gpt-4o"] = (429, retryAfter);

        using (ModelRouting.Begin("Agent.Hard", new ModelRoutePolicy(Tier: "complex")))
        {
            var response = await _client.GetResponseAsync("Design a schema.");
            Assert.Equal("answered by gpt-4.1", response.Text);
        }

        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(pauseSeconds), _router.GetDeployments("complex")[0].AvailableAt);
        Assert.Equal(("complex/gpt-4o", "http_429"), (Assert.Single(_router.Log.Records[0].Fallbacks).Deployment, _router.Log.Records[0].Fallbacks[0].Reason));
    }

    [Fact]
    public async Task A_Retry_After_date_pauses_until_that_date_on_the_routers_clock()
    {
        _server.Refuse["gpt-4o"] = (429, (_time.GetUtcNow() + TimeSpan.FromSeconds(90)).ToString("r", System.Globalization.CultureInfo.InvariantCulture));

        using (ModelRouting.Begin("Agent.Hard", new ModelRoutePolicy(Tier: "complex")))
        {
            Assert.Equal("answered by gpt-4.1", (await _client.GetResponseAsync("Design a schema.")).Text);
        }

        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(90), _router.GetDeployments("complex")[0].AvailableAt);
    }

    [Fact]
    public async Task A_5xx_on_the_whole_tier_escalates_to_the_next_tier_up()
    {
        _server.Refuse["gpt-4.1-mini"] = (503, null);

        using (ModelRouting.Begin("Agent.Medium", new ModelRoutePolicy(Tier: "medium")))
        {
            var response = await _client.GetResponseAsync("Compare two things.");
            Assert.Equal("answered by gpt-4o", response.Text);
        }

        Assert.Equal(["gpt-4.1-mini", "gpt-4o"], _server.Models);
        Assert.Equal("http_5xx", Assert.Single(_router.Log.Records[0].Fallbacks).Reason);
    }

    [Fact]
    public async Task The_report_counts_calls_per_tier_and_the_cost_saved_against_the_strongest_tier()
    {
        using (ModelRouting.Begin("Agent.Easy", new ModelRoutePolicy(Tier: "simple")))
        {
            await _client.GetResponseAsync("a");
            await _client.GetResponseAsync("b");
        }

        using (ModelRouting.Begin("Agent.Hard", new ModelRoutePolicy(Tier: "reasoning")))
        {
            await _client.GetResponseAsync("c");
        }

        var report = _router.GetReport();

        Assert.Equal("o3", report.StrongestModel);
        Assert.Equal([("simple", "gpt-4o-mini", 2), ("reasoning", "o3", 1)], report.Lines.Select(l => (l.Tier, l.Model, l.Calls)));
        var mini = _router.Prices.Calculate("gpt-4o-mini", new UsageDetails { InputTokenCount = 1000, OutputTokenCount = 100 })!.Value.Total;
        var o3 = _router.Prices.Calculate("o3", new UsageDetails { InputTokenCount = 1000, OutputTokenCount = 100 })!.Value.Total;
        Assert.Equal(2 * mini + o3, report.Cost);
        Assert.Equal(3 * o3, report.CostAtStrongest);
        Assert.Equal(2 * (o3 - mini), report.Saved);
        Assert.True(report.Saved > 0);
    }
}
