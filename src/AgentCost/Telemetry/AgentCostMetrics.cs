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
    }

    /// <summary><c>agentcost.cache.requests</c>, tags <c>result</c> (<c>hit</c>, <c>miss</c>) and <c>agentcost.method</c>.</summary>
    public Counter<long> CacheRequests { get; }

    public void Dispose() => _ownedMeter?.Dispose();
}
