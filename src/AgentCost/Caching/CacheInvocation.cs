namespace AgentCost.Caching;

/// <summary>
/// The state handed to the cache's factory for one call: the call, and whether the factory ran for this call (a miss)
/// or the result came from the cache or from another caller's run (a hit).
/// </summary>
/// <remarks>
/// <para>A miss runs with the token the cache gives its factory: shared by every caller waiting for the entry and
/// cancelled only when all of them have cancelled, so that one caller giving up fails nobody else. With a
/// cancellable token the cache starts the factory on the thread pool, without the caller's execution context; the
/// context is captured here and restored around the run, so that the method runs in the caller's runtime, tenant,
/// budget and route scopes.</para>
/// One instance per thread is reused for calls that complete synchronously — every hit from the in-process
/// cache — so a hit allocates nothing for its bookkeeping.
/// </remarks>
internal sealed class CacheInvocation<TCall, TResult>
    where TCall : ICachedCall<TResult>
{
    [ThreadStatic]
    private static CacheInvocation<TCall, TResult>? t_spare;

    public static readonly Func<CacheInvocation<TCall, TResult>, CancellationToken, ValueTask<TResult>> Factory =
        static (invocation, cancellationToken) =>
        {
            invocation.Ran = true;
            var context = invocation._context;
            if (context is null)
            {
                return invocation.RunMiss(cancellationToken);
            }

            var run = new MissRun(invocation, cancellationToken);
            ExecutionContext.Run(context, static state => ((MissRun)state!).Start(), run);
            return run.Pending;
        };

    private TCall _call = default!;
    private string? _key;
    private ResultCache.MethodEntry? _entry;
    private ResultCache? _cache;
    private ExecutionContext? _context;

    public bool Ran { get; private set; }

    /// <summary>Takes the spare instance of this thread, or a new one, for one call.</summary>
    /// <param name="call">The call.</param>
    /// <param name="key">The call's cache key.</param>
    /// <param name="entry">The method's entry in the cache.</param>
    /// <param name="cache">The cache that runs the miss.</param>
    /// <param name="cancellationToken">The caller's token: when it can be cancelled, the factory may run elsewhere and needs the caller's context.</param>
    public static CacheInvocation<TCall, TResult> Rent(in TCall call, string key, ResultCache.MethodEntry entry, ResultCache cache, CancellationToken cancellationToken)
    {
        var invocation = t_spare ?? new CacheInvocation<TCall, TResult>();
        t_spare = null;
        invocation._call = call;
        invocation._key = key;
        invocation._entry = entry;
        invocation._cache = cache;
        invocation._context = cancellationToken.CanBeCanceled ? ExecutionContext.Capture() : null;
        invocation.Ran = false;
        return invocation;
    }

    /// <summary>Makes the instance available for the next call on this thread. Only for completed calls.</summary>
    public void Return()
    {
        _call = default!;
        _key = null;
        _entry = null;
        _cache = null;
        _context = null;
        t_spare = this;
    }

    // Nothing of this pooled instance may be used once the run has gone asynchronous: the fields are copied out first.
    private ValueTask<TResult> RunMiss(CancellationToken cancellationToken)
        => _cache!.RunMissAsync<TCall, TResult>(_entry!, _key!, _call, cancellationToken);

    // The state of a miss started inside the caller's execution context.
    private sealed class MissRun(CacheInvocation<TCall, TResult> invocation, CancellationToken cancellationToken)
    {
        public ValueTask<TResult> Pending { get; private set; }

        public void Start() => Pending = invocation.RunMiss(cancellationToken);
    }
}
