using System.Collections.Concurrent;
using System.Text.Json;
using AgentCost.Telemetry;
using Microsoft.Extensions.Caching.Hybrid;

namespace AgentCost.Caching;

/// <summary>
/// The result cache behind <see cref="CachedAttribute"/>, on <see cref="HybridCache"/>: in-process by default,
/// with any registered <c>IDistributedCache</c> as second level. Concurrent identical misses run the method once;
/// exceptions are never cached.
/// </summary>
/// <remarks>
/// <para>Keys include the partition the caller gives (the tenant of <see cref="AgentCostContext"/>), so one tenant is
/// never served another's result.</para>
/// <para>The cache keeps results and its own statistics, nothing else: what a hit saved is kept by an observer of its
/// hits and misses that the runtime wires to its spend monitor.</para>
/// </remarks>
public sealed class ResultCache
{
    private readonly HybridCache _cache;
    private readonly ResultCacheOptions _options;
    private readonly JsonSerializerOptions _keySerializerOptions;
    private readonly AgentCostMetrics _metrics;
    private readonly ConcurrentDictionary<CachedMethod, MethodEntry> _methods = new();
    private readonly RecentKeys _recentKeys = new();
    private readonly IResultCacheObserver? _observer;

    internal ResultCache(HybridCache cache, ResultCacheOptions options, AgentCostMetrics metrics, JsonSerializerOptions? keySerializerOptions, IResultCacheObserver? observer = null)
    {
        _observer = observer;
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
    /// <param name="method">The method.</param>
    /// <param name="partition">The tenant, or <see langword="null"/>: keys of different partitions never match.</param>
    /// <param name="call">The call's key arguments.</param>
    internal string CreateKey<TKey>(CachedMethod method, string? partition, in TKey call)
        where TKey : ICacheKeySource
    {
        var builder = new CacheKeyBuilder(method, partition, _keySerializerOptions);
        try
        {
            call.WriteKey(ref builder);
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

    /// <summary>Serves a call from the cache, or runs it and caches its result.</summary>
    /// <typeparam name="TCall">The call.</typeparam>
    /// <typeparam name="TResult">The method's result type.</typeparam>
    /// <param name="method">The method.</param>
    /// <param name="partition">The tenant, or <see langword="null"/>.</param>
    /// <param name="call">The call: its key arguments and how to run it.</param>
    /// <param name="cancellationToken">The caller's token: a cancelled caller stops waiting, the run goes on for the others.</param>
    internal ValueTask<TResult> GetOrCreateAsync<TCall, TResult>(CachedMethod method, string? partition, in TCall call, CancellationToken cancellationToken)
        where TCall : ICachedCall<TResult>
    {
        if (!_options.Enabled)
        {
            return call.RunAsync(cancellationToken);
        }

        var entry = _methods.GetOrAdd(method, static (m, options) => new MethodEntry(m, options), _options);
        var key = CreateKey(method, partition, in call);
        var invocation = CacheInvocation<TCall, TResult>.Rent(in call, key, entry, this, cancellationToken);
        var pending = _cache.GetOrCreateAsync(key, invocation, CacheInvocation<TCall, TResult>.Factory, entry.EntryOptions, tags: null, cancellationToken);

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

    private async ValueTask<TResult> AwaitAsync<TCall, TResult>(
        ValueTask<TResult> pending,
        CacheInvocation<TCall, TResult> invocation,
        MethodEntry entry,
        string key)
        where TCall : ICachedCall<TResult>
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

    /// <summary>Counts a run of the method, when it starts (whichever of the callers waiting for it stays to the end), and runs it.</summary>
    internal ValueTask<TResult> RunMissAsync<TCall, TResult>(MethodEntry entry, string key, TCall call, CancellationToken cancellationToken)
        where TCall : ICachedCall<TResult>
    {
        Record(entry, ran: true);
        return _observer is null
            ? call.RunAsync(cancellationToken)
            : _observer.RunMissAsync<TCall, TResult>(entry.Method, key, call, cancellationToken);
    }

    private void RecordHit(MethodEntry entry, string key)
    {
        Record(entry, ran: false);
        _observer?.OnHit(entry.Method, key);
    }

    private void Record(MethodEntry entry, bool ran)
    {
        Interlocked.Increment(ref ran ? ref entry.Misses : ref entry.Hits);

        if (_metrics.CacheRequests.Enabled)
        {
            _metrics.CacheRequests.Add(
                1,
                new KeyValuePair<string, object?>("kind", "exact"),
                new KeyValuePair<string, object?>("result", ran ? "miss" : "hit"),
                new KeyValuePair<string, object?>("agentcost.method", entry.Method.DisplayName));
        }
    }

    internal sealed class MethodEntry(CachedMethod method, ResultCacheOptions options)
    {
        public long Hits;
        public long Misses;

        public CachedMethod Method { get; } = method;

        public HybridCacheEntryOptions EntryOptions { get; } = CreateEntryOptions(method.GetTimeToLive(options.DefaultTtl));

        private static HybridCacheEntryOptions CreateEntryOptions(TimeSpan ttl) => new()
        {
            Expiration = ttl,
            LocalCacheExpiration = ttl,
        };
    }
}
