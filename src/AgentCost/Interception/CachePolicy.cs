using System.ComponentModel;
using AgentCost.Caching;

namespace AgentCost.Interception;

/// <summary>The settings of a <see cref="CachedAttribute"/> as a generated descriptor carries them.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class CachePolicy
{
    /// <summary>Creates a policy.</summary>
    /// <param name="ttlSeconds">Time to live in seconds; <c>0</c> uses the configured default.</param>
    /// <param name="version">The method's cache version, part of every key.</param>
    public CachePolicy(int ttlSeconds = 0, int version = 0)
    {
        // A negative value is refused when the method is first cached, where the error can name the method: a
        // descriptor is a static field of the generated code, and a throwing initializer would break them all.
        TtlSeconds = ttlSeconds;
        Version = version;
    }

    /// <summary>Time to live in seconds; <c>0</c> means the configured default.</summary>
    public int TtlSeconds { get; }

    /// <summary>The method's cache version.</summary>
    public int Version { get; }

    /// <summary>The time to live this policy gives, given the configured default.</summary>
    /// <param name="defaultTtl">The configured default time to live.</param>
    /// <param name="method">The method's name, for the error.</param>
    /// <exception cref="InvalidOperationException"><see cref="TtlSeconds"/> is negative.</exception>
    internal TimeSpan GetTimeToLive(TimeSpan defaultTtl, string method) => CachedMethod.TimeToLive(TtlSeconds, defaultTtl, method);
}
