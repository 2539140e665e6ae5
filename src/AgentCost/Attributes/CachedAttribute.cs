namespace AgentCost;

/// <summary>
/// Serves a method's result from the AgentCost result cache. Every call site of the method in a project that
/// references AgentCost is routed through a generated interceptor; equal arguments return the cached result
/// instead of running the method again.
/// </summary>
/// <remarks>
/// <para>The cache key is a SHA-256 hash of the method's identity (declaring type, name, parameter types and
/// <see cref="Version"/>) and of every argument except <see cref="System.Threading.CancellationToken"/>s and
/// parameters marked <see cref="NotCacheKeyAttribute"/>.</para>
/// <para>Supported return types are <c>T</c>, <see cref="System.Threading.Tasks.Task{TResult}"/> and
/// <see cref="System.Threading.Tasks.ValueTask{TResult}"/>. Exceptions are never cached.</para>
/// </remarks>
/// <example>
/// <code>
/// [Cached(TtlSeconds = 3600)]
/// public async Task&lt;string&gt; LookUpAsync(string query, CancellationToken cancellationToken) { ... }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class CachedAttribute : Attribute
{
    /// <summary>
    /// How long a result stays cached, in seconds. <c>0</c> (the default) uses
    /// <c>AgentCost:Cache:DefaultTtl</c> from the settings. Negative values are invalid.
    /// </summary>
    public int TtlSeconds { get; set; }

    /// <summary>
    /// Part of every key of this method. Increase it when the method's behaviour changes so that results
    /// cached by the earlier version are no longer served.
    /// </summary>
    public int Version { get; set; }
}
