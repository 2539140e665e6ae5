using AgentCost.Hosting;

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
}
