namespace AgentCost.RateLimiting;

/// <summary>What an <see cref="IRateLimitBucketStore"/> is asked for: one limit of one deployment.</summary>
public sealed class RateLimitBucketOptions
{
    /// <summary>The deployment, as <c>tier/client-or-model</c>.</summary>
    public required string Deployment { get; init; }

    /// <summary>Which of its limits: <c>RequestsPerMinute</c> or <c>TokensPerMinute</c>.</summary>
    public required string Limit { get; init; }

    /// <summary>The permits each <see cref="Window"/> adds, and the bucket's size.</summary>
    public required int PermitLimit { get; init; }

    /// <summary>The window the limit applies to.</summary>
    public required TimeSpan Window { get; init; }

    /// <summary>
    /// How many refills a window has: refill <c>i</c> adds <c>⌊(i+1)·L/n⌋ − ⌊i·L/n⌋</c>, so that every window adds exactly
    /// <see cref="PermitLimit"/>.
    /// </summary>
    public required int ReplenishmentsPerWindow { get; init; }

    /// <summary>The most permits that may wait at a time.</summary>
    public required int QueueLimit { get; init; }

    /// <summary>The clock that refills the bucket.</summary>
    public required TimeProvider TimeProvider { get; init; }
}
