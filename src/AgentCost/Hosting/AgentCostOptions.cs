using AgentCost.Caching;
using AgentCost.Routing;
using AgentCost.Spending;
using AgentCost.Tokens;

namespace AgentCost.Hosting;

/// <summary>All AgentCost settings; bound from the configuration section <c>AgentCost</c>.</summary>
public sealed class AgentCostOptions
{
    /// <summary>The configuration section the settings are read from.</summary>
    public const string SectionName = "AgentCost";

    /// <summary>The result cache behind <see cref="CachedAttribute"/>; section <c>AgentCost:Cache</c>.</summary>
    public ResultCacheOptions Cache { get; set; } = new();

    /// <summary>Token counting for budgets: the fallback encoding and model-id prefixes; section <c>AgentCost:Tokens</c>.</summary>
    public TokenOptions Tokens { get; set; } = new();

    /// <summary>Model prices: the built-in catalogue, overrides, aliases and unpriced models; section <c>AgentCost:Pricing</c>.</summary>
    public PricingOptions Pricing { get; set; } = new();

    /// <summary>The spend monitor: budgets per day and month, time zone, alerts; section <c>AgentCost:Spending</c>.</summary>
    public SpendingOptions Spending { get; set; } = new();

    /// <summary>Model routing and per-deployment rate limits: tiers, deployments, fallbacks; section <c>AgentCost:Routing</c>.</summary>
    public RoutingOptions Routing { get; set; } = new();
}
