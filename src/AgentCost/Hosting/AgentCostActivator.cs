using Microsoft.Extensions.Hosting;

namespace AgentCost.Hosting;

/// <summary>Loads the spend budgets from the ledger and makes the host's runtime the global one while the host runs.</summary>
internal sealed class AgentCostActivator(AgentCostRuntime runtime) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Budgets continue from the ledger's spend of the current day and month before any call is made.
        await runtime.Spending.InitializeAsync(cancellationToken).ConfigureAwait(false);
        AgentCostRuntime.Global = runtime;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        AgentCostRuntime.ClearGlobal(runtime);
        return Task.CompletedTask;
    }
}
