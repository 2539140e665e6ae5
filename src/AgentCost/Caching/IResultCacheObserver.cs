namespace AgentCost.Caching;

/// <summary>
/// Hooks the result cache calls on every hit and around every miss, so that what depends on the cache's outcome (what a
/// hit saved, for instance) is kept beside the cache rather than in it. The runtime wires one observer per cache.
/// </summary>
/// <remarks>
/// <para>A hit is the hot path: <see cref="OnHit"/> must allocate nothing and return quickly.</para>
/// <para>A miss is observed around the run itself, on the flow that runs the method (inside the caller's execution
/// context), so that the observer can set ambient state the method's work sees and learn what that work did.</para>
/// </remarks>
internal interface IResultCacheObserver
{
    /// <summary>A call of <paramref name="method"/> was served without running it: from the cache, or from another caller's run.</summary>
    /// <param name="method">The method.</param>
    /// <param name="key">The entry's cache key.</param>
    void OnHit(CachedMethod method, string key);

    /// <summary>Runs a miss of <paramref name="method"/>: must run <paramref name="call"/> once, and return its result as it is.</summary>
    /// <typeparam name="TCall">The call.</typeparam>
    /// <typeparam name="TResult">The method's result type.</typeparam>
    /// <param name="method">The method.</param>
    /// <param name="key">The key of the entry the run fills.</param>
    /// <param name="call">The call to run.</param>
    /// <param name="cancellationToken">The run's token, to pass to <see cref="ICachedCall{TResult}.RunAsync"/>.</param>
    ValueTask<TResult> RunMissAsync<TCall, TResult>(CachedMethod method, string key, TCall call, CancellationToken cancellationToken)
        where TCall : ICachedCall<TResult>;
}
