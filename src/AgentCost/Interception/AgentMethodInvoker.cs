using System.ComponentModel;
using AgentCost.Caching;
using AgentCost.Hosting;

namespace AgentCost.Interception;

/// <summary>
/// The entry points generated interceptors call: each applies the method's policies, then runs the original method.
/// Not meant to be called by hand.
/// </summary>
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
        if (method.Cache is null)
        {
            return body(args);
        }

        return AgentCostRuntime.Current.Cache.GetOrCreateAsync(method, in args, writeKey, new MethodBody<TArgs, TResult>(body), cancellationToken);
    }
}
