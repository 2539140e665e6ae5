namespace AgentCost.Spending;

/// <summary>One line of a spend report: the calls of one model, method, tenant or day (or a pair of them).</summary>
/// <param name="Model">The model, when the breakdown is by model.</param>
/// <param name="Method">The agent method, when the breakdown is by method (<see langword="null"/> also for calls made outside any).</param>
/// <param name="Tenant">The tenant, when the breakdown is by tenant.</param>
/// <param name="Day">The spend day, when the breakdown is by day.</param>
/// <param name="Calls">Model calls.</param>
/// <param name="Cost">Their cost, in US dollars.</param>
/// <param name="Tokens">Their tokens by kind.</param>
/// <param name="UnpricedCalls">Of <paramref name="Calls"/>, those to models without a price.</param>
public sealed record SpendLine(string? Model, string? Method, string? Tenant, DateOnly? Day, long Calls, decimal Cost, SpendTokens Tokens, long UnpricedCalls);

/// <summary>What the tasks of one name cost, and how many delivered.</summary>
/// <param name="Name">The tasks' name.</param>
/// <param name="Tasks">Tasks that ended.</param>
/// <param name="Succeeded">Of them, those that succeeded.</param>
/// <param name="Cost">What all of them cost, in US dollars.</param>
/// <param name="FailedCost">What the failed ones cost, in US dollars.</param>
public sealed record TaskSpend(string Name, long Tasks, long Succeeded, decimal Cost, decimal FailedCost)
{
    /// <summary>Tasks that failed.</summary>
    public long Failed => Tasks - Succeeded;

    /// <summary>
    /// What one successful task cost, failed attempts included: <see cref="Cost"/> / <see cref="Succeeded"/>;
    /// <see langword="null"/> when none succeeded.
    /// </summary>
    public decimal? CostPerSuccessfulTask => Succeeded == 0 ? null : Cost / Succeeded;
}

/// <summary>What was spent over a time range, from the ledger.</summary>
public sealed class SpendReport
{
    internal SpendReport(DateTimeOffset from, DateTimeOffset to)
    {
        From = from;
        To = to;
    }

    /// <summary>The start of the range, inclusive.</summary>
    public DateTimeOffset From { get; }

    /// <summary>The end of the range, exclusive.</summary>
    public DateTimeOffset To { get; }

    /// <summary>What all model calls cost, in US dollars.</summary>
    public decimal TotalCost { get; internal set; }

    /// <summary>Model calls.</summary>
    public long Calls { get; internal set; }

    /// <summary>Calls to models without a price: their cost is unknown and not in <see cref="TotalCost"/>.</summary>
    public long UnpricedCalls { get; internal set; }

    /// <summary>Calls whose tokens are a local count because the provider reported none.</summary>
    public long EstimatedCalls { get; internal set; }

    /// <summary>All tokens, by kind.</summary>
    public SpendTokens Tokens { get; internal set; }

    /// <summary>What the provider's prompt cache saved: cached input at the full input price, less what it cost.</summary>
    public decimal PromptCacheSavings { get; internal set; }

    /// <summary>
    /// What <c>[Cached]</c> hits saved: for each hit, what the model calls of the miss that produced the entry cost.
    /// </summary>
    public decimal ResultCacheSavings { get; internal set; }

    /// <summary><c>[Cached]</c> hits that saved model calls.</summary>
    public long CacheHits { get; internal set; }

    /// <summary>
    /// What semantic cache hits saved: for each hit, what the model call that made the served entry cost. Kept apart
    /// from <see cref="ResultCacheSavings"/>, since a semantic hit answers a question that was only close to the cached one.
    /// </summary>
    public decimal SemanticCacheSavings { get; internal set; }

    /// <summary>Semantic cache hits that replaced model calls.</summary>
    public long SemanticCacheHits { get; internal set; }

    /// <summary>By model, dearest first.</summary>
    public IReadOnlyList<SpendLine> ByModel { get; internal set; } = [];

