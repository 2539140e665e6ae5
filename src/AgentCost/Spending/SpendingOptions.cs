namespace AgentCost.Spending;

/// <summary>The spend monitor: budgets, periods and alerts; configuration section <c>AgentCost:Spending</c>.</summary>
public sealed class SpendingOptions
{
    /// <summary>The alert thresholds used when <see cref="AlertThresholds"/> is not set: 50 %, 80 % and 100 %.</summary>
    public static IReadOnlyList<decimal> DefaultAlertThresholds { get; } = [0.5m, 0.8m, 1.0m];

    /// <summary>The default of <see cref="ReservationWait"/>: 10 seconds.</summary>
    public static TimeSpan DefaultReservationWait { get; } = TimeSpan.FromSeconds(10);

    /// <summary>The default of <see cref="StreamLease"/>: 5 minutes.</summary>
    public static TimeSpan DefaultStreamLease { get; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Whether <c>UseAgentCost()</c> prices, records and limits model calls. Key <c>AgentCost:Spending:Enabled</c>;
    /// default <see langword="true"/>. <see langword="false"/> leaves only token budgets.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The time zone days and months are counted in, as <see cref="TimeZoneInfo.FindSystemTimeZoneById(string)"/>
    /// knows it (IANA ids such as <c>Europe/Berlin</c>, or Windows ids). Key <c>AgentCost:Spending:TimeZone</c>;
    /// default <c>UTC</c>.
    /// </summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>
    /// The hour of the day (0–23, in <see cref="TimeZone"/>) at which a day's budgets start again; a month starts at
    /// this hour on its first day. Key <c>AgentCost:Spending:DayResetHour</c>; default <c>0</c> (midnight).
    /// </summary>
    public int DayResetHour { get; set; }

    /// <summary>
    /// The fractions of a budget's limit at which an alert is raised, once per budget and period, for example
    /// <c>[0.5, 0.8, 1.0]</c>. Keys <c>AgentCost:Spending:AlertThresholds:0</c>, <c>:1</c>, ...; each above 0 and at
    /// most 1; unset means <see cref="DefaultAlertThresholds"/>. A budget that refuses a call for want of money counts
    /// as having reached 100 %.
    /// </summary>
    public List<decimal>? AlertThresholds { get; set; }

    /// <summary>The limits; section <c>AgentCost:Spending:Budgets</c>.</summary>
    public SpendBudgetOptions Budgets { get; set; } = new();

    /// <summary>
    /// The output limit sent with a call inside a spend budget when neither the request, the client
    /// (<c>DefaultMaxOutputTokens</c>) nor the model's price (<see cref="ModelPrice.MaxOutputTokens"/>) gives one, so
    /// that the call's worst case is bounded. Key <c>AgentCost:Spending:FallbackMaxOutputTokens</c>; default 16,384.
    /// </summary>
    public int FallbackMaxOutputTokens { get; set; } = 16_384;

    /// <summary>
    /// Whether a request whose own <c>MaxOutputTokens</c> does not fit what a token budget or spend budget leaves is
    /// sent with a lower limit (<see cref="OutputLimitPolicy.Clamp"/>, the default) or refused
    /// (<see cref="OutputLimitPolicy.Refuse"/>). Key <c>AgentCost:Spending:OutputLimitPolicy</c>.
    /// </summary>
    public OutputLimitPolicy OutputLimitPolicy { get; set; } = OutputLimitPolicy.Clamp;

    /// <summary>
    /// How long a streamed call may wait for its consumer to ask for the next update before it counts as abandoned: its
    /// reservations are then settled with what it had streamed, and the stream can no longer be resumed. Protects the
    /// budgets from an enumerator that is never disposed. Key <c>AgentCost:Spending:StreamLease</c>; default 5 minutes.
    /// </summary>
    public TimeSpan StreamLease { get; set; } = DefaultStreamLease;

    /// <summary>
    /// How long a call through <c>UseAgentCost()</c> that does not fit a spend budget only because of other calls still
    /// in flight waits for them to settle before it is refused. A reservation holds a call's worst case, and calls
    /// usually cost far less, so without the wait concurrent agents are refused while part of the budget is about to come
    /// back. A call that would not fit even if every call in flight cost nothing is refused at once, and the wait never
    /// lets a budget be overspent. Key <c>AgentCost:Spending:ReservationWait</c>; default 10 seconds;
    /// <see cref="TimeSpan.Zero"/> refuses at once.
    /// </summary>
    public TimeSpan ReservationWait { get; set; } = DefaultReservationWait;

    /// <summary>
    /// How many settled calls the default in-memory ledger keeps for reports; older ones are dropped (budgets are not
    /// affected). Key <c>AgentCost:Spending:InMemoryLedgerCapacity</c>; default 100,000.
    /// </summary>
    public int InMemoryLedgerCapacity { get; set; } = 100_000;

    /// <summary>The thresholds in effect: <see cref="AlertThresholds"/> sorted, or the defaults.</summary>
    internal decimal[] EffectiveAlertThresholds()
        => AlertThresholds is { Count: > 0 } thresholds ? [.. thresholds.Distinct().Order()] : [.. DefaultAlertThresholds];
}

/// <summary>The spend limits; configuration section <c>AgentCost:Spending:Budgets</c>. All amounts are US dollars.</summary>
/// <remarks>
/// A call is charged to every budget that applies to it — global, its model's, its tenant's and its method's, per day
/// and per month — and must fit all of them. In <see cref="Models"/>, <see cref="Tenants"/> and <see cref="Methods"/> the
/// key <c>*</c> gives each model, tenant or method without an entry of its own a budget of that size.
/// </remarks>
public sealed class SpendBudgetOptions
{
    /// <summary>The limits on all calls together. Keys <c>AgentCost:Spending:Budgets:Global:Daily</c> and <c>...:Monthly</c>.</summary>
    public SpendLimit Global { get; set; } = new();

