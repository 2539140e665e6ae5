using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using AgentCost.Hosting;
using AgentCost.Telemetry;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentCost.Spending;

/// <summary>
/// The spend monitor: prices every model call the AgentCost chat client (<c>UseAgentCost()</c>) sees, holds the spend
/// budgets of <c>AgentCost:Spending:Budgets</c>, raises alerts, and records each settled call in the
/// <see cref="ISpendLedger"/>. One per runtime: <see cref="AgentCostRuntime.Spending"/>.
/// </summary>
/// <remarks>
/// <para><b>Hard limits.</b> Before a call, its worst case — the counted prompt at the model's dearest input price plus
/// its output limit at the output price — is reserved on every budget that applies (global, model, tenant, method;
/// day and month), in the <see cref="BudgetStore"/> (by compare-and-swap in this process, unless another store is
/// registered). A call that does not fit even with the smallest answer is refused with
/// <see cref="SpendLimitExceededException"/> before anything is sent; one that fits only with a shorter answer has its
/// <c>MaxOutputTokens</c> lowered. After the call the reservation is replaced by the actual cost. Under any concurrency,
/// the spend of a budget never exceeds its limit, as long as the provider's counts do not exceed the local ones.</para>
/// <para><b>Periods</b> follow <c>AgentCost:Spending:TimeZone</c> and <c>DayResetHour</c> on the runtime's
/// <see cref="TimeProvider"/>. At start-up each budget's current period is reloaded from the ledger, so a restart does
/// not reset the day's spend.</para>
/// <para>Calls of code that does not use the chat client can be held to the same budgets with <see cref="Reserve"/>
/// and <see cref="SpendReservation.SettleAsync(UsageDetails?, CancellationToken)"/>, or recorded after the fact with
/// <see cref="RecordAsync"/>.</para>
/// </remarks>
public sealed partial class SpendMonitor
{
    private const int MaxRememberedKeys = 4096;

    private readonly SpendingOptions _options;
    private readonly PricingOptions _pricing;
    private readonly AgentCostMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, byte> _unpricedWarned = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _initializeLock = new();
    private Task? _initialization;

    internal SpendMonitor(
        AgentCostOptions options,
        ISpendLedger ledger,
        ISpendBudgetStore budgetStore,
        TimeProvider timeProvider,
        AgentCostMetrics metrics,
        ILogger? logger,
        IEnumerable<ISpendAlertHandler>? alertHandlers)
    {
        _options = options.Spending;
        _pricing = options.Pricing;
        _metrics = metrics;
        _logger = logger ?? NullLogger.Instance;
        Ledger = ledger;
        BudgetStore = budgetStore;
        TimeProvider = timeProvider;
        Prices = PriceCatalog.Create(_pricing);
        Calendar = new SpendCalendar(TimeZoneInfo.FindSystemTimeZoneById(_options.TimeZone), _options.DayResetHour);
        var thresholds = _options.EffectiveAlertThresholds();
        Alerts = new SpendAlerts(this, thresholds, alertHandlers?.ToArray() ?? [], metrics, _logger);
        Budgets = new SpendBudgetSet(_options.Budgets, Calendar, budgetStore, timeProvider, thresholds);
        metrics.ObserveBudgetUtilization(ObserveUtilization);
    }

    /// <summary>
    /// Raised when a budget reaches an alert threshold (<c>AgentCost:Spending:AlertThresholds</c>), once per budget,
    /// threshold and period, on the thread that settled the call. Registered <see cref="ISpendAlertHandler"/>s are
    /// called too.
    /// </summary>
    public event EventHandler<SpendAlert>? ThresholdReached;

    /// <summary>Whether the chat client prices and records calls (<c>AgentCost:Spending:Enabled</c>).</summary>
    public bool IsEnabled => _options.Enabled;

    /// <summary>The prices calls are charged at.</summary>
    public PriceCatalog Prices { get; }

    /// <summary>Where settled calls are recorded.</summary>
    public ISpendLedger Ledger { get; }

