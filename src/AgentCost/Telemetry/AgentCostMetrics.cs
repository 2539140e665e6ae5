using System.Diagnostics.Metrics;

namespace AgentCost.Telemetry;

/// <summary>The instruments of the <c>AgentCost</c> meter.</summary>
internal sealed class AgentCostMetrics : IDisposable
{
    /// <summary>The name of the meter every AgentCost instrument belongs to.</summary>
    public const string MeterName = "AgentCost";

    private readonly Meter? _ownedMeter;
    private readonly Meter _meter;

    public AgentCostMetrics(IMeterFactory? meterFactory)
    {
        Meter meter;
        if (meterFactory is null)
        {
            meter = _ownedMeter = new Meter(MeterName);
        }
        else
        {
            meter = meterFactory.Create(new MeterOptions(MeterName));
        }

        _meter = meter;

        CacheRequests = meter.CreateCounter<long>(
            "agentcost.cache.requests",
            unit: "{request}",
            description: "Cache lookups, tagged with kind (exact for [Cached], semantic for the semantic cache), result (hit, miss, or rejected when the semantic cache's guard refused every candidate) and method.");
        CacheSimilarity = meter.CreateHistogram<double>(
            "agentcost.cache.similarity",
            unit: "1",
            description: "The cosine similarity of the nearest cached prompt at each semantic cache lookup that found one, tagged with kind.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.92, 0.94, 0.96, 0.97, 0.98, 0.99, 1] });

        // Modelled on OpenTelemetry's gen_ai.client.token.usage, with its advised buckets, but under AgentCost's own
        // name so that it never doubles the instrument Microsoft.Extensions.AI's UseOpenTelemetry() records.
        TokenUsage = meter.CreateHistogram(
            "agentcost.token.usage",
            unit: "{token}",
            description: "Tokens of each model call, tagged with gen_ai.token.type (input or output), gen_ai.operation.name, gen_ai.request.model, gen_ai.response.model, gen_ai.provider.name and the token budget.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864] });
        BudgetExhausted = meter.CreateCounter<long>(
            "agentcost.budget.exhausted",
            unit: "{call}",
            description: "Model calls refused because they did not fit their token budget, tagged with the budget.");
        Cost = meter.CreateCounter<double>(
            "agentcost.cost",
            unit: "USD",
            description: "What model calls cost, in US dollars at the configured prices, tagged with gen_ai.request.model, agentcost.method and agentcost.tenant.");
        CallsRefused = meter.CreateCounter<long>(
            "agentcost.calls.refused",
            unit: "{call}",
            description: "Model calls refused before they were sent, tagged with reason (spend_limit, unpriced_model, token_budget).");
        CallsUnpriced = meter.CreateCounter<long>(
            "agentcost.calls.unpriced",
            unit: "{call}",
            description: "Model calls to models without a price, recorded without a cost, tagged with gen_ai.request.model.");
        SpendAlerts = meter.CreateCounter<long>(
            "agentcost.spend.alerts",
            unit: "{alert}",
            description: "Spend budget alert thresholds reached, tagged with agentcost.budget and agentcost.threshold.");
        RoutedCalls = meter.CreateCounter<long>(
            "agentcost.routing.calls",
            unit: "{call}",
            description: "Routed model calls, tagged with agentcost.tier, gen_ai.request.model (empty when no deployment answered) and agentcost.fallbacks (0, 1, 2+).");
        RoutingFallbacks = meter.CreateCounter<long>(
            "agentcost.routing.fallbacks",
            unit: "{attempt}",
            description: "Deployment attempts that did not answer, tagged with agentcost.deployment and reason (http_429, http_5xx, timeout, network, rate_limited, cooling_down).");
        CacheSavings = meter.CreateCounter<double>(
            "agentcost.cache.savings",
            unit: "USD",
            description: "What cache hits saved: the model spend of the miss that produced each entry, tagged with kind (exact for [Cached], semantic for the semantic cache) and agentcost.method.");
    }

    /// <summary>
    /// <c>agentcost.token.usage</c>, tags <c>gen_ai.token.type</c> (<c>input</c>, <c>output</c>), <c>gen_ai.operation.name</c>,
    /// <c>gen_ai.request.model</c>, <c>gen_ai.response.model</c>, <c>gen_ai.provider.name</c>, <c>agentcost.budget</c> (inside a
    /// token budget) and <c>agentcost.estimated</c>.
    /// </summary>
    public Histogram<long> TokenUsage { get; }

    /// <summary><c>agentcost.budget.exhausted</c>, tag <c>agentcost.budget</c> (the budget that refused).</summary>
    public Counter<long> BudgetExhausted { get; }

    /// <summary>
    /// <c>agentcost.cache.requests</c>, tags <c>kind</c> (<c>exact</c>, <c>semantic</c>), <c>result</c> (<c>hit</c>,
    /// <c>miss</c>, <c>rejected</c>) and <c>agentcost.method</c>.
    /// </summary>
    public Counter<long> CacheRequests { get; }

    /// <summary><c>agentcost.cache.similarity</c>, the best candidate's similarity per semantic lookup, tag <c>kind</c>.</summary>
    public Histogram<double> CacheSimilarity { get; }

    /// <summary><c>agentcost.cost</c> (USD), tags <c>gen_ai.request.model</c>, <c>agentcost.method</c>, <c>agentcost.tenant</c>.</summary>
    public Counter<double> Cost { get; }

    /// <summary><c>agentcost.calls.refused</c>, tag <c>reason</c> (<c>spend_limit</c>, <c>unpriced_model</c>, <c>token_budget</c>).</summary>
    public Counter<long> CallsRefused { get; }

    /// <summary><c>agentcost.calls.unpriced</c>, tag <c>gen_ai.request.model</c>.</summary>
    public Counter<long> CallsUnpriced { get; }

    /// <summary><c>agentcost.spend.alerts</c>, tags <c>agentcost.budget</c> and <c>agentcost.threshold</c>.</summary>
    public Counter<long> SpendAlerts { get; }

    /// <summary><c>agentcost.cache.savings</c> (USD), tags <c>kind</c> (<c>exact</c>, <c>semantic</c>) and <c>agentcost.method</c>.</summary>
    public Counter<double> CacheSavings { get; }

    /// <summary>
    /// Creates <c>agentcost.budget.utilization</c>: an observable gauge of each spend budget's spent fraction in its
    /// current period, tags <c>agentcost.budget</c>, <c>agentcost.budget.scope</c> and <c>agentcost.budget.period</c>.
    /// </summary>
    public void ObserveBudgetUtilization(Func<IEnumerable<Measurement<double>>> observe)
        => _meter.CreateObservableGauge(
            "agentcost.budget.utilization",
            observe,
            unit: "1",
            description: "Spent fraction of each spend budget's limit in its current period.");

    /// <summary>
    /// Creates <c>agentcost.tokens.count_ratio</c>: an observable gauge of the input tokens providers report divided by the
    /// local count, per model (<see cref="Tokens.PromptCountCalibration"/>), tags <c>gen_ai.request.model</c> and
    /// <c>agentcost.estimated</c>.
    /// </summary>
    public void ObserveCountRatio(Func<IEnumerable<Measurement<double>>> observe)
        => _meter.CreateObservableGauge(
            "agentcost.tokens.count_ratio",
            observe,
            unit: "1",
            description: "Input tokens reported by the provider divided by the local prompt count, learned per model.");

    /// <summary><c>agentcost.routing.calls</c>, tags <c>agentcost.tier</c>, <c>gen_ai.request.model</c>, <c>agentcost.fallbacks</c>.</summary>
    public Counter<long> RoutedCalls { get; }

    /// <summary><c>agentcost.routing.fallbacks</c>, tags <c>agentcost.deployment</c> and <c>reason</c>.</summary>
    public Counter<long> RoutingFallbacks { get; }

    public void Dispose() => _ownedMeter?.Dispose();
}
