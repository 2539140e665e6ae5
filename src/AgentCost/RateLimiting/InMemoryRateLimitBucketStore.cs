namespace AgentCost.RateLimiting;

/// <summary>
/// Rate-limit buckets held in this process, refilled by a timer of the options' <see cref="TimeProvider"/> (so a fake
/// clock drives them in tests). The default <see cref="IRateLimitBucketStore"/>; each limiter gets buckets of its own.
/// </summary>
public sealed class InMemoryRateLimitBucketStore : IRateLimitBucketStore
{
    /// <summary>The store; it holds nothing itself, so one instance serves every limiter.</summary>
    public static InMemoryRateLimitBucketStore Instance { get; } = new();

    /// <inheritdoc />
    public IRateLimitBucket GetBucket(RateLimitBucketOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new TimeProviderTokenBucket(options.PermitLimit, options.Window, options.ReplenishmentsPerWindow, options.QueueLimit, options.TimeProvider);
    }
}