    /// <summary>Where the spend budgets' counters are kept (<see cref="InMemorySpendBudgetStore"/> unless another is registered).</summary>
    public ISpendBudgetStore BudgetStore { get; }

    /// <summary>The clock of periods, ledger rows and tasks.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Whether any spend budget is configured.</summary>
    internal bool HasBudgets => Budgets.IsConfigured;

    internal SpendBudgetSet Budgets { get; }

    internal SpendAlerts Alerts { get; }

    internal SpendCalendar Calendar { get; }

    internal SpendingOptions Options => _options;

    /// <summary>
    /// Loads the spend of the current day and month from the ledger into the budgets. The host does it when it starts;
    /// otherwise the first call does. Later calls do nothing.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the budgets are loaded.</returns>
    public ValueTask InitializeAsync(CancellationToken cancellationToken = default)
    {
        Task initialization;
        lock (_initializeLock)
        {
            initialization = _initialization ??= LoadAsync();
        }

        return initialization.IsCompletedSuccessfully ? ValueTask.CompletedTask : new ValueTask(initialization.WaitAsync(cancellationToken));
    }

    /// <summary>The budgets and where each stands in its current period.</summary>
    /// <returns>Every configured budget, and one for each model, tenant or method that a <c>*</c> entry has given one so far.</returns>
    public IReadOnlyList<SpendBudgetStatus> GetBudgets()
    {
        EnsureInitialized();
        var now = TimeProvider.GetUtcNow().UtcTicks;
        return [.. Budgets.All.Select(budget => budget.Status(now))];
    }

    /// <summary>
    /// Reserves the worst case of a model call made outside the AgentCost chat client on every spend budget that applies
    /// to it (ambient method, tenant and task included). Settle the reservation when the call returns, or release it
    /// when it fails before the provider answered.
    /// </summary>
    /// <param name="modelId">The model.</param>
    /// <param name="promptTokens">The prompt's counted tokens.</param>
    /// <param name="maxOutputTokens">The call's output limit; <see langword="null"/> for the model's own maximum.</param>
    /// <param name="minOutputTokens">The smallest answer worth calling for: when less fits, the call is refused.</param>
    /// <returns>The reservation; send the call with <see cref="SpendReservation.MaxOutputTokens"/> when it is set.</returns>
    /// <exception cref="SpendLimitExceededException">The call does not fit a budget.</exception>
    /// <exception cref="ModelNotPricedException">A budget applies and the model has no price.</exception>
    public SpendReservation Reserve(string? modelId, int promptTokens, int? maxOutputTokens = null, int minOutputTokens = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(promptTokens);
        ArgumentOutOfRangeException.ThrowIfLessThan(minOutputTokens, 1);
        if (maxOutputTokens is { } max)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(max, 1, nameof(maxOutputTokens));
        }

