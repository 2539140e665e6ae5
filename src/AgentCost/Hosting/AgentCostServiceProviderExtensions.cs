using AgentCost;
using AgentCost.Hosting;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Activates AgentCost in applications that do not run a host.</summary>
public static class AgentCostServiceProviderExtensions
{
    /// <summary>
    /// Resolves the registered runtime (validating its settings) and makes it <see cref="AgentCostRuntime.Global"/>,
    /// so that generated interceptors use it. A host does this itself when it starts.
    /// </summary>
    /// <param name="services">The service provider built from a collection on which <c>AddAgentCost</c> was called.</param>
    /// <returns>The runtime.</returns>
    public static AgentCostRuntime UseAgentCost(this IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var runtime = services.GetRequiredService<AgentCostRuntime>();
        AgentCostRuntime.Global = runtime;
        return runtime;
    }

    /// <summary>
    /// The configuration section the AgentCost settings are read from: the one given to <c>AddAgentCost(configuration)</c>,
    /// else the <c>AgentCost</c> section of the registered <see cref="IConfiguration"/>. Extension packages read their
    /// sections below it (the SQLite ledger reads <c>Ledger:Sqlite</c>).
    /// </summary>
    /// <param name="services">The service provider.</param>
    /// <returns>The section, or <see langword="null"/> when there is no configuration.</returns>
    public static IConfiguration? GetAgentCostConfiguration(this IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return AgentCostConfiguration.Resolve(services);
    }
}
