using AgentCost.RateLimiting;
using AgentCost.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace AgentCost.Tests.Routing;

/// <summary>Per-deployment RPM/TPM limits driven by a fake clock.</summary>
public class RateLimitTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_burst_over_the_requests_per_minute_waits_for_replenishment()
    {
        using var limiter = new DeploymentRateLimiter("simple/m", requestsPerMinute: 6, tokensPerMinute: null, queueLimit: 4, waitTimeout: TimeSpan.FromMinutes(1), _time);

        for (var i = 0; i < 6; i++)
        {
            Assert.True(limiter.AcquireAsync(0).IsCompletedSuccessfully);
        }

        var seventh = limiter.AcquireAsync(0).AsTask();
        Assert.False(seventh.IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(seventh.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1)); // 6 per minute: one every 10 seconds
        await seventh.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_wait_longer_than_the_timeout_fails_naming_the_deployment_and_limit()
    {
        using var limiter = new DeploymentRateLimiter("simple/m", requestsPerMinute: 1, tokensPerMinute: null, queueLimit: 4, waitTimeout: TimeSpan.FromSeconds(5), _time);
        await limiter.AcquireAsync(0);

        var waiting = limiter.AcquireAsync(0).AsTask();
        _time.Advance(TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<RateLimitExceededException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("simple/m", error.Deployment);
        Assert.Equal("RequestsPerMinute", error.Limit);
        Assert.Equal(1, error.LimitValue);
        Assert.Contains("simple/m", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_full_queue_refuses_at_once()
    {
        using var limiter = new DeploymentRateLimiter("simple/m", requestsPerMinute: 1, tokensPerMinute: null, queueLimit: 0, waitTimeout: TimeSpan.FromSeconds(5), _time);
        await limiter.AcquireAsync(0);

        var error = await Assert.ThrowsAsync<RateLimitExceededException>(() => limiter.AcquireAsync(0).AsTask());

        Assert.Contains("queue", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokens_are_acquired_as_the_worst_case_and_settled_to_the_actual()
    {
        using var limiter = new DeploymentRateLimiter("simple/m", requestsPerMinute: null, tokensPerMinute: 6000, queueLimit: 4, waitTimeout: TimeSpan.FromMinutes(1), _time);

        var first = await limiter.AcquireAsync(5000);
        Assert.Equal(1000, limiter.AvailableTokens);
        var second = limiter.AcquireAsync(3000).AsTask();
        Assert.False(second.IsCompleted);

        first.Settle(1000); // used far less than reserved: the rest goes back to the bucket and serves the waiter
        await second.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(2000, limiter.AvailableTokens);

        var third = limiter.AcquireAsync(2500).AsTask();
        _time.Advance(TimeSpan.FromSeconds(4)); // 100 tokens a second
        Assert.False(third.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        var lease = await third.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, limiter.AvailableTokens);

        lease.Settle(2600); // used more than reserved: the bucket goes into debt
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(100, limiter.AvailableTokens);
    }

    [Fact]
    public async Task A_request_above_the_bucket_is_clamped_to_it()
    {
        using var limiter = new DeploymentRateLimiter("simple/m", requestsPerMinute: null, tokensPerMinute: 1000, queueLimit: 4, waitTimeout: TimeSpan.FromMinutes(1), _time);

        var lease = await limiter.AcquireAsync(50_000);

        Assert.Equal(1000, lease.Tokens);
    }

    [Fact]
    public async Task Routing_falls_back_when_a_deployment_is_over_its_limit()
    {
        var options = RoutingTestSupport.Options(("simple", ["gpt-4o-mini", "gpt-4.1-nano"]));
        options.Tiers["simple"].Deployments[0].RequestsPerMinute = 2;
        options.RateLimitWaitTimeout = TimeSpan.Zero;
        using var router = new ModelRouter(options, timeProvider: _time);
        var seen = new List<string?>();
        using var client = new ModelRoutingChatClient(new RoutingOptionsTests.RecordingClient(seen), router);

        using (ModelRouting.Begin("Agent.Burst", new ModelRoutePolicy(Tier: "simple")))
        {
            for (var i = 0; i < 3; i++)
            {
                await client.GetResponseAsync("hi");
            }
        }

        Assert.Equal(["gpt-4o-mini", "gpt-4o-mini", "gpt-4.1-nano"], seen);
        Assert.Equal("rate_limited", Assert.Single(router.Log.Records[2].Fallbacks).Reason);
    }

    [Fact]
    public async Task Routing_waits_then_fails_when_there_is_nothing_to_fall_back_to()
    {
        var options = RoutingTestSupport.Options(("simple", ["gpt-4o-mini"]));
        options.Tiers["simple"].Deployments[0].TokensPerMinute = 3000;
        options.DefaultOutputTokens = 1000;
        options.RateLimitWaitTimeout = TimeSpan.FromSeconds(2);
        using var router = new ModelRouter(options, timeProvider: _time);
        var seen = new List<string?>();
        using var client = new ModelRoutingChatClient(new RoutingOptionsTests.RecordingClient(seen), router);
        using var scope = ModelRouting.Begin("Agent.Burst", new ModelRoutePolicy(Tier: "simple"));

        // The fake model reports 1,100 tokens per call; each call reserves its prompt plus 1,000 first.
        await client.GetResponseAsync("hi");
        await client.GetResponseAsync("hi");
        var third = client.GetResponseAsync("hi");
        Assert.False(third.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(2)); // 50 tokens a second: not enough within the wait timeout

        var error = await Assert.ThrowsAsync<RateLimitExceededException>(() => third.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("simple/gpt-4o-mini", error.Deployment);
        Assert.Equal("TokensPerMinute", error.Limit);
        Assert.Equal(3000, error.LimitValue);
        Assert.Equal(2, seen.Count);
    }

    // Limits that 60 one-second periods do not divide, and the edges.
    public static TheoryData<int> AwkwardLimits => [1, 7, 59, 61, 90, 119, 1000, 1_000_000];

    [Theory]
    [MemberData(nameof(AwkwardLimits))]
    public void Every_minute_admits_exactly_the_requests_per_minute(int limit)
    {
        using var limiter = new DeploymentRateLimiter("simple/m", requestsPerMinute: limit, tokensPerMinute: null, queueLimit: 0, waitTimeout: TimeSpan.Zero, _time);
        Assert.Equal(limit, DrainRequests(limiter)); // the bucket starts full

        for (var minute = 0; minute < 4; minute++)
        {
            var admitted = 0L;
            for (var second = 0; second < 60; second++)
            {
                _time.Advance(TimeSpan.FromSeconds(1));
                admitted += DrainRequests(limiter);
            }

            Assert.Equal(limit, admitted);
        }
    }

    [Theory]
    [MemberData(nameof(AwkwardLimits))]
    public async Task Every_minute_admits_exactly_the_tokens_per_minute(int limit)
    {
        using var limiter = new DeploymentRateLimiter("simple/m", requestsPerMinute: null, tokensPerMinute: limit, queueLimit: 0, waitTimeout: TimeSpan.Zero, _time);
        await limiter.AcquireAsync(limit);

        for (var minute = 0; minute < 4; minute++)
        {
            var admitted = 0L;
            for (var second = 0; second < 60; second++)
            {
                _time.Advance(TimeSpan.FromSeconds(1));
                var available = (int)limiter.AvailableTokens;
                if (available > 0)
                {
                    await limiter.AcquireAsync(available);
                    admitted += available;
                }
            }

            Assert.Equal(0, limiter.AvailableTokens);
            Assert.Equal(limit, admitted);
        }
    }

    // Takes every request permit there is, one call at a time, as callers would.
    private static long DrainRequests(DeploymentRateLimiter limiter)
    {
        var admitted = 0L;
        while (limiter.AvailableRequests > 0)
        {
            Assert.True(limiter.AcquireAsync(0).IsCompletedSuccessfully);
            admitted++;
        }

        return admitted;
    }
}
