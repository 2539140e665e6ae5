using System.Collections.Concurrent;
using System.Text.Json;
using AgentCost.Interception;
using AgentCost.Spending;
using AgentCost.Telemetry;
using Microsoft.Extensions.Caching.Hybrid;

namespace AgentCost.Caching;

/// <summary>
/// The result cache behind <see cref="CachedAttribute"/>, on <see cref="HybridCache"/>: in-process by default,
/// with any registered <c>IDistributedCache</c> as second level. Concurrent identical misses run the method once;
/// exceptions are never cached.
/// </summary>
/// <remarks>
/// <para>Keys include the tenant of <see cref="AgentCostContext"/>, so one tenant is never served another's result.</para>
/// <para>Savings: while a miss runs the method, the model spend it causes is summed, and kept in a side table keyed by
/// the entry's cache key (not in the entry itself, so that the format of entries in a shared second-level cache does
/// not change and other replicas can still read them). A later hit of that key credits that amount as saved
/// (<see cref="SpendReport.ResultCacheSavings"/>). The table is in-process and bounded: a hit of an entry made by another
/// replica, or forgotten when the table was full, saves an unknown amount and is not credited. Methods whose misses
/// never spent anything do no lookup at all.</para>
/// </remarks>
public sealed class ResultCache
{
    private readonly HybridCache _cache;
    private readonly ResultCacheOptions _options;
    private readonly JsonSerializerOptions _keySerializerOptions;
    private readonly AgentCostMetrics _metrics;
    private readonly ConcurrentDictionary<AgentMethod, MethodEntry> _methods = new();
    private readonly RecentKeys _recentKeys = new();
    private readonly ConcurrentDictionary<string, long> _missCosts = new(StringComparer.Ordinal);
    private readonly SpendMonitor? _spending;
    private int _missCostCount;

    internal ResultCache(HybridCache cache, ResultCacheOptions options, AgentCostMetrics metrics, JsonSerializerOptions? keySerializerOptions, SpendMonitor? spending = null)
    {
        _spending = spending;
        _cache = cache;
        _options = options;
        _metrics = metrics;
        _keySerializerOptions = keySerializerOptions ?? KeySerialization.DefaultOptions;
    }

    /// <summary>Hits and misses of every cached method called so far, ordered by method name.</summary>
    public IReadOnlyList<CacheStatistics> GetStatistics()
        => _methods.Values
            .GroupBy(entry => entry.Method.DisplayName, StringComparer.Ordinal)
            .Select(group => new CacheStatistics(group.Key, group.Sum(e => e.Hits), group.Sum(e => e.Misses)))
            .OrderBy(statistics => statistics.Method, StringComparer.Ordinal)
            .ToList();

    /// <summary>Hits and misses of one method (all its overloads), named <c>DeclaringType.Name</c>, for example <c>"MyApp.Tools.SearchAsync"</c>.</summary>
    /// <param name="method">The method's full name.</param>
    public CacheStatistics GetStatistics(string method)
    {
        ArgumentNullException.ThrowIfNull(method);
        long hits = 0, misses = 0;
        foreach (var entry in _methods.Values)
        {
            if (string.Equals(entry.Method.DisplayName, method, StringComparison.Ordinal))
            {
                hits += entry.Hits;
                misses += entry.Misses;
            }
        }

        return new CacheStatistics(method, hits, misses);
    }

    /// <summary>Computes the cache key of a call.</summary>
    internal string CreateKey<TArgs>(AgentMethod method, in TArgs args, CacheKeyWriter<TArgs>? writeKey)
    {
        var builder = new CacheKeyBuilder(method, partition: AgentCostContext.Current?.Tenant, _keySerializerOptions);
        try
        {
            writeKey?.Invoke(ref builder, in args);
            if (_recentKeys.TryGet(builder.EncodedBytes, out var key))
            {
                return key;
            }

            key = builder.ToKey();
            _recentKeys.Add(builder.EncodedBytes, key);
            return key;
        }
        finally
        {
            builder.Dispose();
        }
    }

