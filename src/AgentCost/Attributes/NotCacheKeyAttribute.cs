namespace AgentCost;

/// <summary>
/// Leaves a parameter of a <see cref="CachedAttribute"/> method out of the cache key: calls that differ only in
/// this argument share one cache entry. Use it for arguments that do not change the result, such as a logger,
/// a progress reporter or a correlation id.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class NotCacheKeyAttribute : Attribute
{
}
