namespace AgentCost.RateLimiting;

/// <summary>
/// A token bucket from an <see cref="IRateLimitBucketStore"/>: <see cref="RateLimitBucketOptions.PermitLimit"/> permits
/// that refill in every <see cref="RateLimitBucketOptions.Window"/>, taken by calls first come, first served, and settled
/// to what the calls actually used.
/// </summary>
/// <remarks>
/// <para><b>What a bucket must guarantee.</b> It never grants more than it holds (refills, returns and the limit it
/// started with, less what it granted and charged), under any concurrency; a bucket that cannot tell does not grant.
/// Permits are granted in the order they were asked for: while a call waits, no later call takes permits ahead of it.</para>
/// <para><see cref="TryAcquire"/> is called on the path of every routed call: an in-process bucket answers without
/// allocating.</para>
/// </remarks>
public interface IRateLimitBucket : IDisposable
{
    /// <summary>The permits available now; below 0 while the bucket is in debt.</summary>
    long AvailablePermits { get; }

    /// <summary>Takes <paramref name="permits"/> now if they are available and no call is waiting.</summary>
    /// <param name="permits">At most <see cref="RateLimitBucketOptions.PermitLimit"/>.</param>
    /// <returns>Whether they were taken.</returns>
    bool TryAcquire(int permits);

    /// <summary>Takes <paramref name="permits"/>, waiting behind earlier calls until the bucket has refilled enough.</summary>
    /// <param name="permits">At most <see cref="RateLimitBucketOptions.PermitLimit"/>.</param>
    /// <param name="cancellationToken">Gives up the wait; the permits are not taken.</param>
    /// <returns>
    /// Whether they were taken: <see langword="false"/> at once when the permits waiting would exceed
    /// <see cref="RateLimitBucketOptions.QueueLimit"/>.
    /// </returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    ValueTask<bool> AcquireAsync(int permits, CancellationToken cancellationToken);

    /// <summary>Gives back permits taken but not used (the bucket never holds more than its limit).</summary>
    /// <param name="permits">The permits; nothing happens for 0 or less.</param>
    void Return(long permits);

    /// <summary>Takes permits used beyond what was acquired, into debt if need be (at most one full bucket).</summary>
    /// <param name="permits">The permits.</param>
    void Charge(long permits);
}
