using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AgentCost.Hosting;

/// <summary>The <c>AgentCost</c> section passed to <c>AddAgentCost(configuration)</c>; without one, the registered <see cref="IConfiguration"/>'s is used.</summary>
internal sealed class AgentCostConfiguration(IConfiguration section)
{
    public IConfiguration Section { get; } = section;

    /// <summary>The section settings are bound from, or <see langword="null"/> when there is no configuration at all.</summary>
    public static IConfiguration? Resolve(IServiceProvider services)
        => services.GetService<AgentCostConfiguration>()?.Section
            ?? services.GetService<IConfiguration>()?.GetSection(AgentCostOptions.SectionName);

    /// <summary>The path the section's keys are reported under.</summary>
    public static string PathOf(IConfiguration section) => section is IConfigurationSection named ? named.Path : "(configuration root)";
}
