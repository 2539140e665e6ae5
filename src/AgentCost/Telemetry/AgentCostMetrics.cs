using System.Diagnostics.Metrics;

namespace AgentCost.Telemetry;

/// <summary>The instruments of the <c>AgentCost</c> meter.</summary>
internal sealed class AgentCostMetrics : IDisposable
{
    /// <summary>The name of the meter every AgentCost instrument belongs to.</summary>
    public const string MeterName = "AgentCost";

    private readonly Meter? _ownedMeter;

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

        CacheRequests = meter.CreateCounter<long>(
            "agentcost.cache.requests",
            unit: "{request}",
            description: "Calls to cached methods, tagged with result (hit or miss) and method.");

        // Modelled on OpenTelemetry's gen_ai.client.token.usage, with its advised buckets, but under AgentCost's own
        // name so that it never doubles the instrument Microsoft.Extensions.AI's UseOpenTelemetry() records.
        TokenUsage = meter.CreateHistogram(
            "agentcost.token.usage",
            unit: "{token}",
            description: "Tokens charged to budgets per model call, tagged with gen_ai.token.type (input or output), budget and model.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864] });
        BudgetExhausted = meter.CreateCounter<long>(
            "agentcost.budget.exhausted",
            unit: "{call}",
            description: "Model calls refused because they did not fit their token budget, tagged with the budget.");
    }

    /// <summary>
    /// <c>agentcost.token.usage</c>, tags <c>gen_ai.token.type</c> (<c>input</c>, <c>output</c>), <c>agentcost.budget</c>,
    /// <c>gen_ai.request.model</c> and <c>agentcost.estimated</c>.
    /// </summary>
    public Histogram<long> TokenUsage { get; }

    /// <summary><c>agentcost.budget.exhausted</c>, tag <c>agentcost.budget</c> (the budget that refused).</summary>
    public Counter<long> BudgetExhausted { get; }

    /// <summary><c>agentcost.cache.requests</c>, tags <c>result</c> (<c>hit</c>, <c>miss</c>) and <c>agentcost.method</c>.</summary>
    public Counter<long> CacheRequests { get; }

    public void Dispose() => _ownedMeter?.Dispose();
}
