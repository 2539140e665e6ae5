using AgentCost.Hosting;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentCost.Tests;

public class DistributedCacheTests
{
    private static ServiceProvider Provider(IDistributedCache secondLevel)
    {
        var services = new ServiceCollection();
        services.AddSingleton(secondLevel);
        services.AddAgentCost();
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task A_registered_distributed_cache_serves_a_new_runtime_as_second_level()
    {
        var shared = new CountingDistributedCache(new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions())));
        var tools = new Tools();

        await using (var first = Provider(shared))
        {
            using var scope = AgentCostRuntime.Use(first.GetRequiredService<AgentCostRuntime>());
            Assert.Equal("answer to q", await tools.CallAskAsync("q", null, CancellationToken.None));
            Assert.Equal(1, tools.Runs);

            // HybridCache writes the second level in the background after the caller has its result.
            await shared.WaitForSetsAsync(1);
        }

        // A new runtime, as after a restart or on another node: its in-process cache is empty, the second level is not.
        await using (var second = Provider(shared))
        {
            var runtime = second.GetRequiredService<AgentCostRuntime>();
            using var scope = AgentCostRuntime.Use(runtime);
            var hitsBefore = shared.Hits;

            Assert.Equal("answer to q", await tools.CallAskAsync("q", null, CancellationToken.None));

            Assert.Equal(1, tools.Runs);
            Assert.Equal(hitsBefore + 1, shared.Hits);
            Assert.Equal(1, runtime.Cache.GetStatistics("AgentCost.Tests.Tools.AskAsync").Hits);
            Assert.Equal(0, runtime.Cache.GetStatistics("AgentCost.Tests.Tools.AskAsync").Misses);
        }
    }

    [Fact]
    public async Task Records_round_trip_through_the_second_level()
    {
        var shared = new CountingDistributedCache(new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions())));
        var method = new AgentCost.Interception.AgentMethod(
            "Sample.Tools", "Plan", ["string"], ["goal"], new AgentCost.Interception.CachePolicy());
        var runs = 0;
        Task<SearchQuery> Call() => AgentCost.Interception.AgentMethodInvoker.InvokeAsync(
            method,
            new ValueTuple<string>("goal"),
            static (ref AgentCost.Caching.CacheKeyBuilder key, in ValueTuple<string> args) => key.Add(args.Item1),
            args =>
            {
                runs++;
                return Task.FromResult(new SearchQuery(args.Item1, 7, ["a", "b"]));
            },
            CancellationToken.None);

        await using (var first = Provider(shared))
        {
            using var scope = AgentCostRuntime.Use(first.GetRequiredService<AgentCostRuntime>());
            await Call();
            await shared.WaitForSetsAsync(1);
        }

        await using (var second = Provider(shared))
        {
            using var scope = AgentCostRuntime.Use(second.GetRequiredService<AgentCostRuntime>());
            var result = await Call();
            Assert.Equal("goal", result.Text);
            Assert.Equal(7, result.Limit);
            Assert.Equal(["a", "b"], result.Sources);
        }

        Assert.Equal(1, runs);
    }
}
