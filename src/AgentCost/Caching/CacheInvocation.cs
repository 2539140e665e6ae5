using AgentCost.Interception;
using AgentCost.Spending;

namespace AgentCost.Caching;

/// <summary>
/// The state handed to the cache's factory for one call: the arguments, the method, and whether the factory ran
/// for this call (a miss) or the result came from the cache or from another caller's run (a hit).
/// </summary>
/// <remarks>
/// <para>A miss runs the method as the current agent method (<see cref="AgentCallContext"/>) and sums the cost of the
/// model calls it makes, which the cache keeps beside the entry so that a hit can credit what it saved.</para>
/// One instance per thread is reused for calls that complete synchronously — every hit from the in-process
/// cache — so a hit allocates nothing for its bookkeeping.
/// </remarks>
internal sealed class CacheInvocation<TArgs, TResult>
{
    [ThreadStatic]
    private static CacheInvocation<TArgs, TResult>? t_spare;

    public static readonly Func<CacheInvocation<TArgs, TResult>, CancellationToken, ValueTask<TResult>> Factory =
        static (invocation, _) =>
        {
            invocation.Ran = true;
            return invocation.RunMiss();
        };

    private TArgs _args = default!;
    private MethodBody<TArgs, TResult> _body;
    private AgentMethod? _method;
    private string? _key;
    private ResultCache? _cache;

    public bool Ran { get; private set; }

    public static CacheInvocation<TArgs, TResult> Rent(in TArgs args, MethodBody<TArgs, TResult> body, AgentMethod method, string key, ResultCache cache)
    {
        var invocation = t_spare ?? new CacheInvocation<TArgs, TResult>();
        t_spare = null;
        invocation._args = args;
        invocation._body = body;
        invocation._method = method;
        invocation._key = key;
        invocation._cache = cache;
        invocation.Ran = false;
        return invocation;
    }

    /// <summary>Makes the instance available for the next call on this thread. Only for completed calls.</summary>
    public void Return()
    {
        _args = default!;
        _body = default;
        _method = null;
        _key = null;
        _cache = null;
        t_spare = this;
    }

    // Runs the method for a miss. Nothing of this pooled instance may be used once the method has gone asynchronous.
    private ValueTask<TResult> RunMiss()
    {
        var method = _method!;
        var key = _key!;
        var cache = _cache!;
        var capture = SpendCapture.Begin(out var previousCapture);
        var previousMethod = AgentCallContext.Enter(method);
        ValueTask<TResult> pending;
        try
        {
            pending = _body.RunAsync(_args);
        }
        finally
        {
            AgentCallContext.Exit(method, previousMethod);
            SpendCapture.End(capture, previousCapture);
        }

        if (pending.IsCompletedSuccessfully)
        {
            cache.RecordMissSpend(method, key, capture.Units);
            return pending;
        }

        return AwaitMissAsync(pending, capture, cache, method, key);
    }

    private static async ValueTask<TResult> AwaitMissAsync(ValueTask<TResult> pending, SpendCapture capture, ResultCache cache, AgentMethod method, string key)
    {
        var result = await pending.ConfigureAwait(false);
        cache.RecordMissSpend(method, key, capture.Units);
        return result;
    }
}
