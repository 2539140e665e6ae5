using AgentCost.Caching;
using AgentCost.Hosting;
using AgentCost.Interception;
using AgentCost.RateLimiting;
using AgentCost.Routing;
using AgentCost.Spending;
using AgentCost.Telemetry;
using AgentCost.Tokens;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using System.Diagnostics.Metrics;
using System.Text.Json;

namespace AgentCost;

/// <summary>
/// The AgentCost runtime: the components generated interceptors call. An application normally has one, registered by
/// <see cref="AgentCostServiceCollectionExtensions.AddAgentCost(IServiceCollection, Action{AgentCostOptions}?)"/>;
/// without dependency injection an in-memory runtime with default settings is used.
/// </summary>
public sealed class AgentCostRuntime : IDisposable
{
    private static readonly AsyncLocal<AgentCostRuntime?> s_ambient = new();
    private static readonly Lazy<AgentCostRuntime> s_fallback = new(() => Create());
    private static AgentCostRuntime? s_global;

    private readonly AgentCostMetrics _metrics;
    private readonly IDisposable? _ownedServices;
    private readonly Lazy<ModelRouter> _routing;
    private readonly Lazy<SemanticMethodCache> _semanticMethods;
    private IEmbeddingGenerator<string, Embedding<float>>? _embedder;
    private SemanticCacheOptions _semanticOptions = new();

    /// <summary>Creates a runtime from registered services.</summary>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="cache">The cache results are kept in.</param>
    /// <param name="meterFactory">The factory of the <c>AgentCost</c> meter; <see langword="null"/> creates a plain meter.</param>
    /// <param name="keySerializerOptions">
    /// How record and class arguments are serialised into cache keys; <see langword="null"/> uses reflection where the
    /// application allows it. Trimmed and native AOT applications pass options with their source-generated resolver.
    /// </param>
    /// <param name="ledger">Where settled model calls are recorded; <see langword="null"/> keeps them in memory (<see cref="InMemorySpendLedger"/>).</param>
    /// <param name="timeProvider">The clock of spend periods, ledger rows and tasks; <see langword="null"/> for the system clock.</param>
    /// <param name="loggerFactory">Where spend alerts and refusals are logged; <see langword="null"/> for none.</param>
    /// <param name="alertHandlers">Receivers of spend alerts, besides <see cref="SpendMonitor.ThresholdReached"/>.</param>
    /// <param name="budgetStore">
    /// Where the spend budgets' counters are kept; <see langword="null"/> keeps them in this process
    /// (<see cref="InMemorySpendBudgetStore"/>).
    /// </param>
    /// <param name="classifier">How <see cref="Routing"/> rates prompts; <see langword="null"/> for the heuristic classifier (settings <c>AgentCost:Routing:Heuristic</c>).</param>
    /// <param name="rateLimitStore">Where <see cref="Routing"/> keeps the deployments' rate-limit buckets; <see langword="null"/> keeps them in this process.</param>
    /// <exception cref="OptionsValidationException">The settings are invalid.</exception>
    public AgentCostRuntime(
        IOptions<AgentCostOptions> options,
        HybridCache cache,
        IMeterFactory? meterFactory = null,
        JsonSerializerOptions? keySerializerOptions = null,
        ISpendLedger? ledger = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        IEnumerable<ISpendAlertHandler>? alertHandlers = null,
        ISpendBudgetStore? budgetStore = null,
        IDifficultyClassifier? classifier = null,
        IRateLimitBucketStore? rateLimitStore = null)
        : this(options, cache, meterFactory, keySerializerOptions, ownedServices: null, ledger, timeProvider, loggerFactory, alertHandlers, budgetStore, classifier, rateLimitStore)
    {
    }

