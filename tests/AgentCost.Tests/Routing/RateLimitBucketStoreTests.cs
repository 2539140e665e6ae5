using AgentCost.RateLimiting;
using AgentCost.Routing;
using AgentCost.Tests.ChatClients;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AgentCost.Tests.Routing;

/// <summary>The rate-limit bucket store seam: a store registered with dependency injection holds the deployments' buckets.</summary>
public class RateLimitBucketStoreTests
{
    [Fact]
    public async Task A_store_registered_with_dependency_injection_gives_the_routers_deployments_their_buckets()
    {
        var store = new ScriptedBucketStore(grant: true);
        using var provider = Services(store);
        var router = provider.GetRequiredService<ModelRouter>();
        var model = new ScriptedModel("gpt-4o-mini");
        using var client = new ModelRoutingChatClient(model, router);

        using (ModelRouting.Begin("Agent.Run", new ModelRoutePolicy(Tier: "simple")))
        {
            await client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 100 });
        }

        Assert.Collection(
            store.Buckets,
            requests => Assert.Equal(("simple/gpt-4o-mini", "RequestsPerMinute", 30, 16), (requests.Options.Deployment, requests.Options.Limit, requests.Options.PermitLimit, requests.Options.QueueLimit)),
            tokens => Assert.Equal(("TokensPerMinute", 50_000, TimeSpan.FromMinutes(1), 60), (tokens.Options.Limit, tokens.Options.PermitLimit, tokens.Options.Window, tokens.Options.ReplenishmentsPerWindow)));
        Assert.Equal(["acquire 1"], store.Buckets[0].Operations);

        // The worst case was taken, and what the call did not use went back.
        var tokenOperations = store.Buckets[1].Operations;
        Assert.Equal(2, tokenOperations.Count);
        var acquired = int.Parse(tokenOperations[0]["acquire ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal($"return {acquired - model.ReportedTokens}", tokenOperations[1]);
        Assert.Equal(1, model.Calls);
    }

    [Fact]
    public async Task A_bucket_that_refuses_refuses_the_call_before_it_is_sent()
    {
        var store = new ScriptedBucketStore(grant: false);
        using var provider = Services(store);
        var model = new ScriptedModel("gpt-4o-mini");
        using var client = new ModelRoutingChatClient(model, provider.GetRequiredService<ModelRouter>());

        using (ModelRouting.Begin("Agent.Run", new ModelRoutePolicy(Tier: "simple")))
        {
            var error = await Assert.ThrowsAsync<RateLimitExceededException>(() => client.GetResponseAsync("hi"));
            Assert.Equal(("simple/gpt-4o-mini", "RequestsPerMinute"), (error.Deployment, error.Limit));
        }

        Assert.Equal(0, model.Calls);
        // Taken at once, looked at again on the waiting path, then waited for; the tokens were never asked for.
        Assert.Equal(["acquire 1", "acquire 1", "wait 1"], store.Buckets[0].Operations);
        Assert.Empty(store.Buckets[1].Operations);
    }

    [Fact]
    public void A_limiter_disposes_the_buckets_it_was_given_and_reads_their_permits()
    {
        var store = new ScriptedBucketStore(grant: true);
        var limiter = new DeploymentRateLimiter("simple/m", requestsPerMinute: 5, tokensPerMinute: null, queueLimit: 2, waitTimeout: TimeSpan.FromSeconds(1), new FakeTimeProvider(), store);

        Assert.Equal(5, limiter.AvailableRequests);
        limiter.Dispose();

        Assert.True(Assert.Single(store.Buckets).IsDisposed);
    }

    private static ServiceProvider Services(IRateLimitBucketStore store)
    {
        var services = new ServiceCollection();
        services.AddSingleton(store);
        services.AddAgentCost(o =>
        {
            o.Routing.Tiers["simple"] = new ModelTierOptions
            {
                Deployments = [new ModelDeploymentOptions { Model = "gpt-4o-mini", RequestsPerMinute = 30, TokensPerMinute = 50_000 }],
            };
        });
        return services.BuildServiceProvider();
    }

    /// <summary>Buckets that grant or refuse every request, and write down what the limiter asks of them.</summary>
    private sealed class ScriptedBucketStore(bool grant) : IRateLimitBucketStore
    {
        public List<Bucket> Buckets { get; } = [];

        public IRateLimitBucket GetBucket(RateLimitBucketOptions options)
        {
            var bucket = new Bucket(options, grant);
            Buckets.Add(bucket);
            return bucket;
        }

        public sealed class Bucket(RateLimitBucketOptions options, bool grant) : IRateLimitBucket
        {
            public RateLimitBucketOptions Options => options;

            public List<string> Operations { get; } = [];

            public bool IsDisposed { get; private set; }

            public long AvailablePermits => grant ? options.PermitLimit : 0;

            public bool TryAcquire(int permits)
            {
                Operations.Add($"acquire {permits}");
                return grant;
            }

            public ValueTask<bool> AcquireAsync(int permits, CancellationToken cancellationToken)
            {
                Operations.Add($"wait {permits}");
                return new ValueTask<bool>(grant);
            }

            public void Return(long permits) => Operations.Add($"return {permits}");

            public void Charge(long permits) => Operations.Add($"charge {permits}");

            public void Dispose() => IsDisposed = true;
        }
    }
}
