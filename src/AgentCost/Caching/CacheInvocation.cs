namespace AgentCost.Caching;

/// <summary>
/// The state handed to the cache's factory for one call: the arguments, the method, and whether the factory ran
/// for this call (a miss) or the result came from the cache or from another caller's run (a hit).
/// </summary>
/// <remarks>
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
            return invocation._body.RunAsync(invocation._args);
        };

    private TArgs _args = default!;
    private MethodBody<TArgs, TResult> _body;

    public bool Ran { get; private set; }

    public static CacheInvocation<TArgs, TResult> Rent(in TArgs args, MethodBody<TArgs, TResult> body)
    {
        var invocation = t_spare ?? new CacheInvocation<TArgs, TResult>();
        t_spare = null;
        invocation._args = args;
        invocation._body = body;
        invocation.Ran = false;
        return invocation;
    }

    /// <summary>Makes the instance available for the next call on this thread. Only for completed calls.</summary>
    public void Return()
    {
        _args = default!;
        _body = default;
        t_spare = this;
    }
}
