using AgentCost.Hosting;
using AgentCost.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace AgentCost.Tests.Routing;

/// <summary>The model router belongs to the runtime: built from its settings and prices, reached through it with or without a container.</summary>
public class RuntimeRouterTests
{
    [Fact]
    public void The_router_is_the_runtimes_and_the_container_hands_out_the_same_one()
    {
        var classifier = new FixedClassifier();
        var services = new ServiceCollection();
        services.AddSingleton(HostingTests.Configuration(("AgentCost:Routing:Tiers:simple:Deployments:0:Model", "gpt-4o-mini")));
        services.AddSingleton<IDifficultyClassifier>(classifier);
        services.AddAgentCost();
        using var provider = services.BuildServiceProvider();

        var runtime = provider.GetRequiredService<AgentCostRuntime>();
        Assert.Same(runtime.Routing, provider.GetRequiredService<ModelRouter>());
        Assert.Same(runtime.Routing, runtime.Routing);
        Assert.Same(classifier, runtime.Routing.Classifier);
        Assert.Same(runtime.Spending.Prices, runtime.Routing.Prices);
        Assert.Equal(["simple"], runtime.Routing.Tiers);

        using var standalone = AgentCostRuntime.Create();
        Assert.IsType<HeuristicDifficultyClassifier>(standalone.Routing.Classifier);
        Assert.NotSame(runtime.Routing, standalone.Routing);
    }

    [Fact]
    public void Without_a_container_the_routing_layer_uses_the_router_of_the_current_runtime()
    {
        var options = new AgentCostOptions();
        options.Routing.Tiers["simple"] = new() { Deployments = { new() { Model = "gpt-4o-mini" } } };
        using var runtime = AgentCostRuntime.Create(options);
        using var scope = AgentCostRuntime.Use(runtime);

        using var client = new ChatClientBuilder(new RoutingOptionsTests.RecordingClient([])).UseFunctionInvocation().UseAgentCostRouting().UseAgentCost().Build();

        Assert.Same(runtime.Routing, client.GetService<ModelRouter>());
        Assert.Equal(["simple"], runtime.Routing.Tiers);
    }

    private sealed class FixedClassifier : IDifficultyClassifier
    {
        public ValueTask<DifficultyAssessment> ClassifyAsync(string prompt, IReadOnlyList<string> tiers, CancellationToken cancellationToken = default)
            => throw new NotSupportedException("Not called: the test only checks which classifier the router got.");
    }
}
