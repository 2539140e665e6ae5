using AgentCost.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentCost.Hosting;

/// <summary>
/// The start-up checks that need the configuration and the registered services: keys no setting reads, and routing
/// deployments whose keyed client is not registered. Each failure names its configuration key.
/// </summary>
internal sealed class AgentCostConfigurationValidator(IServiceProvider services) : IValidateOptions<AgentCostOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentCostOptions options)
    {
        var failures = new List<string>();
        if (AgentCostConfiguration.Resolve(services) is { } section)
        {
            ConfigurationKeyCheck.Check(section, services.GetServices<AgentCostSectionRegistration>(), failures);
        }

        CheckClientKeys(options.Routing, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // A missing keyed client would otherwise fail only on the first call routed to it.
    private void CheckClientKeys(RoutingOptions? routing, List<string> failures)
    {
        var keyed = services.GetService<IServiceProviderIsKeyedService>();
        foreach (var (tier, options) in routing?.Tiers ?? [])
        {
            for (var i = 0; i < (options?.Deployments?.Count ?? 0); i++)
            {
                if (options!.Deployments[i]?.ClientKey is { } key && !string.IsNullOrWhiteSpace(key)
                    && !(keyed?.IsKeyedService(typeof(IChatClient), key) ?? services.GetKeyedService<IChatClient>(key) is not null))
                {
                    failures.Add($"AgentCost:Routing:Tiers:{tier}:Deployments:{i}:ClientKey '{key}' names a keyed IChatClient that is not registered: register it with services.AddKeyedChatClient(\"{key}\", ...), or remove the ClientKey to use the pipeline's own client.");
                }
            }
        }
    }
}
