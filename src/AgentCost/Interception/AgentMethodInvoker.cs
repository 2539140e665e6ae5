using System.ComponentModel;
using AgentCost.Hosting;

namespace AgentCost.Interception;

/// <summary>
/// The entry points generated interceptors call: each applies the method's policies — a token budget scope, an
/// <see cref="AgentTask"/> and a model route around the whole call, then the result cache or the semantic cache — and runs the original method as the current
/// agent method (<see cref="AgentCallContext"/>), so that its model calls are charged to it. Not meant to be called by
/// hand.
/// </summary>
/// <remarks>
/// <para>The budget scope and the task enclose the cache lookup so that a miss, which runs the method, runs inside
/// them; a hit spends no tokens and only opens and closes them (a task it ends succeeds at no cost).</para>
/// <para>The method context is set only where the method runs: around the call of a method that is not cached, and
/// inside the cache's factory for a miss of a cached one. A hit, which runs nothing, pays nothing for it.</para>
/// <para>A task succeeds when the method returns (or its task completes) and fails when it throws. The call returns (or
/// its task completes) only once the ledger has stored the task, so a report taken next has it; a ledger that fails is
/// logged and does not fail the call.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class AgentMethodInvoker
{
    /// <summary>Runs a method that returns <typeparamref name="TResult"/> synchronously.</summary>
    /// <typeparam name="TArgs">The tuple of receiver and arguments.</typeparam>
    /// <typeparam name="TResult">The method's return type.</typeparam>
    /// <param name="method">The method's descriptor.</param>
    /// <param name="args">The receiver and arguments.</param>
    /// <param name="writeKey">Adds the key arguments to a cache key; <see langword="null"/> when there are none.</param>
    /// <param name="body">Calls the original method.</param>
    /// <returns>The method's result, from the cache or from running it.</returns>
    public static TResult Invoke<TArgs, TResult>(AgentMethod method, TArgs args, CacheKeyWriter<TArgs>? writeKey, Func<TArgs, TResult> body)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(body);
        return Invoke(method, args, writeKey, new MethodBody<TArgs, TResult>(body), CancellationToken.None);
    }

    /// <summary>
    /// Runs a method that returns <typeparamref name="TResult"/> synchronously and takes a <see cref="CancellationToken"/>.
    /// </summary>
    /// <typeparam name="TArgs">The tuple of receiver and arguments.</typeparam>
    /// <typeparam name="TResult">The method's return type.</typeparam>
    /// <param name="method">The method's descriptor.</param>
    /// <param name="args">The receiver and arguments.</param>
    /// <param name="writeKey">Adds the key arguments to a cache key; <see langword="null"/> when there are none.</param>
    /// <param name="body">Calls the original method with the token it is given in place of the caller's.</param>
    /// <param name="cancellationToken">The call's own cancellation token.</param>
    /// <returns>The method's result, from the cache or from running it.</returns>
    /// <remarks>The method is given the caller's token, or for a cache miss the cache's token, which is cancelled only when every caller waiting for the same entry has cancelled.</remarks>
    public static TResult Invoke<TArgs, TResult>(AgentMethod method, TArgs args, CacheKeyWriter<TArgs>? writeKey, Func<TArgs, CancellationToken, TResult> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(body);
        return Invoke(method, args, writeKey, new MethodBody<TArgs, TResult>(body), cancellationToken);
    }

    /// <summary>Runs a method that returns <see cref="Task{TResult}"/>.</summary>
    /// <typeparam name="TArgs">The tuple of receiver and arguments.</typeparam>
    /// <typeparam name="TResult">The method's result type.</typeparam>
    /// <param name="method">The method's descriptor.</param>
    /// <param name="args">The receiver and arguments.</param>
    /// <param name="writeKey">Adds the key arguments to a cache key; <see langword="null"/> when there are none.</param>
    /// <param name="body">Calls the original method.</param>
    /// <param name="cancellationToken">The call's own cancellation token, or <see langword="default"/>.</param>
    /// <returns>The method's result, from the cache or from running it.</returns>
    public static Task<TResult> InvokeAsync<TArgs, TResult>(AgentMethod method, TArgs args, CacheKeyWriter<TArgs>? writeKey, Func<TArgs, Task<TResult>> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(body);
        if (!method.HasScopes && !method.IsCached)
        {
            using (AgentCallScope.EnterMethod(method))
            {
                return body(args);
            }
        }

        return InvokeAsync(method, args, writeKey, new MethodBody<TArgs, TResult>(body), cancellationToken).AsTask();
    }

    /// <summary>Runs a method that returns <see cref="Task{TResult}"/> and takes a <see cref="CancellationToken"/>.</summary>
    /// <typeparam name="TArgs">The tuple of receiver and arguments.</typeparam>
    /// <typeparam name="TResult">The method's result type.</typeparam>
    /// <param name="method">The method's descriptor.</param>
    /// <param name="args">The receiver and arguments.</param>
    /// <param name="writeKey">Adds the key arguments to a cache key; <see langword="null"/> when there are none.</param>
    /// <param name="body">Calls the original method with the token it is given in place of the caller's.</param>
    /// <param name="cancellationToken">The call's own cancellation token; a cancelled caller stops waiting at once.</param>
    /// <returns>The method's result, from the cache or from running it.</returns>
    /// <remarks>The method is given the caller's token, or for a cache miss the cache's token, which is cancelled only when every caller waiting for the same entry has cancelled.</remarks>
    public static Task<TResult> InvokeAsync<TArgs, TResult>(AgentMethod method, TArgs args, CacheKeyWriter<TArgs>? writeKey, Func<TArgs, CancellationToken, Task<TResult>> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(body);
        if (!method.HasScopes && !method.IsCached)
        {
            using (AgentCallScope.EnterMethod(method))
            {
                return body(args, cancellationToken);
            }
        }

        return InvokeAsync(method, args, writeKey, new MethodBody<TArgs, TResult>(body), cancellationToken).AsTask();
    }

    /// <summary>Runs a method that returns <see cref="ValueTask{TResult}"/>.</summary>
    /// <typeparam name="TArgs">The tuple of receiver and arguments.</typeparam>
    /// <typeparam name="TResult">The method's result type.</typeparam>
    /// <param name="method">The method's descriptor.</param>
    /// <param name="args">The receiver and arguments.</param>
    /// <param name="writeKey">Adds the key arguments to a cache key; <see langword="null"/> when there are none.</param>
    /// <param name="body">Calls the original method.</param>
    /// <param name="cancellationToken">The call's own cancellation token, or <see langword="default"/>.</param>
    /// <returns>The method's result, from the cache or from running it.</returns>
    public static ValueTask<TResult> InvokeValueTaskAsync<TArgs, TResult>(AgentMethod method, TArgs args, CacheKeyWriter<TArgs>? writeKey, Func<TArgs, ValueTask<TResult>> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(body);
        return InvokeAsync(method, args, writeKey, new MethodBody<TArgs, TResult>(body), cancellationToken);
    }

    /// <summary>Runs a method that returns <see cref="ValueTask{TResult}"/> and takes a <see cref="CancellationToken"/>.</summary>
    /// <typeparam name="TArgs">The tuple of receiver and arguments.</typeparam>
    /// <typeparam name="TResult">The method's result type.</typeparam>
    /// <param name="method">The method's descriptor.</param>
    /// <param name="args">The receiver and arguments.</param>
    /// <param name="writeKey">Adds the key arguments to a cache key; <see langword="null"/> when there are none.</param>
    /// <param name="body">Calls the original method with the token it is given in place of the caller's.</param>
    /// <param name="cancellationToken">The call's own cancellation token; a cancelled caller stops waiting at once.</param>
    /// <returns>The method's result, from the cache or from running it.</returns>
    /// <remarks>The method is given the caller's token, or for a cache miss the cache's token, which is cancelled only when every caller waiting for the same entry has cancelled.</remarks>
    public static ValueTask<TResult> InvokeValueTaskAsync<TArgs, TResult>(AgentMethod method, TArgs args, CacheKeyWriter<TArgs>? writeKey, Func<TArgs, CancellationToken, ValueTask<TResult>> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(body);
        return InvokeAsync(method, args, writeKey, new MethodBody<TArgs, TResult>(body), cancellationToken);
    }

    /// <summary>Runs a method that returns nothing. Only policies that need no result apply (not the cache).</summary>
    /// <typeparam name="TArgs">The tuple of receiver and arguments.</typeparam>
    /// <param name="method">The method's descriptor.</param>
    /// <param name="args">The receiver and arguments.</param>
    /// <param name="body">Calls the original method.</param>
    public static void InvokeVoid<TArgs>(AgentMethod method, TArgs args, Action<TArgs> body)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(body);
        var scope = AgentCallScope.Open(method, args);
        try
        {
            using (AgentCallScope.EnterMethod(method))
            {
                body(args);
            }

            scope.Succeed();
        }
        finally
        {
            scope.Close();
        }
    }

    /// <summary>Runs a method that returns <see cref="Task"/>. Only policies that need no result apply (not the cache).</summary>
    /// <typeparam name="TArgs">The tuple of receiver and arguments.</typeparam>
    /// <param name="method">The method's descriptor.</param>
    /// <param name="args">The receiver and arguments.</param>
    /// <param name="body">Calls the original method.</param>
    /// <returns>The method's task.</returns>
    public static Task InvokeTaskAsync<TArgs>(AgentMethod method, TArgs args, Func<TArgs, Task> body)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(body);
        if (!method.HasScopes)
        {
            using (AgentCallScope.EnterMethod(method))
            {
                return body(args);
            }
        }

        return InvokeInScopesAsync(method, args, new VoidMethodBody<TArgs>(body)).AsTask();
    }

    /// <summary>Runs a method that returns <see cref="ValueTask"/>. Only policies that need no result apply (not the cache).</summary>
    /// <typeparam name="TArgs">The tuple of receiver and arguments.</typeparam>
    /// <param name="method">The method's descriptor.</param>
    /// <param name="args">The receiver and arguments.</param>
    /// <param name="body">Calls the original method.</param>
    /// <returns>The method's task.</returns>
    public static ValueTask InvokeValueTaskAsync<TArgs>(AgentMethod method, TArgs args, Func<TArgs, ValueTask> body)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(body);
        if (!method.HasScopes)
        {
            using (AgentCallScope.EnterMethod(method))
            {
                return body(args);
            }
        }

        return InvokeInScopesAsync(method, args, new VoidMethodBody<TArgs>(body));
    }

    private static TResult Invoke<TArgs, TResult>(AgentMethod method, TArgs args, CacheKeyWriter<TArgs>? writeKey, MethodBody<TArgs, TResult> body, CancellationToken cancellationToken)
    {
        var scope = AgentCallScope.Open(method, args);
        try
        {
            // A synchronous method stays synchronous: only a second-level cache, a concurrent miss or a cancellable
            // token (the cache then runs the miss on the thread pool) can leave this pending.
            var pending = Run(method, args, writeKey, body, scope.Runtime, cancellationToken);
            var result = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
            scope.Succeed();
            return result;
        }
        finally
        {
            scope.Close();
        }
    }

    private static ValueTask<TResult> InvokeAsync<TArgs, TResult>(AgentMethod method, TArgs args, CacheKeyWriter<TArgs>? writeKey, MethodBody<TArgs, TResult> body, CancellationToken cancellationToken)
    {
        if (method.HasScopes)
        {
            return InvokeInScopesAsync(method, args, writeKey, body, cancellationToken);
        }

        return Run(method, args, writeKey, body, AgentCallScope.RuntimeFor(method), cancellationToken);
    }

    // The scopes must stay open until the method's task completes, so the asynchronous shapes await inside them.
    private static async ValueTask<TResult> InvokeInScopesAsync<TArgs, TResult>(AgentMethod method, TArgs args, CacheKeyWriter<TArgs>? writeKey, MethodBody<TArgs, TResult> body, CancellationToken cancellationToken)
    {
        var scope = AgentCallScope.Open(method, args);
        try
        {
            var result = await Run(method, args, writeKey, body, scope.Runtime, cancellationToken).ConfigureAwait(false);
            scope.Succeed();
            return result;
        }
        finally
        {
            await scope.CloseAsync().ConfigureAwait(false);
        }
    }

    private static async ValueTask InvokeInScopesAsync<TArgs>(AgentMethod method, TArgs args, VoidMethodBody<TArgs> body)
    {
        var scope = AgentCallScope.Open(method, args);
        try
        {
            ValueTask pending;
            using (AgentCallScope.EnterMethod(method))
            {
                pending = body.RunAsync(args);
            }

            await pending.ConfigureAwait(false);
            scope.Succeed();
        }
        finally
        {
            await scope.CloseAsync().ConfigureAwait(false);
        }
    }

    // Runs the method, through the result cache or the semantic cache when it is cached: the runtime is the one the
    // entry point resolved.
    private static ValueTask<TResult> Run<TArgs, TResult>(AgentMethod method, TArgs args, CacheKeyWriter<TArgs>? writeKey, MethodBody<TArgs, TResult> body, AgentCostRuntime? runtime, CancellationToken cancellationToken)
    {
        if (method.Cache is null)
        {
            if (method.SemanticCache is not null)
            {
                return runtime!.SemanticMethods.GetOrCreateAsync(method, args, writeKey, body, cancellationToken);
            }

            using (AgentCallScope.EnterMethod(method))
            {
                return body.RunAsync(args, cancellationToken);
            }
        }

        var call = new InterceptedCall<TArgs, TResult>(method, args, writeKey, body);
        return runtime!.Cache.GetOrCreateAsync<InterceptedCall<TArgs, TResult>, TResult>(
            method.CacheIdentity, AgentCostContext.Current?.Tenant, in call, cancellationToken);
    }
}
