using AgentCost.Routing;

namespace AgentCost.Tests.Routing;

internal static class RoutingTestSupport
{
    public static RoutingOptions Options(params (string Tier, string[] Models)[] tiers)
    {
        var options = new RoutingOptions();
        foreach (var (tier, models) in tiers)
        {
            options.Tiers[tier] = new ModelTierOptions { Deployments = [.. models.Select(m => new ModelDeploymentOptions { Model = m })] };
        }

        return options;
    }

    public static RoutingOptions Standard() => Options(
        ("simple", ["gpt-4o-mini"]),
        ("medium", ["gpt-4.1-mini"]),
        ("complex", ["gpt-4o", "gpt-4.1"]),
        ("reasoning", ["o3"]));
}
