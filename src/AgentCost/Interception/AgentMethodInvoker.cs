using System.ComponentModel;
using AgentCost.Budgets;
using AgentCost.Caching;
using AgentCost.Hosting;

namespace AgentCost.Interception;

/// <summary>
/// The entry points generated interceptors call: each applies the method's policies — a token budget scope around
/// the whole call, then the result cache — and runs the original method. Not meant to be called by hand.
/// </summary>
/// <remarks>
/// The budget scope encloses the cache lookup so that a miss, which runs the method, runs inside it; a hit spends no
/// tokens and only opens and closes the scope.
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
        using var budget = OpenBudget(method);
        if (method.Cache is null)
        {
            return body(args);
        }

        var pending = AgentCostRuntime.Current.Cache.GetOrCreateAsync(method, in args, writeKey, new MethodBody<TArgs, TResult>(body), CancellationToken.None);

        // A synchronous method stays synchronous: only a second-level cache or a concurrent miss can leave this pending.
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
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
        if (method.Budget is not null)
        {
            return InvokeInBudgetAsync(method, args, writeKey, new MethodBody<TArgs, TResult>(body), cancellationToken).AsTask();
        }

        if (method.Cache is null)
        {
            return body(args);
        }

        return AgentCostRuntime.Current.Cache.GetOrCreateAsync(method, in args, writeKey, new MethodBody<TArgs, TResult>(body), cancellationToken).AsTask();
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
        if (method.Budget is not null)
        {
            return InvokeInBudgetAsync(method, args, writeKey, new MethodBody<TArgs, TResult>(body), cancellationToken);
        }

        if (method.Cache is null)
        {
            return body(args);
        }

        return AgentCostRuntime.Current.Cache.GetOrCreateAsync(method, in args, writeKey, new MethodBody<TArgs, TResult>(body), cancellationToken);
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
        body(args);
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
        return method.Budget is null ? body(args) : InBudget(method, args, body);

        static async Task InBudget(AgentMethod method, TArgs args, Func<TArgs, Task> body)
        {
            using var budget = OpenBudget(method);
            await body(args).ConfigureAwait(false);
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
        return method.Budget is null ? body(args) : InBudget(method, args, body);

        static async ValueTask InBudget(AgentMethod method, TArgs args, Func<TArgs, ValueTask> body)
        {
            using var budget = OpenBudget(method);
            await body(args).ConfigureAwait(false);
        }
    }

    // The scope must stay open until the method's task completes, so the asynchronous shapes await inside it.
    private static async ValueTask<TResult> InvokeInBudgetAsync<TArgs, TResult>(AgentMethod method, TArgs args, CacheKeyWriter<TArgs>? writeKey, MethodBody<TArgs, TResult> body, CancellationToken cancellationToken)
    {
        using var budget = OpenBudget(method);
        if (method.Cache is null)
        {
            return await body.RunAsync(args).ConfigureAwait(false);
        }

        return await AgentCostRuntime.Current.Cache.GetOrCreateAsync(method, in args, writeKey, body, cancellationToken).ConfigureAwait(false);
    }

    private static TokenBudgetScope? OpenBudget(AgentMethod method)
        => method.Budget is { } policy ? TokenBudget.Begin(method.DisplayName, policy) : null;
}