    internal ValueTask<TResult> GetOrCreateAsync<TArgs, TResult>(
        AgentMethod method,
        in TArgs args,
        CacheKeyWriter<TArgs>? writeKey,
        MethodBody<TArgs, TResult> body,
        CancellationToken cancellationToken)
    {
        if (!_options.Enabled || method.Cache is null)
        {
            return body.RunAsync(args, method, cancellationToken);
        }

        var entry = _methods.GetOrAdd(method, static (m, options) => new MethodEntry(m, options), _options);
        var key = CreateKey(method, in args, writeKey);
        var invocation = CacheInvocation<TArgs, TResult>.Rent(in args, body, method, key, this, cancellationToken);
        var pending = _cache.GetOrCreateAsync(key, invocation, CacheInvocation<TArgs, TResult>.Factory, entry.EntryOptions, tags: null, cancellationToken);

        if (pending.IsCompletedSuccessfully)
        {
            var result = pending.Result;
            var ran = invocation.Ran;
            invocation.Return();
            if (!ran)
            {
                RecordHit(entry, key);
            }

            if (result is null && !_options.CacheNullResults)
            {
                return ForgetAsync(key, result);
            }

            return new ValueTask<TResult>(result);
        }

        return AwaitAsync(pending, invocation, entry, key);
    }

    private async ValueTask<TResult> AwaitAsync<TArgs, TResult>(
        ValueTask<TResult> pending,
        CacheInvocation<TArgs, TResult> invocation,
        MethodEntry entry,
        string key)
    {
        // Not returned to the per-thread spare: a cancelled caller may leave the factory still holding it. A caller
        // that fails or gives up records nothing: the miss is recorded by the run itself.
        var result = await pending.ConfigureAwait(false);
        if (!invocation.Ran)
        {
            RecordHit(entry, key);
        }

        // Any caller that gets a null result removes it, not only the one whose call ran the method: that caller may
        // have cancelled while the others waited. Removal is idempotent, and with null results off, no null entry is meant to stay.
        if (result is null && !_options.CacheNullResults)
        {
            await _cache.RemoveAsync(key).ConfigureAwait(false);
        }

        return result;
    }

    private async ValueTask<TResult> ForgetAsync<TResult>(string key, TResult result)
    {
        await _cache.RemoveAsync(key).ConfigureAwait(false);
        return result;
    }

    /// <summary>Keeps what the model calls of a miss cost, for the hits of its entry.</summary>
    internal void RecordMissSpend(AgentMethod method, string key, long units)
    {
        if (!_methods.TryGetValue(method, out var entry))
        {
            return;
        }

        if (units <= 0)
        {
            if (entry.HasSpend)
            {
                _missCosts.TryRemove(key, out _);
            }

            return;
        }

        entry.HasSpend = true;
        if (Interlocked.Increment(ref _missCostCount) > MissCostCapacity)
        {
            _missCosts.Clear();
            Interlocked.Exchange(ref _missCostCount, 1);
        }

        _missCosts[key] = units;
    }

    private const int MissCostCapacity = 16_384;

    private void CreditHit(MethodEntry entry, string key)
    {
        if (_spending is not null && _missCosts.TryGetValue(key, out var units) && units > 0)
        {
            _spending.CreditCacheHit(entry.Method, units);
        }
    }

    /// <summary>Counts a run of the method, when it starts: whichever of the callers waiting for it stays to the end.</summary>
    internal void RecordMiss(AgentMethod method)
    {
        if (_methods.TryGetValue(method, out var entry))
        {
            Record(entry, ran: true);
        }
    }

    private void RecordHit(MethodEntry entry, string key)
    {
        Record(entry, ran: false);
        if (entry.HasSpend)
        {
            CreditHit(entry, key);
        }
    }

    private void Record(MethodEntry entry, bool ran)
    {
        Interlocked.Increment(ref ran ? ref entry.Misses : ref entry.Hits);

        if (_metrics.CacheRequests.Enabled)
        {
            _metrics.CacheRequests.Add(
                1,
                new KeyValuePair<string, object?>("result", ran ? "miss" : "hit"),
                new KeyValuePair<string, object?>("agentcost.method", entry.Method.DisplayName));
        }
    }

    private sealed class MethodEntry(AgentMethod method, ResultCacheOptions options)
    {
        public long Hits;
        public long Misses;
        public volatile bool HasSpend;

        public AgentMethod Method { get; } = method;

        public HybridCacheEntryOptions EntryOptions { get; } = CreateEntryOptions(method.Cache!.GetTimeToLive(options.DefaultTtl, method.DisplayName));

        private static HybridCacheEntryOptions CreateEntryOptions(TimeSpan ttl) => new()
        {
            Expiration = ttl,
            LocalCacheExpiration = ttl,
        };
    }
}
