using System.Diagnostics.Metrics;
using AgentCost.Hosting;
using AgentCost.Spending;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers AgentCost with dependency injection.</summary>
public static class AgentCostServiceCollectionExtensions
{
    /// <summary>
    /// Registers the AgentCost runtime: settings bound from the <c>AgentCost</c> configuration section (when an
    /// <see cref="IConfiguration"/> is registered) and then from <paramref name="configure"/>, validated at start-up;
    /// a <see cref="HybridCache"/> for results (which uses a registered <c>IDistributedCache</c> as second level); the
    /// spend monitor with an in-memory <see cref="ISpendLedger"/> unless another is registered, a registered
    /// <see cref="TimeProvider"/> as its clock and the registered <see cref="ISpendAlertHandler"/>s;
    /// and a hosted service that makes the runtime <see cref="AgentCostRuntime.Global"/> when the host starts.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Changes to the settings after configuration is bound.</param>
    /// <returns>The options builder, for further configuration and validation.</returns>
    public static OptionsBuilder<AgentCostOptions> AddAgentCost(this IServiceCollection services, Action<AgentCostOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var options = services.AddOptions<AgentCostOptions>()
            .Configure<IServiceProvider>(static (options, provider) =>
                provider.GetService<IConfiguration>()?.GetSection(AgentCostOptions.SectionName).Bind(options));
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentCostOptions>, AgentCostOptionsValidator>());
        services.AddHybridCache();
        services.TryAddSingleton<ISpendLedger>(static provider => new InMemorySpendLedger(
            provider.GetRequiredService<IOptions<AgentCostOptions>>().Value.Spending.InMemoryLedgerCapacity));
        services.TryAddSingleton(static provider => new AgentCostRuntime(
            provider.GetRequiredService<IOptions<AgentCostOptions>>(),
            provider.GetRequiredService<HybridCache>(),
            provider.GetService<IMeterFactory>(),
            keySerializerOptions: null,
            provider.GetRequiredService<ISpendLedger>(),
            provider.GetService<TimeProvider>(),
            provider.GetService<ILoggerFactory>(),
            provider.GetServices<ISpendAlertHandler>()));
        // Model routing (AgentCost:Routing): the state UseAgentCostRouting() uses; a registered IDifficultyClassifier replaces the heuristic one.
        services.TryAddSingleton(static provider =>
        {
            var runtime = provider.GetRequiredService<AgentCostRuntime>();
            var router = new AgentCost.Routing.ModelRouter(
                provider.GetRequiredService<IOptions<AgentCostOptions>>().Value.Routing,
                provider.GetService<AgentCost.Routing.IDifficultyClassifier>(),
                runtime.Spending.Prices,
                provider.GetService<TimeProvider>(),
                provider.GetService<ILoggerFactory>()?.CreateLogger<AgentCost.Routing.ModelRouter>());
            router.UseMetrics(runtime.Metrics);
            return router;
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AgentCostActivator>());
        return options;
    }
}
