using System.Globalization;

namespace AgentCost.Spending;

/// <summary>
/// One spend limit — a scope (global, a model, a tenant, a method) over a period (day or month) — with lock-free
/// counters for the current period. A new period replaces the counters with fresh ones by compare-and-swap.
/// </summary>
internal sealed class SpendBudget
{
    private readonly SpendCalendar _calendar;
    private PeriodState _state;

    public SpendBudget(SpendScope scope, string? key, SpendPeriod period, decimal limit, SpendCalendar calendar, DateTimeOffset now, decimal[] thresholds)
    {
        Scope = scope;
        Key = key;
        Period = period;
        Limit = limit;
        LimitUnits = Money.FromDollars(limit);
        ThresholdUnits = [.. thresholds.Select(threshold => LimitUnits == 0 ? 1 : Money.Ceiling(threshold * LimitUnits))];
        _calendar = calendar;
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

    /// <summary>The counters of the period that contains <paramref name="nowTicks"/> (UTC ticks), starting one if needed.</summary>
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

    /// <summary>The counters of the current period, without starting a new one.</summary>
    public PeriodState Latest => Volatile.Read(ref _state);

    public SpendBudgetStatus Status(long nowTicks)
    {
        var state = Current(nowTicks);
        return new SpendBudgetStatus(
            Name,
            Scope,
            Key,
            Period,
            state.Start,
            state.End,
            Limit,
            Money.ToDollars(state.Spent),
            Money.ToDollars(state.Reserved),
            state.Calls,
            state.RefusedCalls);
    }

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
        return new PeriodState(this, start, end);
    }

    /// <summary>The counters of one period; all in <see cref="Money"/> units.</summary>
    internal sealed class PeriodState(SpendBudget budget, DateTimeOffset start, DateTimeOffset end)
    {
        // Spent plus reserved: the one figure limit checks compare, changed only by CAS or Interlocked.Add. Reads are
        // Volatile.Read (64-bit reads are atomic in a 64-bit process); what is reserved is committed less spent.
        private long _committed;
        private long _spent;
        private long _calls;
        private long _refused;
        private int _alertLevel;
        private TaskCompletionSource? _freed;

        public SpendBudget Budget => budget;

        public DateTimeOffset Start => start;

        public DateTimeOffset End => end;

        public long EndTicks { get; } = end.UtcTicks;

        public long Committed => Volatile.Read(ref _committed);

        public long Spent => Volatile.Read(ref _spent);

        public long Reserved => Math.Max(0, Committed - Spent);

        public long Calls => Volatile.Read(ref _calls);

        public long RefusedCalls => Volatile.Read(ref _refused);

        /// <summary>What is neither spent nor reserved.</summary>
        public long Available => Math.Max(0, budget.LimitUnits - Committed);

        /// <summary>How many of the alert thresholds have been raised this period.</summary>
        public int AlertLevel => Volatile.Read(ref _alertLevel);

        public bool TryReserve(long units)
        {
            // Nothing to reserve (a free model) always fits, even in a budget an over-reporting provider took past its
            // limit: refusing it would only make the caller retry for ever.
            if (units <= 0)
            {
                return true;
            }

            var limit = budget.LimitUnits;
            var committed = Volatile.Read(ref _committed);
            while (true)
            {
                if (committed + units > limit)
                {
                    return false;
                }

                var seen = Interlocked.CompareExchange(ref _committed, committed + units, committed);
                if (seen == committed)
                {
                    return true;
                }

                committed = seen;
            }
        }

        public void Release(long reserved)
        {
            Interlocked.Add(ref _committed, -reserved);
            SignalFreed();
        }

        /// <summary>Replaces a reservation by the actual cost; charged in full even beyond the reservation.</summary>
        public void Settle(long reserved, long actual)
        {
            // Spent first: a concurrent reader may see a little less reserved for a moment, never a negative amount.
            Interlocked.Add(ref _spent, actual);
            Interlocked.Add(ref _committed, actual - reserved);
            Interlocked.Increment(ref _calls);
            SignalFreed();
        }

        /// <summary>
        /// Completes when a reservation on this budget is next settled or released. Take it before looking at
        /// <see cref="Available"/>, so that a settlement between the look and the wait is not missed.
        /// </summary>
        public Task WhenFreed()
        {
            var freed = Volatile.Read(ref _freed);
            if (freed is null)
            {
                var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                freed = Interlocked.CompareExchange(ref _freed, created, null) ?? created;
            }

            return freed.Task;
        }

        /// <summary>
        /// The least a reservation of <paramref name="units"/> must wait for: whether it fits once every call in
        /// flight on this budget has settled for nothing. A call that does not fit even then is refused at once.
        /// </summary>
        public bool CouldFitAfterSettlements(long units) => units <= budget.LimitUnits - Spent && Reserved > 0;

        private void SignalFreed()
        {
            // Only calls waiting for room pay for the signal; the common path is one read of a null field.
            if (Volatile.Read(ref _freed) is not null)
            {
                Interlocked.Exchange(ref _freed, null)?.TrySetResult();
            }
        }

        /// <summary>Adds spend recorded before this process started.</summary>
        public void Preload(long units, long calls)
        {
            Interlocked.Add(ref _committed, units);
            Interlocked.Add(ref _spent, units);
            Interlocked.Add(ref _calls, calls);
        }

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
    }
}
