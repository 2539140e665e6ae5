using System.ComponentModel;
using AgentCost.Caching;

namespace AgentCost.Interception;

/// <summary>
/// Adds the key-relevant arguments of a call to a cache key, in parameter order. Generated interceptors supply one
/// per cached method; it leaves out <see cref="CancellationToken"/>s and <see cref="NotCacheKeyAttribute"/> parameters.
/// </summary>
/// <typeparam name="TArgs">The tuple of the call's receiver and arguments.</typeparam>
/// <param name="key">The key being built.</param>
/// <param name="args">The call's receiver and arguments.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate void CacheKeyWriter<TArgs>(ref CacheKeyBuilder key, in TArgs args);