    private AgentCostRuntime(
        IOptions<AgentCostOptions> options,
        HybridCache cache,
        IMeterFactory? meterFactory,
        JsonSerializerOptions? keySerializerOptions,
        IDisposable? ownedServices,
        ISpendLedger? ledger,
        TimeProvider? timeProvider,
        ILoggerFactory? loggerFactory,
        IEnumerable<ISpendAlertHandler>? alertHandlers,
        ISpendBudgetStore? budgetStore,
        IDifficultyClassifier? classifier,
        IRateLimitBucketStore? rateLimitStore)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(cache);
        Options = options.Value;
        AgentCostOptionsValidator.ThrowIfInvalid(Options);
        _metrics = new AgentCostMetrics(meterFactory);
        _ownedServices = ownedServices;
        Spending = new SpendMonitor(
            Options,
            ledger ?? new InMemorySpendLedger(Options.Spending.InMemoryLedgerCapacity),
            budgetStore ?? new InMemorySpendBudgetStore(),
            timeProvider ?? TimeProvider.System,
            _metrics,
            loggerFactory?.CreateLogger<SpendMonitor>(),
            alertHandlers);
        Cache = new ResultCache(cache, Options.Cache, _metrics, keySerializerOptions, new CacheSavings(Spending));
        Tokenizers = new TokenizerRegistry(Options.Tokens);
        PromptCounts = new PromptCountCalibration(Options.Tokens);
        _metrics.ObserveCountRatio(PromptCounts.Measure);

        // Built on first use, as the container built it before it was the runtime's: an application that never
        // routes pays nothing for the classifier or the deployments' rate limiters.
        var routingClock = timeProvider ?? TimeProvider.System;
        _routing = new Lazy<ModelRouter>(() =>
        {
            var router = new ModelRouter(Options.Routing, classifier, Spending.Prices, routingClock, loggerFactory?.CreateLogger<ModelRouter>(), rateLimitStore);
            router.UseMetrics(_metrics);
            return router;
        });

