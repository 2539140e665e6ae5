using System.Diagnostics.Metrics;
using AgentCost;
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
    /// Registers the AgentCost runtime: settings bound from the <c>AgentCost</c> section of the registered
    /// <see cref="IConfiguration"/> (a host registers one; a console application without a host does not — call
    /// <see cref="AddAgentCost(IServiceCollection, IConfiguration, Action{AgentCostOptions}?)"/> there) and then from
    /// <paramref name="configure"/>, validated at start-up; a <see cref="HybridCache"/> for results (which uses a
    /// registered <c>IDistributedCache</c> as second level); the spend monitor with an in-memory
    /// <see cref="ISpendLedger"/> unless another is registered, a registered <see cref="ISpendBudgetStore"/> for its
    /// budgets' counters (in memory without one), a registered <see cref="TimeProvider"/> as its clock and the registered
    /// <see cref="ISpendAlertHandler"/>s; the runtime's <see cref="AgentCost.Routing.ModelRouter"/> (settings
    /// <c>AgentCost:Routing</c>; a registered <see cref="AgentCost.Routing.IDifficultyClassifier"/> replaces the heuristic
    /// one, and a registered <see cref="AgentCost.RateLimiting.IRateLimitBucketStore"/> keeps the deployments' rate
    /// limits, in memory without one); the semantic cache of <see cref="SemanticCachedAttribute"/> methods (settings
    /// <c>AgentCost:SemanticCache</c>, and <c>services.Configure&lt;SemanticCacheOptions&gt;</c> for its verifier and index),
    /// which embeds prompts with the registered
    /// <c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c> (without one, those methods are cached exactly and a
    /// warning is logged once); and a hosted service that makes the runtime
    /// <see cref="AgentCostRuntime.Global"/> when the host starts.
    /// </summary>
    /// <remarks>
    /// When no configuration was bound (no <see cref="IConfiguration"/> is registered, or it has no <c>AgentCost</c>
    /// section) a warning is logged when the runtime starts, as it is when spend budgets are kept on the in-memory
    /// ledger, which forgets the day's spend at every restart.
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Changes to the settings after configuration is bound.</param>
    /// <returns>The options builder, for further configuration and validation.</returns>
    public static OptionsBuilder<AgentCostOptions> AddAgentCost(this IServiceCollection services, Action<AgentCostOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddAgentCostCore(configure);
    }

    /// <summary>
    /// Registers the AgentCost runtime as <see cref="AddAgentCost(IServiceCollection, Action{AgentCostOptions}?)"/> does,
    /// with its settings bound from the <c>AgentCost</c> section of <paramref name="configuration"/> — for an application
    /// without a host, whose <c>appsettings.json</c> is not a registered service:
    /// <code>
    /// var configuration = new ConfigurationBuilder().AddJsonFile("appsettings.json").AddEnvironmentVariables().Build();
    /// services.AddAgentCost(configuration);
    /// </code>
    /// The same validation runs, including the check that every key under <c>AgentCost</c> is a setting.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The application's configuration; its <c>AgentCost</c> section is read.</param>
    /// <param name="configure">Changes to the settings after configuration is bound.</param>
    /// <returns>The options builder, for further configuration and validation.</returns>
    public static OptionsBuilder<AgentCostOptions> AddAgentCost(this IServiceCollection services, IConfiguration configuration, Action<AgentCostOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddAgentCost(configuration.GetSection(AgentCostOptions.SectionName), configure);
    }

    /// <summary>
    /// Registers the AgentCost runtime as <see cref="AddAgentCost(IServiceCollection, Action{AgentCostOptions}?)"/> does,
    /// with its settings bound from <paramref name="section"/> itself (for settings kept under another name, such as
    /// <c>configuration.GetSection("MyApp:AgentCost")</c>). Extensions such as the SQLite ledger read their sections
    /// below it.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The section that holds the AgentCost settings (<c>Cache</c>, <c>Spending</c>, ...).</param>
    /// <param name="configure">Changes to the settings after configuration is bound.</param>
    /// <returns>The options builder, for further configuration and validation.</returns>
    public static OptionsBuilder<AgentCostOptions> AddAgentCost(this IServiceCollection services, IConfigurationSection section, Action<AgentCostOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.RemoveAll<AgentCostConfiguration>();
        services.AddSingleton(new AgentCostConfiguration(section));
        return services.AddAgentCostCore(configure);
    }

    private static OptionsBuilder<AgentCostOptions> AddAgentCostCore(this IServiceCollection services, Action<AgentCostOptions>? configure)
    {
        var options = services.AddOptions<AgentCostOptions>()
            .Configure<IServiceProvider>(static (options, provider) =>
            {
                if (AgentCostConfiguration.Resolve(provider) is { } section)
                {
                    section.Bind(options);
                }
            });
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentCostOptions>, AgentCostOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentCostOptions>, AgentCostConfigurationValidator>());
        services.AddHybridCache();
        SemanticCacheRegistration.Register(services);
        services.TryAddSingleton<ISpendLedger>(static provider => new InMemorySpendLedger(
            provider.GetRequiredService<IOptions<AgentCostOptions>>().Value.Spending.InMemoryLedgerCapacity));
        services.TryAddSingleton(static provider =>
        {
            var ledger = provider.GetRequiredService<ISpendLedger>();
            var loggers = provider.GetService<ILoggerFactory>();
            var runtime = new AgentCostRuntime(
                provider.GetRequiredService<IOptions<AgentCostOptions>>(),
                provider.GetRequiredService<HybridCache>(),
                provider.GetService<IMeterFactory>(),
                keySerializerOptions: null,
                ledger,
                provider.GetService<TimeProvider>(),
                loggers,
                provider.GetServices<ISpendAlertHandler>(),
                provider.GetService<ISpendBudgetStore>(),
                provider.GetService<AgentCost.Routing.IDifficultyClassifier>(),
                provider.GetService<AgentCost.RateLimiting.IRateLimitBucketStore>());
            runtime.UseSemanticCache(
                provider.GetService<Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>>(),
                provider.GetRequiredService<IOptions<AgentCost.Caching.SemanticCacheOptions>>().Value);
            if (loggers is not null)
            {
                HostingLog.StartUpWarnings(loggers.CreateLogger<AgentCostRuntime>(), AgentCostConfiguration.Resolve(provider), ledger, runtime.Spending);
            }

            return runtime;
        });
        // Model routing (AgentCost:Routing) is the runtime's; registered on its own for UseAgentCostRouting() and applications.
        services.TryAddSingleton(static provider => provider.GetRequiredService<AgentCostRuntime>().Routing);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AgentCostActivator>());
        return options;
    }
}
