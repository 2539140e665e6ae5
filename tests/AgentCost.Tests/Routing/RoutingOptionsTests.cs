using AgentCost.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentCost.Tests.Routing;

public class RoutingOptionsTests
{
    [Fact]
    public void Tiers_are_bound_from_configuration_and_ordered_by_rank()
    {
        var services = new ServiceCollection();
        services.AddSingleton(HostingTests.Configuration(
            ("AgentCost:Routing:Tiers:reasoning:Deployments:0:Model", "o3"),
            ("AgentCost:Routing:Tiers:simple:Deployments:0:Model", "gpt-4o-mini"),
            ("AgentCost:Routing:Tiers:simple:Deployments:0:RequestsPerMinute", "600"),
            ("AgentCost:Routing:Tiers:simple:Deployments:0:TokensPerMinute", "200000"),
            ("AgentCost:Routing:Tiers:simple:Deployments:1:Model", "gpt-4.1-nano"),
            ("AgentCost:Routing:Tiers:simple:Deployments:1:ClientKey", "azure-nano"),
            ("AgentCost:Routing:Tiers:complex:Deployments:0:Model", "gpt-4o"),
            ("AgentCost:Routing:Tiers:frontier:Rank", "9"),
            ("AgentCost:Routing:Tiers:frontier:Deployments:0:Model", "gpt-5"),
            ("AgentCost:Routing:Cooldown", "00:01:00"),
            ("AgentCost:Routing:Heuristic:TierThresholds:0", "1"),
            ("AgentCost:Routing:Heuristic:TierThresholds:1", "2")));
        services.AddAgentCost();
        services.AddKeyedChatClient("azure-nano", new RecordingClient([]));
        using var provider = services.BuildServiceProvider();

        var router = provider.GetRequiredService<ModelRouter>();

        Assert.Equal(["simple", "complex", "reasoning", "frontier"], router.Tiers);
        var simple = router.GetDeployments("simple");
        Assert.Equal("gpt-4o-mini", simple[0].Model);
        Assert.Equal(600, simple[0].RateLimiter!.RequestsPerMinute);
        Assert.Equal(200000, simple[0].RateLimiter!.TokensPerMinute);
        Assert.Equal("azure-nano", simple[1].ClientKey);
        Assert.Equal("simple/azure-nano", simple[1].Name);
        Assert.Null(simple[1].RateLimiter);
        Assert.Equal(TimeSpan.FromMinutes(1), router.Options.Cooldown);
        Assert.Equal([1.0, 2.0], router.Options.Heuristic.TierThresholds);
    }

    [Fact]
    public void Bad_settings_fail_at_start_up_naming_their_keys()
    {
        var services = new ServiceCollection();
        services.AddSingleton(HostingTests.Configuration(
            ("AgentCost:Routing:Tiers:simple:Deployments:0:RequestsPerMinute", "0"),
            ("AgentCost:Routing:Tiers:custom:Deployments:0:Model", "m"),
            ("AgentCost:Routing:Tiers:complex:Deployments:0:Model", "gpt-4o"),
            ("AgentCost:Routing:Tiers:complex:Deployments:0:TokensPerMinute", "-5"),
            ("AgentCost:Routing:DefaultTier", "nope")));
        services.AddAgentCost();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AgentCost.Hosting.AgentCostOptions>>().Value);

        Assert.Contains(error.Failures, f => f.StartsWith("AgentCost:Routing:Tiers:simple:Deployments:0:Model", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("AgentCost:Routing:Tiers:custom:Rank", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("AgentCost:Routing:Tiers:complex:Deployments:0:TokensPerMinute", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("AgentCost:Routing:DefaultTier", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_route_scope_decides_once_clamps_and_can_be_overridden()
    {
        using var router = new ModelRouter(RoutingTestSupport.Standard());
        var seen = new List<string?>();
        using var client = new ModelRoutingChatClient(new RecordingClient(seen), router);

        using (ModelRouting.Begin("Agent.Ask", new ModelRoutePolicy(MaxTier: "medium"), "Prove step by step that there are infinitely many primes."))
        {
            await client.GetResponseAsync("first");
            await client.GetResponseAsync("second");
            Assert.Equal("medium", ModelRouting.Current!.Decision!.Tier);
            Assert.Equal("reasoning", ModelRouting.Current!.Decision!.ClassifiedTier);
        }

        using (ModelRouting.Override("reasoning"))
        using (ModelRouting.Begin("Agent.Inner", new ModelRoutePolicy(Tier: "simple")))
        {
            await client.GetResponseAsync("third");
        }

        using (ModelRouting.Begin("Agent.Chat", ModelRoutePolicy.Classify, [new ChatMessage(ChatRole.User, "What is 2 + 2?")]))
        {
            await client.GetResponseAsync("fourth");
        }

        await client.GetResponseAsync("outside any route");

        Assert.Equal(["gpt-4.1-mini", "gpt-4.1-mini", "o3", "gpt-4o-mini", null], seen);
        Assert.Null(ModelRouting.Current);
        Assert.Equal(4, router.Log.Records.Count);
        Assert.Equal("override", router.Log.Records[2].Decision.Reason);
    }

    [Fact]
    public async Task Through_dependency_injection_the_routing_layer_uses_the_registered_router_and_records_metrics()
    {
        var services = new ServiceCollection().AddMetrics();
        services.AddSingleton(HostingTests.Configuration(
            ("AgentCost:Routing:Tiers:simple:Deployments:0:Model", "gpt-4o-mini"),
            ("AgentCost:Routing:Tiers:complex:Deployments:0:Model", "gpt-4o")));
        services.AddAgentCost();
        var seen = new List<string?>();
        services.AddChatClient(new RecordingClient(seen)).UseAgentCostRouting().UseAgentCost();
        using var provider = services.BuildServiceProvider();
        using var calls = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(
            provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), AgentCost.Telemetry.AgentCostMetrics.MeterName, "agentcost.routing.calls");
        var client = provider.GetRequiredService<IChatClient>();

        using (ModelRouting.Begin("Agent.Hard", new ModelRoutePolicy(Tier: "complex")))
        {
            await client.GetResponseAsync("Design it.");
        }

        Assert.Equal(["gpt-4o"], seen);
        Assert.Same(provider.GetRequiredService<ModelRouter>(), client.GetService<ModelRouter>());
        var measurement = Assert.Single(calls.GetMeasurementSnapshot());
        Assert.Equal("complex", measurement.Tags["agentcost.tier"]);
        Assert.Equal("gpt-4o", measurement.Tags["gen_ai.request.model"]);
    }

    internal sealed class RecordingClient(List<string?> seen) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            lock (seen)
            {
                seen.Add(options?.ModelId);
            }

            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))
            {
                ModelId = options?.ModelId,
                Usage = new UsageDetails { InputTokenCount = 1000, OutputTokenCount = 100, TotalTokenCount = 1100 },
            });
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
            => throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
