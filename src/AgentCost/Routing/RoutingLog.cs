using System.Collections.Concurrent;
using AgentCost.Spending;
using Microsoft.Extensions.AI;

namespace AgentCost.Routing;

/// <summary>One attempt that did not answer.</summary>
/// <param name="Deployment">The deployment.</param>
/// <param name="Reason">Why: <c>cooling_down</c>, <c>rate_limited</c>, <c>http_429</c>, <c>http_5xx</c>, <c>timeout</c>, <c>network</c>.</param>
/// <param name="Detail">The error message or limit, without prompt text.</param>
public sealed record RoutingAttempt(string Deployment, string Reason, string? Detail);

/// <summary>One routed model call: the decision and every fallback.</summary>
/// <param name="At">When the call ended.</param>
/// <param name="Route">The route's name (the method).</param>
/// <param name="Decision">The route's tier decision.</param>
/// <param name="Tier">The tier of the deployment that answered, or <see langword="null"/> when none did.</param>
/// <param name="Deployment">The deployment that answered, or <see langword="null"/>.</param>
/// <param name="Model">The model that answered, or <see langword="null"/>.</param>
/// <param name="Fallbacks">The attempts that did not answer, in order.</param>
/// <param name="Usage">The usage the provider reported.</param>
public sealed record RoutingRecord(
    DateTimeOffset At, string Route, RouteDecision Decision, string? Tier, string? Deployment, string? Model, IReadOnlyList<RoutingAttempt> Fallbacks, UsageDetails? Usage);

/// <summary>Calls and cost of one tier and model in a <see cref="RoutingReport"/>.</summary>
/// <param name="Tier">The tier.</param>
/// <param name="Model">The model.</param>
/// <param name="Calls">Calls it answered.</param>
/// <param name="InputTokens">Input tokens reported.</param>
/// <param name="OutputTokens">Output tokens reported.</param>
/// <param name="Cost">What the calls cost at the model's catalogue price, in US dollars (0 when unpriced).</param>
/// <param name="CostAtStrongest">What the same usage would have cost on the strongest tier's first model.</param>
public sealed record RoutingReportLine(string Tier, string Model, int Calls, long InputTokens, long OutputTokens, decimal Cost, decimal CostAtStrongest);

/// <summary>What routing did: calls per tier and model, fallbacks, and the cost saved against always using the strongest tier.</summary>
/// <param name="StrongestModel">The model the savings are measured against: the strongest tier's first deployment.</param>
/// <param name="Lines">Calls per tier and model, weakest tier first.</param>
/// <param name="Fallbacks">Attempts that did not answer.</param>
/// <param name="FailedCalls">Routed calls no deployment answered.</param>
/// <param name="UnpricedCalls">Calls whose model (or the strongest model) has no price: left out of the costs.</param>
public sealed record RoutingReport(string? StrongestModel, IReadOnlyList<RoutingReportLine> Lines, int Fallbacks, int FailedCalls, int UnpricedCalls)
{
    /// <summary>What the routed calls cost.</summary>
    public decimal Cost => Lines.Sum(static l => l.Cost);

    /// <summary>What they would have cost on the strongest model.</summary>
    public decimal CostAtStrongest => Lines.Sum(static l => l.CostAtStrongest);

    /// <summary><see cref="CostAtStrongest"/> minus <see cref="Cost"/>.</summary>
    public decimal Saved => CostAtStrongest - Cost;
}

/// <summary>The recent routing decisions, in memory, bounded; and the report over them.</summary>
public sealed class RoutingLog
{
    private readonly ConcurrentQueue<RoutingRecord> _records = new();
    private readonly int _capacity;

    /// <summary>Creates a log.</summary>
    /// <param name="capacity">How many records it keeps.</param>
    public RoutingLog(int capacity = 1000)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _capacity = capacity;
    }

    /// <summary>The records kept, oldest first.</summary>
    public IReadOnlyList<RoutingRecord> Records => [.. _records];

    internal void Add(RoutingRecord record)
    {
        _records.Enqueue(record);
        while (_records.Count > _capacity && _records.TryDequeue(out _))
        {
        }
    }

    /// <summary>Summarises the kept records, priced from <paramref name="prices"/>.</summary>
    /// <param name="prices">The price catalogue.</param>
    /// <param name="strongestModel">The model savings are measured against.</param>
    /// <param name="tierOrder">Tier names weakest first, to order the lines.</param>
    /// <returns>The report.</returns>
    public RoutingReport CreateReport(PriceCatalog prices, string? strongestModel, IReadOnlyList<string> tierOrder)
    {
        ArgumentNullException.ThrowIfNull(prices);
        ArgumentNullException.ThrowIfNull(tierOrder);
        var lines = new Dictionary<(string Tier, string Model), RoutingReportLine>();
        int fallbacks = 0, failed = 0, unpriced = 0;
        foreach (var record in _records)
        {
            fallbacks += record.Fallbacks.Count;
            if (record.Tier is null || record.Model is null)
            {
                failed++;
                continue;
            }

            var usage = record.Usage ?? new UsageDetails();
            var cost = prices.Calculate(record.Model, usage)?.Total;
            var atStrongest = strongestModel is null ? null : prices.Calculate(strongestModel, usage)?.Total;
            if (cost is null || atStrongest is null)
            {
                unpriced++;
            }

            var key = (record.Tier, record.Model);
            lines.TryGetValue(key, out var line);
            line ??= new RoutingReportLine(record.Tier, record.Model, 0, 0, 0, 0, 0);
            lines[key] = line with
            {
                Calls = line.Calls + 1,
                InputTokens = line.InputTokens + (usage.InputTokenCount ?? 0),
                OutputTokens = line.OutputTokens + (usage.OutputTokenCount ?? 0),
                Cost = line.Cost + (cost is not null && atStrongest is not null ? cost.Value : 0),
                CostAtStrongest = line.CostAtStrongest + (cost is not null && atStrongest is not null ? atStrongest.Value : 0),
            };
        }

        var ordered = lines.Values
            .OrderBy(l => IndexOf(tierOrder, l.Tier))
            .ThenBy(static l => l.Model, StringComparer.Ordinal)
            .ToList();
        return new RoutingReport(strongestModel, ordered, fallbacks, failed, unpriced);
    }

    private static int IndexOf(IReadOnlyList<string> tiers, string tier)
    {
        for (var i = 0; i < tiers.Count; i++)
        {
            if (string.Equals(tiers[i], tier, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return int.MaxValue;
    }
}
