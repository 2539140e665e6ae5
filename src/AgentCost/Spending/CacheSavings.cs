using System.Collections.Concurrent;
using AgentCost.Caching;

namespace AgentCost.Spending;

/// <summary>
/// What <c>[Cached]</c> hits save, observed from the result cache's hooks: while a miss runs the method, the model spend
/// it causes is summed (a <see cref="SpendCapture"/> around the run), and kept in a side table keyed by the entry's
/// cache key; a later hit of that key credits that amount as saved (<see cref="SpendReport.ResultCacheSavings"/>).
/// </summary>
/// <remarks>
/// <para>The amount is kept beside the cache, not in the entry, so that the format of entries in a shared second-level
/// cache does not change and other replicas can still read them. The table is in-process and bounded: a hit of an entry
/// made by another replica, or forgotten when the table was full, saves an unknown amount and is not credited.</para>
/// <para>A hit of a method whose misses never spent anything does no lookup by key.</para>
/// </remarks>
internal sealed class CacheSavings(SpendMonitor spending) : IResultCacheObserver
{
    private const int MissCostCapacity = 16_384;

    private readonly ConcurrentDictionary<string, long> _missCosts = new(StringComparer.Ordinal);

    // Methods a miss of which has spent something; the others' hits stop at this lookup by reference.
    private readonly ConcurrentDictionary<CachedMethod, bool> _spendingMethods = new();
    private int _missCostCount;

    /// <inheritdoc />
    public void OnHit(CachedMethod method, string key)
    {
        if (Volatile.Read(ref _missCostCount) == 0 || !_spendingMethods.ContainsKey(method))
        {
            return;
        }

        if (_missCosts.TryGetValue(key, out var units) && units > 0)
        {
            spending.CreditCacheHit(method.DisplayName, units);
        }
    }

    /// <inheritdoc />
    public ValueTask<TResult> RunMissAsync<TCall, TResult>(CachedMethod method, string key, TCall call, CancellationToken cancellationToken)
        where TCall : ICachedCall<TResult>
    {
        var capture = SpendCapture.Begin(out var previous);
        ValueTask<TResult> pending;
        try
        {
            pending = call.RunAsync(cancellationToken);
        }
        finally
        {
            SpendCapture.End(capture, previous);
        }

        if (pending.IsCompletedSuccessfully)
        {
            RecordMissSpend(method, key, capture.Units);
            return pending;
        }

        return AwaitMissAsync(pending, method, key, capture);
    }

    private async ValueTask<TResult> AwaitMissAsync<TResult>(ValueTask<TResult> pending, CachedMethod method, string key, SpendCapture capture)
    {
        var result = await pending.ConfigureAwait(false);
        RecordMissSpend(method, key, capture.Units);
        return result;
    }

    // Keeps what the model calls of a miss cost, for the hits of its entry; a miss that spent nothing forgets an older amount.
    private void RecordMissSpend(CachedMethod method, string key, long units)
    {
        if (units <= 0)
        {
            if (_spendingMethods.ContainsKey(method))
            {
                _missCosts.TryRemove(key, out _);
            }

            return;
        }

        _spendingMethods.TryAdd(method, true);
        if (Interlocked.Increment(ref _missCostCount) > MissCostCapacity)
        {
            _missCosts.Clear();
            Interlocked.Exchange(ref _missCostCount, 1);
        }

        _missCosts[key] = units;
    }
}
