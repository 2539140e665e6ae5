using System.Globalization;

namespace AgentCost.Spending;

/// <summary>
/// One spend limit — a scope (global, a model, a tenant, a method) over a period (day or month) — and its current
/// period. A new period replaces the current one by compare-and-swap, with counters from the
/// <see cref="ISpendBudgetStore"/>.
/// </summary>
internal sealed class SpendBudget
{
    private readonly SpendCalendar _calendar;
    private readonly ISpendBudgetStore _store;
    private PeriodState _state;

    public SpendBudget(SpendScope scope, string? key, SpendPeriod period, decimal limit, SpendCalendar calendar, ISpendBudgetStore store, DateTimeOffset now, decimal[] thresholds)
    {
        Scope = scope;
        Key = key;
        Period = period;
        Limit = limit;
        LimitUnits = Money.FromDollars(limit);
        ThresholdUnits = [.. thresholds.Select(threshold => LimitUnits == 0 ? 1 : Money.Ceiling(threshold * LimitUnits))];
        _calendar = calendar;
        _store = store;
        Name = Describe(scope, key, period);
        _state = NewState(now);
    }

    public SpendScope Scope { get; }

    public string? Key { get; }

    public SpendPeriod Period { get; }

    public decimal Limit { get; }

    public long LimitUnits { get; }

    /// <summary>The spend, in units, at which each alert threshold is reached (ascending).</summary>
    public long[] ThresholdUnits { get; }

    /// <summary>How messages name the budget: <c>global daily</c>, <c>tenant 'acme' monthly</c>, ...</summary>
    public string Name { get; }

    /// <summary>The period that contains <paramref name="nowTicks"/> (UTC ticks), starting one if needed.</summary>
    public PeriodState Current(long nowTicks)
    {
        var state = Volatile.Read(ref _state);
        if (nowTicks < state.EndTicks)
        {
            // Also when the clock went back: never reopen a period that has been left.
            return state;
        }

        var next = NewState(new DateTimeOffset(nowTicks, TimeSpan.Zero));
        var seen = Interlocked.CompareExchange(ref _state, next, state);
        return ReferenceEquals(seen, state) ? next : seen;
    }

    /// <summary>The current period, without starting a new one.</summary>
    public PeriodState Latest => Volatile.Read(ref _state);

    public SpendBudgetStatus Status(long nowTicks) => Current(nowTicks).Status();

    public static string Describe(SpendScope scope, string? key, SpendPeriod period)
    {
        var when = period == SpendPeriod.Day ? "daily" : "monthly";
        return scope == SpendScope.Global
            ? "global " + when
            : string.Create(CultureInfo.InvariantCulture, $"{scope.ToString().ToLowerInvariant()} '{key}' {when}");
    }

    private PeriodState NewState(DateTimeOffset now)
    {
        var (start, end) = _calendar.PeriodOf(Period, now);
        var counter = _store.GetCounter(new SpendBudgetPeriod(Name, Scope, Key, Period, start, end, LimitUnits));
        return new PeriodState(this, start, end, counter);
    }

    /// <summary>
    /// One period of the budget: the store's counters (all in <see cref="Money"/> units), and what this process keeps
    /// of its own — refusals and the alert thresholds raised.
    /// </summary>
    internal sealed class PeriodState(SpendBudget budget, DateTimeOffset start, DateTimeOffset end, ISpendBudgetCounter counter)
    {
        // The default store's counters, called directly: the path of every budgeted call pays no interface dispatch.
        private readonly InMemorySpendBudgetStore.Counter? _local = counter as InMemorySpendBudgetStore.Counter;
        private long _refused;
        private int _alertLevel;

        public SpendBudget Budget => budget;

        public DateTimeOffset Start => start;

        public DateTimeOffset End => end;

        public long EndTicks { get; } = end.UtcTicks;

        public long Committed => _local?.Committed ?? counter.Committed;

        public long Spent => _local?.Spent ?? counter.Spent;

        public long Reserved => Math.Max(0, Committed - Spent);

        public long Calls => counter.Calls;

        public long RefusedCalls => Volatile.Read(ref _refused);

        /// <summary>What is neither spent nor reserved.</summary>
        public long Available => Math.Max(0, budget.LimitUnits - Committed);

        /// <summary>How many of the alert thresholds have been raised this period.</summary>
        public int AlertLevel => Volatile.Read(ref _alertLevel);

        /// <summary>How many of the budget's alert thresholds its spend has reached.</summary>
        public int ThresholdsReached
        {
            get
            {
                var spent = Spent;
                var thresholds = budget.ThresholdUnits;
                var level = 0;
                while (level < thresholds.Length && spent >= thresholds[level])
                {
                    level++;
                }

                return level;
            }
        }

        public bool TryReserve(long reservationId, long units)
        {
            // Nothing to reserve (a free model) always fits, even in a budget an over-reporting provider took past its
            // limit: refusing it would only make the caller retry for ever.
            return units <= 0 || (_local?.TryReserve(reservationId, units) ?? counter.TryReserve(reservationId, units));
        }

        public void Release(long reservationId, long reserved)
        {
            if (_local is { } local)
            {
                local.Release(reservationId, reserved);
            }
            else
            {
                counter.Release(reservationId, reserved);
            }
        }

        /// <summary>Replaces a reservation by the actual cost; charged in full even beyond the reservation.</summary>
        public void Settle(long reservationId, long reserved, long actual)
        {
            if (_local is { } local)
            {
                local.Settle(reservationId, reserved, actual);
            }
            else
            {
                counter.Settle(reservationId, reserved, actual);
            }
        }

        /// <summary>
        /// Completes when a reservation on this budget is next settled or released. Take it before looking at
        /// <see cref="Available"/>, so that a settlement between the look and the wait is not missed.
        /// </summary>
        public Task WhenFreed() => counter.WhenFreed();

        /// <summary>
        /// The least a reservation of <paramref name="units"/> must wait for: whether it fits once every call in
        /// flight on this budget has settled for nothing. A call that does not fit even then is refused at once.
        /// </summary>
        public bool CouldFitAfterSettlements(long units) => units <= budget.LimitUnits - Spent && Reserved > 0;

        /// <summary>Adds spend recorded before this process started.</summary>
        public void Seed(long units, long calls) => counter.Seed(units, calls);

        public void CountRefusal() => Interlocked.Increment(ref _refused);

        /// <summary>Raises the alert level to <paramref name="level"/>; returns the level it was, or -1 when it was already there.</summary>
        public int TryRaiseAlertLevel(int level)
        {
            var current = Volatile.Read(ref _alertLevel);
            while (current < level)
            {
                var seen = Interlocked.CompareExchange(ref _alertLevel, level, current);
                if (seen == current)
                {
                    return current;
                }

                current = seen;
            }

            return -1;
        }

        /// <summary>The budget as it stands in this period, for reports, alerts and refusals.</summary>
        public SpendBudgetStatus Status() => new(
            budget.Name,
            budget.Scope,
            budget.Key,
            budget.Period,
            start,
            end,
            budget.Limit,
            Money.ToDollars(Spent),
            Money.ToDollars(Reserved),
            Calls,
            RefusedCalls);
    }
}
