namespace AgentCost.RateLimiting;

/// <summary>
/// Where the token buckets of deployment rate limits (<c>RequestsPerMinute</c>, <c>TokensPerMinute</c>) live. The
/// default, <see cref="InMemoryRateLimitBucketStore"/>, keeps them in this process, refilled by the runtime's
/// <see cref="TimeProvider"/>; a store shared by several processes (Redis) holds a deployment to its limit across a
/// fleet. Register one with dependency injection (<c>services.AddSingleton&lt;IRateLimitBucketStore, MyStore&gt;()</c>)
/// or pass it to <see cref="DeploymentRateLimiter"/>.
/// </summary>
/// <remarks>
/// A limiter asks for each of its buckets once, when it is made, owns it and disposes it with itself: a store pays for
/// a look-up per bucket, never per call.
/// </remarks>
public interface IRateLimitBucketStore
{
    /// <summary>The bucket of one deployment's limit.</summary>
    /// <param name="options">Which deployment and limit, its size and refill, and how many permits may wait.</param>
    /// <returns>The bucket, full when new; a store shared by processes returns one over the figures of the same deployment and limit.</returns>
    IRateLimitBucket GetBucket(RateLimitBucketOptions options);
}