    /// <summary>By agent method, dearest first; <see cref="SpendLine.Method"/> is <see langword="null"/> for calls made outside any.</summary>
    public IReadOnlyList<SpendLine> ByMethod { get; internal set; } = [];

    /// <summary>By model and method together, dearest first.</summary>
    public IReadOnlyList<SpendLine> ByModelAndMethod { get; internal set; } = [];

    /// <summary>By tenant, dearest first.</summary>
    public IReadOnlyList<SpendLine> ByTenant { get; internal set; } = [];

    /// <summary>By spend day (in the configured time zone and reset hour), in date order.</summary>
    public IReadOnlyList<SpendLine> ByDay { get; internal set; } = [];

    /// <summary>Tasks by name, dearest first.</summary>
    public IReadOnlyList<TaskSpend> Tasks { get; internal set; } = [];

    internal static SpendReport Build(DateTimeOffset from, DateTimeOffset to, List<SpendRecord> records, List<TaskRecord> tasks, SpendCalendar calendar)
    {
        var report = new SpendReport(from, to);
        var calls = records.Where(static r => r.Kind == SpendRecordKind.ModelCall).ToList();
        var hits = records.Where(static r => r.Kind == SpendRecordKind.CacheHit).ToList();
        report.Calls = calls.Count;
        report.TotalCost = calls.Sum(static r => r.Cost);
        report.UnpricedCalls = calls.Count(static r => r.IsUnpriced);
        report.EstimatedCalls = calls.Count(static r => r.IsEstimated);
        report.Tokens = calls.Aggregate(default(SpendTokens), static (sum, r) => sum + r.Tokens);
        report.PromptCacheSavings = calls.Sum(static r => r.Saved);
        report.ResultCacheSavings = hits.Sum(static r => r.Saved);
        report.CacheHits = hits.Count;
        var semanticHits = records.Where(static r => r.Kind == SpendRecordKind.SemanticCacheHit).ToList();
        report.SemanticCacheSavings = semanticHits.Sum(static r => r.Saved);
        report.SemanticCacheHits = semanticHits.Count;
        report.ByModel = Lines(calls, static r => (r.Model, null, null, null));
        report.ByMethod = Lines(calls, static r => (null, r.Method, null, null));
        report.ByModelAndMethod = Lines(calls, static r => (r.Model, r.Method, null, null));
        report.ByTenant = Lines(calls, static r => (null, null, r.Tenant, null));
        report.ByDay = [.. Lines(calls, r => (null, null, null, calendar.DayOf(r.Timestamp))).OrderBy(static l => l.Day)];
        report.Tasks = tasks
            .GroupBy(static t => t.Name, StringComparer.Ordinal)
            .Select(static g => new TaskSpend(g.Key, g.LongCount(), g.LongCount(static t => t.Succeeded), g.Sum(static t => t.Cost), g.Where(static t => !t.Succeeded).Sum(static t => t.Cost)))
            .OrderByDescending(static t => t.Cost)
            .ThenBy(static t => t.Name, StringComparer.Ordinal)
            .ToList();
        return report;
    }

    private static List<SpendLine> Lines(List<SpendRecord> calls, Func<SpendRecord, (string? Model, string? Method, string? Tenant, DateOnly? Day)> key)
        => calls
            .GroupBy(key)
            .Select(static g => new SpendLine(
                g.Key.Model,
                g.Key.Method,
                g.Key.Tenant,
                g.Key.Day,
                g.LongCount(),
                g.Sum(static r => r.Cost),
                g.Aggregate(default(SpendTokens), static (sum, r) => sum + r.Tokens),
                g.LongCount(static r => r.IsUnpriced)))
            .OrderByDescending(static l => l.Cost)
            .ThenBy(static l => l.Model + "|" + l.Method + "|" + l.Tenant, StringComparer.Ordinal)
            .ToList();
}