        var reservation = Open(modelId, refuseUnpriced: true);
        reservation.Reserve(promptTokens, maxOutputTokens, minOutputTokens);
        return reservation;
    }

    /// <summary>
    /// Records a model call made outside the AgentCost chat client, after the fact: charges its cost to the budgets that
    /// apply (without checking them first) and writes it to the ledger.
    /// </summary>
    /// <param name="modelId">The model.</param>
    /// <param name="usage">The usage the provider reported.</param>
    /// <param name="cancellationToken">Stops waiting for the ledger.</param>
    /// <returns>The ledger row.</returns>
    public ValueTask<SpendRecord> RecordAsync(string? modelId, UsageDetails usage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return Open(modelId, refuseUnpriced: false).SettleAsync(usage, cancellationToken);
    }

    /// <summary>A report of the spend in [<paramref name="from"/>, <paramref name="to"/>), from the ledger.</summary>
    /// <param name="from">The start, inclusive.</param>
    /// <param name="to">The end, exclusive.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The report.</returns>
    public async ValueTask<SpendReport> GetReportAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        var records = new List<SpendRecord>();
        await foreach (var record in Ledger.ReadAsync(from, to, cancellationToken).ConfigureAwait(false))
        {
            records.Add(record);
        }

        var tasks = new List<TaskRecord>();
        await foreach (var task in Ledger.ReadTasksAsync(from, to, cancellationToken).ConfigureAwait(false))
        {
            tasks.Add(task);
        }

        return SpendReport.Build(from, to, records, tasks, Calendar);
    }

    /// <summary>A report of the spend in the current day or month.</summary>
    /// <param name="period">The period.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The report.</returns>
    public ValueTask<SpendReport> GetReportAsync(SpendPeriod period, CancellationToken cancellationToken = default)
    {
        var (start, end) = Calendar.PeriodOf(period, TimeProvider.GetUtcNow());
        return GetReportAsync(start, end, cancellationToken);
    }

    /// <summary>Starts accounting for one call: who makes it, what it costs, which budgets apply.</summary>
    /// <exception cref="ModelNotPricedException">A budget applies, the model has no price and that is refused.</exception>
    internal SpendReservation Open(string? modelId, bool refuseUnpriced = true)
    {
        EnsureInitialized();
        var method = AgentCallContext.CurrentMethod?.DisplayName;
        var tenant = AgentCostContext.Current?.Tenant;
        var rates = Prices.Find(modelId);
        var budgets = Budgets.Applicable(modelId, method, tenant);
        if (budgets.Length > 0 && rates is null && refuseUnpriced && _pricing.RefuseUnpricedInBudgets)
        {
            _metrics.CallsRefused.Add(
                1,
                new KeyValuePair<string, object?>("reason", "unpriced_model"),
                new KeyValuePair<string, object?>("gen_ai.request.model", modelId));
            var exception = new ModelNotPricedException(modelId, budgets[0].Name);
            Log.UnpricedRefused(_logger, modelId ?? "(none)", budgets[0].Name);
            throw exception;
        }

        return new SpendReservation(this, modelId, method, tenant, AgentTask.Current, SpendCapture.Current, rates, budgets);
    }

    /// <summary>Counts a refusal by <paramref name="state"/> and raises the thresholds it has not raised yet.</summary>
    internal void Refused(SpendBudget.PeriodState state)
    {
        state.CountRefusal();
        _metrics.CallsRefused.Add(
            1,
            new KeyValuePair<string, object?>("reason", "spend_limit"),
            new KeyValuePair<string, object?>("agentcost.budget", state.Budget.Name));
        Alerts.LimitReached(state);
    }

    internal void OnThresholdReached(SpendAlert alert) => ThresholdReached?.Invoke(this, alert);

    /// <summary>Charges a call's actual cost to one of its budgets and raises the thresholds it crossed.</summary>
    internal void Settle(SpendBudget.PeriodState state, long reservationId, long reserved, long actual)
    {
        try
        {
            state.Settle(reservationId, reserved, actual);
        }
        catch (Exception exception)
        {
            // The provider has done the work: the ledger row is still written, and the budget store's outage is logged.
            Log.BudgetStoreFailed(_logger, state.Budget.Name, Money.ToDollars(actual), exception);
            return;
        }

        Alerts.Check(state);
    }

    internal void LogRefusal(SpendLimitExceededException exception)
        => Log.SpendRefused(_logger, exception.BudgetName, exception.ModelId ?? "(none)", exception.Needed, exception.Spent, exception.Reserved, exception.Limit);


    /// <summary>Telemetry and bookkeeping of a settled call.</summary>
    internal void Settled(SpendRecord record, long units)
    {
        if (record.IsUnpriced)
        {
            _metrics.CallsUnpriced.Add(1, new KeyValuePair<string, object?>("gen_ai.request.model", record.Model));
            if (_unpricedWarned.Count < MaxRememberedKeys && _unpricedWarned.TryAdd(record.Model ?? string.Empty, 0))
            {
                Log.UnpricedRecorded(_logger, record.Model ?? "(none)");
            }
        }
        else if (_metrics.Cost.Enabled)
        {
            var tags = new TagList();
            if (record.Model is not null)
            {
                tags.Add("gen_ai.request.model", record.Model);
            }

            if (record.Method is not null)
            {
                tags.Add("agentcost.method", record.Method);
            }

            if (record.Tenant is not null)
            {
                tags.Add("agentcost.tenant", record.Tenant);
            }

            _metrics.Cost.Add((double)Money.ToDollars(units), tags);
        }

        if (Activity.Current is { } activity)
        {
            activity.SetTag("agentcost.cost", (double)record.Cost);
            if (record.IsUnpriced)
            {
                activity.SetTag("agentcost.unpriced", true);
            }
        }
    }

    /// <summary>Writes a row; when it does not complete at once, <paramref name="wait"/> decides whether the caller waits.</summary>
    internal ValueTask Append(SpendRecord record, bool wait)
    {
        ValueTask pending;
        try
        {
            pending = Ledger.AppendAsync(record);
        }
        catch (Exception exception)
        {
            Log.LedgerFailed(_logger, exception);
            if (wait)
            {
                throw;
            }

            return ValueTask.CompletedTask;
        }

        if (pending.IsCompletedSuccessfully)
        {
            return ValueTask.CompletedTask;
        }

        if (wait)
        {
            return pending;
        }

        Observe(pending.AsTask());
        return ValueTask.CompletedTask;
    }

    /// <summary>Stores an ended task in the ledger.</summary>
    /// <param name="record">The task.</param>
    /// <param name="wait">Whether the returned task waits until the ledger has stored it.</param>
    /// <param name="logFailure">
    /// Whether a ledger that fails is logged rather than thrown while waiting: the work the task measured has ended, and
    /// its caller's outcome is the work's, not the ledger's. Without <paramref name="wait"/>, failures are always logged.
    /// </param>
    internal ValueTask RecordTask(TaskRecord record, bool wait, bool logFailure = false)
    {
        ValueTask pending;
        try
        {
            pending = Ledger.AppendTaskAsync(record);
        }
        catch (Exception exception) when (!wait || logFailure)
        {
            Log.LedgerFailed(_logger, exception);
            return ValueTask.CompletedTask;
        }

        if (pending.IsCompletedSuccessfully || (wait && !logFailure))
        {
            return pending;
        }

        if (wait)
        {
            return LogFailureAsync(pending);
        }

        Observe(pending.AsTask());
        return ValueTask.CompletedTask;
    }

    private async ValueTask LogFailureAsync(ValueTask pending)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            Log.LedgerFailed(_logger, exception);
        }
    }

    /// <summary>A <c>[Cached]</c> hit of <paramref name="method"/> replaced model calls that cost <paramref name="units"/> on the miss.</summary>
    internal void CreditCacheHit(string method, long units)
        => CreditHit(SpendRecordKind.CacheHit, "exact", model: null, method, units);

    /// <summary>
    /// A semantic cache hit of <paramref name="method"/> replaced a call to <paramref name="model"/> whose entry cost
    /// <paramref name="units"/> to make; attributed like a model call, to the current tenant and task.
    /// </summary>
    internal void CreditSemanticCacheHit(string? model, string? method, long units)
        => CreditHit(SpendRecordKind.SemanticCacheHit, "semantic", model, method, units);

    private void CreditHit(SpendRecordKind kind, string cacheKind, string? model, string? method, long units)
    {
        var saved = Money.ToDollars(units);
        if (_metrics.CacheSavings.Enabled)
        {
            _metrics.CacheSavings.Add(
                (double)saved,
                new KeyValuePair<string, object?>("kind", cacheKind),
                new KeyValuePair<string, object?>("agentcost.method", method));
        }

        var record = new SpendRecord
        {
            Timestamp = TimeProvider.GetUtcNow(),
            Kind = kind,
            Model = model,
            Method = method,
            Tenant = AgentCostContext.Current?.Tenant,
            Task = AgentTask.Current?.Name,
            Saved = saved,
        };
        _ = Append(record, wait: false);
    }

    private void Observe(Task pending) => pending.ContinueWith(
        static (task, state) => Log.LedgerFailed((ILogger)state!, task.Exception!.GetBaseException()),
        _logger,
        CancellationToken.None,
        TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
        TaskScheduler.Default);


    private IEnumerable<Measurement<double>> ObserveUtilization()
    {
        var now = TimeProvider.GetUtcNow().UtcTicks;
        foreach (var budget in Budgets.All)
        {
            var status = budget.Status(now);
            yield return new Measurement<double>(
                status.Utilization,
                new KeyValuePair<string, object?>("agentcost.budget", budget.Name),
                new KeyValuePair<string, object?>("agentcost.budget.scope", budget.Scope.ToString().ToLowerInvariant()),
                new KeyValuePair<string, object?>("agentcost.budget.period", budget.Period == SpendPeriod.Day ? "day" : "month"));
        }
    }

    private void EnsureInitialized()
    {
        var initialization = Volatile.Read(ref _initialization);
        if (initialization is { IsCompletedSuccessfully: true })
        {
            return;
        }

        // Without a host, the first call loads the budgets; it must not start spending before it knows what was spent.
        InitializeAsync().AsTask().GetAwaiter().GetResult();
    }

    private async Task LoadAsync()
    {
        var now = TimeProvider.GetUtcNow();
        var (dayStart, dayEnd) = Calendar.PeriodOf(SpendPeriod.Day, now);
        var (monthStart, monthEnd) = Calendar.PeriodOf(SpendPeriod.Month, now);
        var day = await Ledger.GetTotalsAsync(dayStart, dayEnd).ConfigureAwait(false);
        var month = await Ledger.GetTotalsAsync(monthStart, monthEnd).ConfigureAwait(false);
        Budgets.Seed(new SpendBaseline(dayStart, day, monthStart, month));
        Log.BudgetsLoaded(_logger, day.Sum(static t => t.Calls), day.Sum(static t => t.Cost), month.Sum(static t => t.Cost));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3202, Level = LogLevel.Warning,
            Message = "Spend budget '{Budget}' refused a call to '{Model}': it needed at least {Needed} USD; {Spent} spent and {Reserved} reserved of {Limit} USD.")]
        public static partial void SpendRefused(ILogger logger, string budget, string model, decimal needed, decimal spent, decimal reserved, decimal limit);

        [LoggerMessage(EventId = 3203, Level = LogLevel.Warning,
            Message = "A call to model '{Model}' inside spend budget '{Budget}' was refused: the model has no price. Add AgentCost:Pricing:Models:{Model}.")]
        public static partial void UnpricedRefused(ILogger logger, string model, string budget);

        [LoggerMessage(EventId = 3204, Level = LogLevel.Warning,
            Message = "Model '{Model}' has no price: its calls are recorded as unpriced and counted in agentcost.calls.unpriced. Add AgentCost:Pricing:Models:{Model} (Input and Output per million tokens; 0 for a free local model).")]
        public static partial void UnpricedRecorded(ILogger logger, string model);

        [LoggerMessage(EventId = 3205, Level = LogLevel.Error, Message = "The spend ledger failed to store a row.")]
        public static partial void LedgerFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 3207, Level = LogLevel.Information,
            Message = "Spend budgets loaded from the ledger: {Calls} calls costing {DaySpend} USD today, {MonthSpend} USD this month.")]
        public static partial void BudgetsLoaded(ILogger logger, long calls, decimal daySpend, decimal monthSpend);

        [LoggerMessage(EventId = 3208, Level = LogLevel.Error,
            Message = "The spend budget store failed to charge {Cost} USD to budget '{Budget}'; the call is still recorded in the ledger.")]
        public static partial void BudgetStoreFailed(ILogger logger, string budget, decimal cost, Exception exception);
    }
}