        // Built on the first call of a [SemanticCached] method, with the embedder the container registered (if any).
        var serializerOptions = keySerializerOptions ?? KeySerialization.DefaultOptions;
        _semanticMethods = new Lazy<SemanticMethodCache>(() =>
        {
            var logger = (ILogger?)loggerFactory?.CreateLogger<SemanticMethodCache>() ?? NullLogger.Instance;
            var store = _embedder is { } embedder
                ? new SemanticCache(embedder, _semanticOptions, routingClock, _metrics, loggerFactory?.CreateLogger<SemanticCache>())
                : null;
            return new SemanticMethodCache(store, _semanticOptions, Cache, Spending, serializerOptions, logger);
        });
    }

    /// <summary>
    /// The runtime in effect for the current call: the one set by <see cref="Use"/> for this asynchronous flow,
    /// else <see cref="Global"/>, else an in-memory runtime with default settings.
    /// </summary>
    public static AgentCostRuntime Current => s_ambient.Value ?? s_global ?? s_fallback.Value;

    /// <summary>
    /// The application's runtime. Set when a host that called <c>AddAgentCost</c> starts, or by
    /// <see cref="AgentCostServiceProviderExtensions.UseAgentCost(IServiceProvider)"/>.
    /// </summary>
    public static AgentCostRuntime? Global
    {
        get => Volatile.Read(ref s_global);
        set => Volatile.Write(ref s_global, value);
    }

    /// <summary>Clears <see cref="Global"/> if it is still <paramref name="runtime"/>.</summary>
    internal static void ClearGlobal(AgentCostRuntime runtime) => Interlocked.CompareExchange(ref s_global, null, runtime);

    /// <summary>The settings this runtime runs with.</summary>
    public AgentCostOptions Options { get; }

    /// <summary>The result cache behind <see cref="CachedAttribute"/>.</summary>
    public ResultCache Cache { get; }

    /// <summary>The tokenizers budgets count with, chosen by model id (settings <c>AgentCost:Tokens</c>).</summary>
    public TokenizerRegistry Tokenizers { get; }

    /// <summary>
    /// How providers' reported input tokens compare with the local counts, per model, and the margin reserved on top of
    /// estimated counts (settings <c>AgentCost:Tokens:EstimateMargin</c> and <c>LearnEstimateMargin</c>).
    /// </summary>
    public PromptCountCalibration PromptCounts { get; }

    /// <summary>The spend monitor: prices, spend budgets, alerts, the ledger and reports (settings <c>AgentCost:Pricing</c> and <c>AgentCost:Spending</c>).</summary>
    public SpendMonitor Spending { get; }

    /// <summary>
    /// The model router of <c>UseAgentCostRouting()</c> (settings <c>AgentCost:Routing</c>): tiers, deployments, their rate
    /// limits and cooldowns. Built from this runtime's settings, prices, clock and meter on first use.
    /// </summary>
    public ModelRouter Routing => _routing.Value;

    /// <summary>
    /// The method layer of the semantic cache, behind <see cref="SemanticCachedAttribute"/>, with the embedder and
    /// settings given to <see cref="UseSemanticCache"/> (defaults and no embedder otherwise).
    /// </summary>
    internal SemanticMethodCache SemanticMethods => _semanticMethods.Value;

    /// <summary>
    /// Gives the runtime the embedder its semantic cache compares prompts with and its settings (validated at start-up);
    /// called by the container's factory, before the runtime is handed out. Without an embedder,
    /// <see cref="SemanticCachedAttribute"/> methods are cached exactly.
    /// </summary>
    internal void UseSemanticCache(IEmbeddingGenerator<string, Embedding<float>>? embedder, SemanticCacheOptions options)
    {
        _embedder = embedder;
        _semanticOptions = options;
    }

    /// <summary>The instruments of the <c>AgentCost</c> meter, for the chat client.</summary>
    internal AgentCostMetrics Metrics => _metrics;

    /// <summary>
    /// Creates a self-contained runtime with an in-process <see cref="HybridCache"/>.
    /// </summary>
    /// <param name="options">The settings; <see langword="null"/> for the defaults.</param>
    /// <param name="timeProvider">The clock for cache expiry and spend periods; <see langword="null"/> for the system clock.</param>
    /// <param name="meterFactory">The factory of the <c>AgentCost</c> meter; <see langword="null"/> creates a plain meter.</param>
    /// <param name="keySerializerOptions">How record and class arguments are serialised into cache keys; see the constructor.</param>
    /// <param name="ledger">Where settled model calls are recorded; <see langword="null"/> keeps them in memory.</param>
    /// <param name="budgetStore">Where the spend budgets' counters are kept; <see langword="null"/> keeps them in this process.</param>
    /// <exception cref="OptionsValidationException">The settings are invalid.</exception>
    public static AgentCostRuntime Create(
        AgentCostOptions? options = null,
        TimeProvider? timeProvider = null,
        IMeterFactory? meterFactory = null,
        JsonSerializerOptions? keySerializerOptions = null,
        ISpendLedger? ledger = null,
        ISpendBudgetStore? budgetStore = null)
    {
        options ??= new AgentCostOptions();
        AgentCostOptionsValidator.ThrowIfInvalid(options);
        var services = new ServiceCollection();
        if (timeProvider is not null)
        {
            services.AddSingleton(timeProvider);
            services.Configure<MemoryCacheOptions>(memory => memory.Clock = new TimeProviderClock(timeProvider));
        }

        services.AddHybridCache();
        var provider = services.BuildServiceProvider();
        return new AgentCostRuntime(
            Microsoft.Extensions.Options.Options.Create(options),
            provider.GetRequiredService<HybridCache>(),
            meterFactory,
            keySerializerOptions,
            provider,
            ledger,
            timeProvider,
            loggerFactory: null,
            alertHandlers: null,
            budgetStore,
            classifier: null,
            rateLimitStore: null);
    }

    /// <summary>
    /// Makes <paramref name="runtime"/> the <see cref="Current"/> runtime for this asynchronous flow until the
    /// returned scope is disposed. Useful in tests and for running several isolated runtimes in one process.
    /// </summary>
    /// <param name="runtime">The runtime to use.</param>
    /// <returns>A scope that restores the previous runtime when disposed.</returns>
    public static IDisposable Use(AgentCostRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var previous = s_ambient.Value;
        s_ambient.Value = runtime;
        return new AmbientScope(previous);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_routing.IsValueCreated)
        {
            _routing.Value.Dispose();
        }

        if (_semanticMethods.IsValueCreated)
        {
            _semanticMethods.Value.Dispose();
        }

        _metrics.Dispose();
        _ownedServices?.Dispose();
    }

    private sealed class AmbientScope(AgentCostRuntime? previous) : IDisposable
    {
        public void Dispose() => s_ambient.Value = previous;
    }

#pragma warning disable CS0618 // MemoryCache still takes its clock as ISystemClock.
    private sealed class TimeProviderClock(TimeProvider timeProvider) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => timeProvider.GetUtcNow();
    }
#pragma warning restore CS0618
}
