using AgentCost.Caching;
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
}