    /// <summary>Limits per model id (as the request names it). Keys <c>AgentCost:Spending:Budgets:Models:&lt;model-id&gt;:Daily</c> and <c>...:Monthly</c>.</summary>
    public Dictionary<string, SpendLimit> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Limits per tenant (<see cref="AgentCostContext.Tenant"/>). Keys <c>AgentCost:Spending:Budgets:Tenants:&lt;tenant&gt;:Daily</c> and <c>...:Monthly</c>.</summary>
    public Dictionary<string, SpendLimit> Tenants { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Limits per agent method, named <c>Namespace.Type.Method</c> as its descriptor names it. Keys
    /// <c>AgentCost:Spending:Budgets:Methods:&lt;method&gt;:Daily</c> and <c>...:Monthly</c>.
    /// </summary>
    public Dictionary<string, SpendLimit> Methods { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>A daily and a monthly limit, in US dollars; either may be unset (no limit).</summary>
public sealed class SpendLimit
{
    /// <summary>The most that may be spent in one day (from <c>DayResetHour</c> to the next, in the configured time zone).</summary>
    public decimal? Daily { get; set; }

    /// <summary>The most that may be spent in one calendar month (from <c>DayResetHour</c> on its first day).</summary>
    public decimal? Monthly { get; set; }

    /// <summary>The limit for <paramref name="period"/>.</summary>
    internal decimal? For(SpendPeriod period) => period == SpendPeriod.Day ? Daily : Monthly;
}

/// <summary>The period a spend budget counts over.</summary>
public enum SpendPeriod
{
    /// <summary>A day, starting at <c>AgentCost:Spending:DayResetHour</c> in <c>AgentCost:Spending:TimeZone</c>.</summary>
    Day,

    /// <summary>A calendar month, starting at the reset hour on its first day.</summary>
    Month,
}

/// <summary>What a spend budget limits.</summary>
public enum SpendScope
{
    /// <summary>All calls.</summary>
    Global,

    /// <summary>The calls to one model.</summary>
    Model,

    /// <summary>The calls made for one tenant (<see cref="AgentCostContext.Tenant"/>).</summary>
    Tenant,

    /// <summary>The calls made by one agent method.</summary>
    Method,
}
