namespace AgentCost.Caching;

/// <summary>Settings of the result cache behind <see cref="CachedAttribute"/>; configuration section <c>AgentCost:Cache</c>.</summary>
public sealed class ResultCacheOptions
{
    /// <summary>Whether cached methods use the cache at all. Key <c>AgentCost:Cache:Enabled</c>; default <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long a result stays cached when its <see cref="CachedAttribute.TtlSeconds"/> is 0.
    /// Key <c>AgentCost:Cache:DefaultTtl</c> (for example <c>"01:00:00"</c>); default one hour; must be positive and at
    /// most <see cref="int.MaxValue"/> seconds (about 68 years), the longest <see cref="CachedAttribute.TtlSeconds"/>.
    /// </summary>
    public TimeSpan DefaultTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The longest <see cref="DefaultTtl"/>: <see cref="int.MaxValue"/> seconds, as for <see cref="CachedAttribute.TtlSeconds"/>.</summary>
    internal static TimeSpan MaxDefaultTtl { get; } = TimeSpan.FromSeconds(int.MaxValue);

    /// <summary>
    /// Whether a <see langword="null"/> result is cached like any other. Key <c>AgentCost:Cache:CacheNullResults</c>;
    /// default <see langword="true"/>. When <see langword="false"/>, a <see langword="null"/> result is returned but
    /// not kept, so the next call runs the method again.
    /// </summary>
    public bool CacheNullResults { get; set; } = true;
}
