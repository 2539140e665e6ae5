using System.ComponentModel;
using AgentCost.Budgets;
using AgentCost.Caching;
using AgentCost.Hosting;
using AgentCost.Routing;

namespace AgentCost.Interception;

/// <summary>
/// The entry points generated interceptors call: each applies the method's policies — a token budget scope, an
/// <see cref="AgentTask"/> and a model route around the whole call, then the result cache — and runs the original method as the current
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
        if (!method.HasScopes && method.Cache is null)
        {
            var previous = AgentCallContext.Enter(method);
            try
            {
                return body(args);
            }
            finally
            {
                AgentCallContext.Exit(method, previous);
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
        if (!method.HasScopes && method.Cache is null)
        {
            var previous = AgentCallContext.Enter(method);
            try
            {
                return body(args, cancellationToken);
            }
            finally
            {
                AgentCallContext.Exit(method, previous);
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
        using var budget = OpenBudget(method);
        var task = OpenTask(method);
        using var route = OpenRoute(method, args);
        var previous = AgentCallContext.Enter(method);
        try
        {
            body(args);
            task?.Succeed();
        }
        finally
        {
            AgentCallContext.Exit(method, previous);
            EndTask(task);
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
        return method.HasScopes ? InScopes(method, args, body) : RunInContext(method, args, body);

        static async Task InScopes(AgentMethod method, TArgs args, Func<TArgs, Task> body)
        {
            using var budget = OpenBudget(method);
            var task = OpenTask(method);
            using var route = OpenRoute(method, args);
            try
            {
                await RunInContext(method, args, body).ConfigureAwait(false);
                task?.Succeed();
            }
            finally
            {
                if (task is not null)
                {
                    await task.EndAsync().ConfigureAwait(false);
                }
            }
        }
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
        return method.HasScopes ? InScopes(method, args, body) : RunInContext(method, args, body);

        static async ValueTask InScopes(AgentMethod method, TArgs args, Func<TArgs, ValueTask> body)
        {
            using var budget = OpenBudget(method);
            var task = OpenTask(method);
            using var route = OpenRoute(method, args);
            try
            {
                await RunInContext(method, args, body).ConfigureAwait(false);
                task?.Succeed();
            }
            finally
            {
                if (task is not null)
                {
                    await task.EndAsync().ConfigureAwait(false);
                }
            }
        }
    }

    private static TResult Invoke<TArgs, TResult>(AgentMethod method, TArgs args, CacheKeyWriter<TArgs>? writeKey, MethodBody<TArgs, TResult> body, CancellationToken cancellationToken)
    {
        using var budget = OpenBudget(method);
        var task = OpenTask(method);
        using var route = OpenRoute(method, args);
        try
        {
            // A synchronous method stays synchronous: only a second-level cache, a concurrent miss or a cancellable
            // token (the cache then runs the miss on the thread pool) can leave this pending.
            var pending = method.Cache is null
                ? body.RunAsync(args, method, cancellationToken)
                : AgentCostRuntime.Current.Cache.GetOrCreateAsync(method, in args, writeKey, body, cancellationToken);
            var result = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
            task?.Succeed();
            return result;
        }
        finally
        {
            EndTask(task);
        }
    }

    private static ValueTask<TResult> InvokeAsync<TArgs, TResult>(AgentMethod method, TArgs args, CacheKeyWriter<TArgs>? writeKey, MethodBody<TArgs, TResult> body, CancellationToken cancellationToken)
    {
        if (method.HasScopes)
        {
            return InvokeInScopesAsync(method, args, writeKey, body, cancellationToken);
        }

        return method.Cache is null
            ? body.RunAsync(args, method, cancellationToken)
            : AgentCostRuntime.Current.Cache.GetOrCreateAsync(method, in args, writeKey, body, cancellationToken);
    }

    // The scopes must stay open until the method's task completes, so the asynchronous shapes await inside them.
    private static async ValueTask<TResult> InvokeInScopesAsync<TArgs, TResult>(AgentMethod method, TArgs args, CacheKeyWriter<TArgs>? writeKey, MethodBody<TArgs, TResult> body, CancellationToken cancellationToken)
    {
        using var budget = OpenBudget(method);
        var task = OpenTask(method);
        using var route = OpenRoute(method, args);
        try
        {
            var result = method.Cache is null
                ? await body.RunAsync(args, method, cancellationToken).ConfigureAwait(false)
                : await AgentCostRuntime.Current.Cache.GetOrCreateAsync(method, in args, writeKey, body, cancellationToken).ConfigureAwait(false);
            task?.Succeed();
            return result;
        }
        finally
        {
            if (task is not null)
            {
                await task.EndAsync().ConfigureAwait(false);
            }
        }
    }

    // The method's own flow keeps the context across its awaits; the caller's is restored as soon as it returns.
    private static Task RunInContext<TArgs>(AgentMethod method, TArgs args, Func<TArgs, Task> body)
    {
        var previous = AgentCallContext.Enter(method);
        try
        {
            return body(args);
        }
        finally
        {
            AgentCallContext.Exit(method, previous);
        }
    }

    private static ValueTask RunInContext<TArgs>(AgentMethod method, TArgs args, Func<TArgs, ValueTask> body)
    {
        var previous = AgentCallContext.Enter(method);
        try
        {
            return body(args);
        }
        finally
        {
            AgentCallContext.Exit(method, previous);
        }
    }

    // A synchronous method stays synchronous: it waits for the ledger as an awaited one does, so that a report taken
    // after it returns has its task. Only a ledger that stores in the background leaves this pending.
    private static void EndTask(AgentTask? task)
    {
        if (task is null)
        {
            return;
        }

        var pending = task.EndAsync();
        if (!pending.IsCompletedSuccessfully)
        {
            pending.AsTask().GetAwaiter().GetResult();
        }
    }

    private static TokenBudgetScope? OpenBudget(AgentMethod method)
        => method.Budget is { } policy ? TokenBudget.Begin(method.DisplayName, policy) : null;

    private static AgentTask? OpenTask(AgentMethod method)
        => method.TaskName is { } name ? AgentTask.Begin(name) : null;

    private static ModelRouteScope? OpenRoute<TArgs>(AgentMethod method, TArgs args)
        => method.Route is { } policy ? ModelRouting.Begin(method.DisplayName, policy.Route, policy.GetPrompt(args)) : null;
}
