using System.ComponentModel;

namespace AgentCost.Interception;

/// <summary>The settings of a <see cref="CachedAttribute"/> as a generated descriptor carries them.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class CachePolicy
{
    /// <summary>Creates a policy.</summary>
    /// <param name="ttlSeconds">Time to live in seconds; <c>0</c> uses the configured default.</param>
    /// <param name="version">The method's cache version, part of every key.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ttlSeconds"/> is negative.</exception>
    public CachePolicy(int ttlSeconds = 0, int version = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ttlSeconds);
        TtlSeconds = ttlSeconds;
        Version = version;
    }

    /// <summary>Time to live in seconds; <c>0</c> means the configured default.</summary>
    public int TtlSeconds { get; }

    /// <summary>The method's cache version.</summary>
    public int Version { get; }

    /// <summary>The time to live this policy gives, given the configured default.</summary>
    /// <param name="defaultTtl">The configured default time to live.</param>
    public TimeSpan GetTimeToLive(TimeSpan defaultTtl) => TtlSeconds == 0 ? defaultTtl : TimeSpan.FromSeconds(TtlSeconds);
}
