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
/// <para>A miss runs with the token the cache gives its factory: shared by every caller waiting for the entry and
/// cancelled only when all of them have cancelled, so that one caller giving up fails nobody else. With a
/// cancellable token the cache starts the factory on the thread pool, without the caller's execution context; the
/// context is captured here and restored around the method, so that it runs in the caller's runtime, tenant,
/// budget and route scopes.</para>
/// One instance per thread is reused for calls that complete synchronously — every hit from the in-process
/// cache — so a hit allocates nothing for its bookkeeping.
/// </remarks>
internal sealed class CacheInvocation<TArgs, TResult>
{
    [ThreadStatic]
    private static CacheInvocation<TArgs, TResult>? t_spare;

    public static readonly Func<CacheInvocation<TArgs, TResult>, CancellationToken, ValueTask<TResult>> Factory =
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

    private TArgs _args = default!;
    private MethodBody<TArgs, TResult> _body;
    private AgentMethod? _method;
    private string? _key;
    private ResultCache? _cache;
    private ExecutionContext? _context;

    public bool Ran { get; private set; }

    /// <summary>Takes the spare instance of this thread, or a new one, for one call.</summary>
    /// <param name="args">The call's receiver and arguments.</param>
    /// <param name="body">The method.</param>
    /// <param name="method">The method's descriptor.</param>
    /// <param name="key">The call's cache key.</param>
    /// <param name="cache">The cache that records the miss.</param>
    /// <param name="cancellationToken">The caller's token: when it can be cancelled, the factory may run elsewhere and needs the caller's context.</param>
    public static CacheInvocation<TArgs, TResult> Rent(in TArgs args, MethodBody<TArgs, TResult> body, AgentMethod method, string key, ResultCache cache, CancellationToken cancellationToken)
    {
        var invocation = t_spare ?? new CacheInvocation<TArgs, TResult>();
        t_spare = null;
        invocation._args = args;
        invocation._body = body;
        invocation._method = method;
        invocation._key = key;
        invocation._cache = cache;
        invocation._context = cancellationToken.CanBeCanceled ? ExecutionContext.Capture() : null;
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
        _context = null;
        t_spare = this;
    }

    // Runs the method for a miss. Nothing of this pooled instance may be used once the method has gone asynchronous.
    private ValueTask<TResult> RunMiss(CancellationToken cancellationToken)
    {
        var method = _method!;
        var key = _key!;
        var cache = _cache!;
        cache.RecordMiss(method);
        var capture = SpendCapture.Begin(out var previousCapture);
        var previousMethod = AgentCallContext.Enter(method);
        ValueTask<TResult> pending;
        try
        {
            pending = _body.RunAsync(_args, cancellationToken);
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

    // The state of a miss started inside the caller's execution context.
    private sealed class MissRun(CacheInvocation<TArgs, TResult> invocation, CancellationToken cancellationToken)
    {
        public ValueTask<TResult> Pending { get; private set; }

        public void Start() => Pending = invocation.RunMiss(cancellationToken);
    }
}
