using System.Collections.Concurrent;

namespace AgentCost.Spending;

/// <summary>
/// Spend budget counters held in this process: lock-free, updated by compare-and-swap and <see cref="Interlocked"/>
/// adds. The default <see cref="ISpendBudgetStore"/>; its figures start again with the process (the monitor reloads the
/// day's and month's spend from the ledger at start-up).
/// </summary>
public sealed class InMemorySpendBudgetStore : ISpendBudgetStore
{
    // The counters of each budget's latest period; a new period replaces them, so ended periods are not kept.
    private readonly ConcurrentDictionary<(SpendScope Scope, string? Key, SpendPeriod Period), Counter> _latest = new();

    /// <inheritdoc />
    public ISpendBudgetCounter GetCounter(SpendBudgetPeriod period)
    {
        // Model ids are matched ignoring case, as the monitor matches them.
        var key = (period.Scope, period.Scope == SpendScope.Model ? period.Key?.ToUpperInvariant() : period.Key, period.Period);
        while (true)
        {
            if (!_latest.TryGetValue(key, out var latest))
            {
                var created = new Counter(period.LimitUnits, period.Start);
                if (_latest.TryAdd(key, created))
                {
                    return created;
                }

                continue;
            }

            if (latest.Start == period.Start)
            {
                return latest;
            }

            if (latest.Start > period.Start)
            {
                // A period older than one already open (a clock that went back): counted apart, never reopened.
                return new Counter(period.LimitUnits, period.Start);
            }

            var next = new Counter(period.LimitUnits, period.Start);
            if (_latest.TryUpdate(key, next, latest))
            {
                return next;
            }
        }
    }

    internal sealed class Counter(long limit, DateTimeOffset start) : ISpendBudgetCounter
    {
        // Spent plus reserved: the one figure limit checks compare, changed only by CAS or Interlocked.Add. Reads are
        // Volatile.Read (64-bit reads are atomic in a 64-bit process).
        private long _committed;
        private long _spent;
        private long _calls;
        private TaskCompletionSource? _freed;

        public DateTimeOffset Start => start;

        public long Committed => Volatile.Read(ref _committed);

        public long Spent => Volatile.Read(ref _spent);

        public long Calls => Volatile.Read(ref _calls);

        public bool TryReserve(long reservationId, long units)
        {
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

        // Once per reservation is the monitor's guarantee in this process, so the id is not kept.
        public void Release(long reservationId, long units)
        {
            Interlocked.Add(ref _committed, -units);
            SignalFreed();
        }

        public void Settle(long reservationId, long reserved, long actual)
        {
            // Spent first: a concurrent reader may see a little less reserved for a moment, never a negative amount.
            Interlocked.Add(ref _spent, actual);
            Interlocked.Add(ref _committed, actual - reserved);
            Interlocked.Increment(ref _calls);
            SignalFreed();
        }

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

        public void Seed(long units, long calls)
        {
            Interlocked.Add(ref _committed, units);
            Interlocked.Add(ref _spent, units);
            Interlocked.Add(ref _calls, calls);
        }

        private void SignalFreed()
        {
            // Only calls waiting for room pay for the signal; the common path is one read of a null field.
            if (Volatile.Read(ref _freed) is not null)
            {
                Interlocked.Exchange(ref _freed, null)?.TrySetResult();
            }
        }
    }
}
