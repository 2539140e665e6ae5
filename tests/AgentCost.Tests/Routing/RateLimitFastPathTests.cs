using AgentCost.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace AgentCost.Tests.Routing;

/// <summary>The limiter's fast path (permits taken at once, no timeout created) and its hand-over to the waiting path.</summary>
public class RateLimitFastPathTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Permits_that_are_there_are_taken_at_once_and_settled_back()
    {
        using var limiter = new DeploymentRateLimiter("simple/m", requestsPerMinute: 10, tokensPerMinute: 1000, queueLimit: 4, waitTimeout: TimeSpan.FromSeconds(5), _time);

        var pending = limiter.AcquireAsync(600);

        Assert.True(pending.IsCompletedSuccessfully);
        Assert.Equal(9, limiter.AvailableRequests);
        Assert.Equal(400, limiter.AvailableTokens);
        (await pending).Settle(100);
        Assert.Equal(900, limiter.AvailableTokens);
    }

    [Fact]
    public async Task A_request_taken_at_once_is_given_back_when_the_tokens_time_out()
    {
        using var limiter = new DeploymentRateLimiter("simple/m", requestsPerMinute: 10, tokensPerMinute: 600, queueLimit: 4, waitTimeout: TimeSpan.FromSeconds(5), _time);
        await limiter.AcquireAsync(600);

        var waiting = limiter.AcquireAsync(600).AsTask();
        Assert.False(waiting.IsCompleted);
        Assert.Equal(8, limiter.AvailableRequests); // the request permit is held while the tokens are awaited
        _time.Advance(TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<RateLimitExceededException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("TokensPerMinute", error.Limit);
        Assert.Equal(9, limiter.AvailableRequests);
    }

    [Fact]
    public async Task A_request_that_waits_is_served_when_the_bucket_refills()
    {
        using var limiter = new DeploymentRateLimiter("simple/m", requestsPerMinute: 1, tokensPerMinute: null, queueLimit: 4, waitTimeout: TimeSpan.FromMinutes(2), _time);
        await limiter.AcquireAsync(0);

        var waiting = limiter.AcquireAsync(0).AsTask();
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromMinutes(1));

        var lease = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, lease.Tokens);
    }
}
