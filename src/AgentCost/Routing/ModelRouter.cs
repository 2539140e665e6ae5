using AgentCost.RateLimiting;
using AgentCost.Spending;
using AgentCost.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentCost.Routing;

/// <summary>
/// The routing state shared by every routing chat client: tiers and deployments (weakest first), their rate limiters
/// and cooldowns, the classifier, and the routing log. One per runtime (<c>AgentCostRuntime.Routing</c>, which
/// <c>AddAgentCost()</c> registers).
/// </summary>
public sealed partial class ModelRouter : IDisposable
{
    /// <summary>Ranks of the well-known tier names when configuration gives none.</summary>
    public static IReadOnlyDictionary<string, int> WellKnownTierRanks { get; } = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)
    {
        ["simple"] = 0,
        ["medium"] = 1,
        ["complex"] = 2,
        ["reasoning"] = 3,
    };

    private readonly ModelDeployment[][] _deployments;
    private readonly ILogger _logger;
    private AgentCostMetrics? _metrics;

    /// <summary>Creates the router.</summary>
    /// <param name="options">The routing settings (validated by <c>AddAgentCost()</c>; checked again here).</param>
    /// <param name="classifier">The classifier; <see langword="null"/> for the heuristic one with <see cref="RoutingOptions.Heuristic"/>.</param>
    /// <param name="prices">Prices for the report; <see langword="null"/> for the built-in catalogue.</param>
    /// <param name="timeProvider">The clock of cooldowns and rate limits; <see langword="null"/> for the system clock.</param>
    /// <param name="logger">Where decisions and fallbacks are logged.</param>
    /// <param name="bucketStore">Where the deployments' rate-limit buckets are kept; <see langword="null"/> for this process.</param>
    public ModelRouter(
        RoutingOptions options,
        IDifficultyClassifier? classifier = null,
        PriceCatalog? prices = null,
        TimeProvider? timeProvider = null,
        ILogger? logger = null,
        IRateLimitBucketStore? bucketStore = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        RoutingValidation.Validate(options, failures);
        if (failures.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", failures), nameof(options));
        }

        Options = options;
        TimeProvider = timeProvider ?? TimeProvider.System;
        Classifier = classifier ?? new HeuristicDifficultyClassifier(options.Heuristic);
        Prices = prices ?? PriceCatalog.BuiltIn;
        Log = new RoutingLog(options.LogCapacity);
        _logger = logger ?? NullLogger.Instance;
        var tiers = options.Tiers
            .Select(static pair => (Name: pair.Key, Rank: RoutingValidation.RankOf(pair.Key, pair.Value)!.Value, pair.Value))
            .OrderBy(static t => t.Rank)
            .ToArray();
        Tiers = [.. tiers.Select(static t => t.Name)];
        _deployments = new ModelDeployment[tiers.Length][];
        for (var t = 0; t < tiers.Length; t++)
        {
            var list = tiers[t].Value.Deployments;
            _deployments[t] = new ModelDeployment[list.Count];
            for (var d = 0; d < list.Count; d++)
            {
                var deployment = list[d];
                var name = $"{tiers[t].Name}/{deployment.ClientKey ?? deployment.Model}";
                var limiter = deployment.RequestsPerMinute is null && deployment.TokensPerMinute is null
                    ? null
                    : new DeploymentRateLimiter(name, deployment.RequestsPerMinute, deployment.TokensPerMinute, options.RateLimitQueueLimit, options.RateLimitWaitTimeout, TimeProvider, bucketStore);
                _deployments[t][d] = new ModelDeployment(tiers[t].Name, t, d, deployment, limiter);
            }
        }
    }

    /// <summary>The settings.</summary>
    public RoutingOptions Options { get; }

    /// <summary>The tier names, weakest first.</summary>
    public IReadOnlyList<string> Tiers { get; }

    /// <summary>The classifier of routes without a fixed tier.</summary>
    public IDifficultyClassifier Classifier { get; }

    /// <summary>The clock.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The price catalogue of the report.</summary>
    public PriceCatalog Prices { get; }

    /// <summary>The recent routing decisions.</summary>
    public RoutingLog Log { get; }

    /// <summary>The deployments of a tier, in order.</summary>
    /// <param name="tier">The tier name.</param>
    public IReadOnlyList<ModelDeployment> GetDeployments(string tier) => _deployments[IndexOf(tier)];

    /// <summary>Calls per tier and model, and the cost saved against always using the strongest tier's first model.</summary>
    public RoutingReport GetReport()
    {
        var strongest = _deployments.LastOrDefault(static d => d.Length > 0)?[0].Model;
        return Log.CreateReport(Prices, strongest, Tiers);
    }

    /// <summary>Decides the tier of <paramref name="route"/>: fixed, else classified and clamped, else the default.</summary>
    /// <param name="route">The route.</param>
    /// <param name="fallbackPrompt">The text to classify when the route has no prompt (the call's user messages).</param>
    /// <param name="cancellationToken">Cancels the classification.</param>
    /// <returns>The decision.</returns>
    public async Task<RouteDecision> DecideAsync(ModelRoute route, string? fallbackPrompt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(route);
        var policy = route.Policy;
        RouteDecision decision;
        if (policy.Tier is not null)
        {
            decision = new RouteDecision(Tiers[IndexOf(policy.Tier)], route.IsOverride ? "override" : "fixed");
        }
        else if ((route.Prompt ?? fallbackPrompt) is { Length: > 0 } prompt)
        {
            var assessment = await Classifier.ClassifyAsync(prompt, Tiers, cancellationToken).ConfigureAwait(false);
            var index = Math.Clamp(assessment.TierIndex, 0, Tiers.Count - 1);
            var clamped = Math.Clamp(
                index,
                policy.MinTier is null ? 0 : IndexOf(policy.MinTier),
                policy.MaxTier is null ? Tiers.Count - 1 : IndexOf(policy.MaxTier));
            decision = new RouteDecision(Tiers[clamped], "classified", assessment.Score, Tiers[index]);
        }
        else
        {
            decision = new RouteDecision(Options.DefaultTier is null ? Tiers[0] : Tiers[IndexOf(Options.DefaultTier)], "default");
        }

        Log_Decided(_logger, route.Name, decision.Tier, decision.Reason, decision.Score);
        return decision;
    }

    /// <summary>The deployments to try for <paramref name="tier"/>: its own in order, then (when allowed) each stronger tier's.</summary>
    /// <param name="tier">The decided tier.</param>
    public IEnumerable<ModelDeployment> Candidates(string tier)
    {
        var start = IndexOf(tier);
        var end = Options.EscalateOnFailure ? _deployments.Length : start + 1;
        for (var t = start; t < end; t++)
        {
            foreach (var deployment in _deployments[t])
            {
                yield return deployment;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var deployment in _deployments.SelectMany(static d => d))
        {
            deployment.RateLimiter?.Dispose();
        }
    }

    internal void CoolDown(ModelDeployment deployment, TimeSpan? retryAfter, string reason)
    {
        var pause = retryAfter is { } after && after > TimeSpan.Zero
            ? (after > Options.MaxRetryAfter ? Options.MaxRetryAfter : after)
            : Options.Cooldown;
        deployment.CoolDownUntil(TimeProvider.GetUtcNow() + pause);
        Log_CoolingDown(_logger, deployment.Name, reason, pause);
    }

    /// <summary>Records routing metrics on the runtime's meter (set by <c>AddAgentCost()</c>).</summary>
    internal void UseMetrics(AgentCostMetrics metrics) => _metrics = metrics;

    internal void Record(RoutingRecord record)
    {
        Log.Add(record);
        if (_metrics is { } metrics)
        {
            metrics.RoutedCalls.Add(
                1,
                new KeyValuePair<string, object?>("agentcost.tier", record.Decision.Tier),
                new KeyValuePair<string, object?>("gen_ai.request.model", record.Model ?? ""),
                new KeyValuePair<string, object?>("agentcost.fallbacks", record.Fallbacks.Count switch { 0 => "0", 1 => "1", _ => "2+" }));
            foreach (var fallback in record.Fallbacks)
            {
                metrics.RoutingFallbacks.Add(
                    1,
                    new KeyValuePair<string, object?>("agentcost.deployment", fallback.Deployment),
                    new KeyValuePair<string, object?>("reason", fallback.Reason));
            }
        }

        if (record.Deployment is null)
        {
            Log_Failed(_logger, record.Route, record.Decision.Tier, record.Fallbacks.Count);
        }
        else if (record.Fallbacks.Count > 0)
        {
            Log_FellBack(_logger, record.Route, record.Decision.Tier, record.Deployment, record.Fallbacks.Count);
        }
    }

    private int IndexOf(string tier)
    {
        for (var i = 0; i < Tiers.Count; i++)
        {
            if (string.Equals(Tiers[i], tier, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        throw new ArgumentException($"The routing tier '{tier}' is not configured (AgentCost:Routing:Tiers has {string.Join(", ", Tiers)}).", nameof(tier));
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "Route {Route} decided tier {Tier} ({Reason}, score {Score}).")]
    private static partial void Log_Decided(ILogger logger, string route, string tier, string reason, double? score);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Deployment {Deployment} failed ({Reason}); it is skipped for {Pause}.")]
    private static partial void Log_CoolingDown(ILogger logger, string deployment, string reason, TimeSpan pause);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Route {Route} (tier {Tier}) was answered by {Deployment} after {Fallbacks} fallback(s).")]
    private static partial void Log_FellBack(ILogger logger, string route, string tier, string deployment, int fallbacks);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Route {Route} (tier {Tier}): no deployment answered after {Attempts} attempt(s).")]
    private static partial void Log_Failed(ILogger logger, string route, string tier, int attempts);
}
