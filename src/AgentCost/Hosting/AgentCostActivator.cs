using Microsoft.Extensions.Hosting;

namespace AgentCost.Hosting;

/// <summary>Makes the host's runtime the global one while the host runs.</summary>
internal sealed class AgentCostActivator(AgentCostRuntime runtime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        AgentCostRuntime.Global = runtime;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        AgentCostRuntime.ClearGlobal(runtime);
        return Task.CompletedTask;
    }
}
