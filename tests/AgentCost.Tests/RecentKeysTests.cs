using AgentCost.Caching;
using AgentCost.Interception;

namespace AgentCost.Tests;

public sealed class RecentKeysTests
{
    [Fact]
    public void A_remembered_key_is_found_only_for_the_same_encoding()
    {
        var keys = new RecentKeys(capacity: 4);
        keys.Add([1, 2, 3], "k123");

        Assert.True(keys.TryGet([1, 2, 3], out var found));
        Assert.Equal("k123", found);
        Assert.False(keys.TryGet([1, 2], out _));
        Assert.False(keys.TryGet([1, 2, 3, 0], out _));
        Assert.False(keys.TryGet([3, 2, 1], out _));
    }

    [Fact]
    public void The_set_starts_again_when_full_and_stays_exact()
    {
        var keys = new RecentKeys(capacity: 3);
        for (byte i = 0; i < 10; i++)
        {
            keys.Add([i], "k" + i);
        }

        Assert.True(keys.TryGet([9], out var last));
        Assert.Equal("k9", last);
        Assert.False(keys.TryGet([0], out _));
    }

    [Fact]
    public async Task Repeated_calls_get_the_same_key_as_the_first_hash()
    {
        using var runtime = new TestRuntime();
        var method = new AgentCost.Interception.AgentMethod("T", "M", ["string"], ["s"], new AgentCost.Interception.CachePolicy());
        var cache = runtime.Runtime.Cache;

        var keys = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() =>
            cache.CreateKey(method, "same argument", static (ref CacheKeyBuilder key, in string s) => key.Add(s)))));

        Assert.Single(keys.Distinct());
        Assert.NotEqual(keys[0], cache.CreateKey(method, "other argument", static (ref CacheKeyBuilder key, in string s) => key.Add(s)));
    }
}
