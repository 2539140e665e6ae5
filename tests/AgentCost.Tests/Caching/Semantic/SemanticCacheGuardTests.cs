using AgentCost.Caching;
using Microsoft.Extensions.Time.Testing;

namespace AgentCost.Tests.Caching.Semantic;

/// <summary>The guard as the cache uses it: both prompts get the same vector, so only the guard decides.</summary>
public sealed class SemanticCacheGuardTests
{
    [Fact]
    public async Task By_default_the_built_in_rules_keep_a_reversed_request_from_the_cached_answer()
    {
        var (lookup, statistics) = await AskAfterAsync("Enable nightly backups", "Disable nightly backups");

        Assert.False(lookup.IsHit);
        Assert.Equal(1, statistics.RejectedByGuard);
    }

    [Fact]
    public async Task By_default_a_paraphrase_with_the_same_vector_is_served()
    {
        var (lookup, statistics) = await AskAfterAsync("How do I reset my password?", "How can I reset my password?");

        Assert.True(lookup.IsHit);
        Assert.Equal(0, statistics.RejectedByGuard);
    }

    [Fact]
    public async Task The_rules_settings_in_the_cache_options_are_the_ones_used()
    {
        const string cached = "Please enable the nightly backups", prompt = "Disable backups every night";
        Assert.False((await AskAfterAsync(cached, prompt)).Lookup.IsHit);
        var (lookup, _) = await AskAfterAsync(cached, prompt, o => o.Rules.CheckContrast = false);
        Assert.True(lookup.IsHit);

        (lookup, _) = await AskAfterAsync("Deploy the release to staging", "Deploy the release to production",
            o => o.Rules.AdditionalContrastPairs["staging"] = "production");
        Assert.False(lookup.IsHit);
    }

    [Fact]
    public async Task A_verifier_of_ones_own_replaces_the_rules()
    {
        var (lookup, _) = await AskAfterAsync("Enable nightly backups", "Disable nightly backups", o => o.Verifier = new AcceptAll());

        Assert.True(lookup.IsHit);
    }

    private static async Task<(SemanticCacheLookup Lookup, SemanticCacheStatistics Statistics)> AskAfterAsync(
        string cached, string prompt, Action<SemanticCacheOptions>? configure = null)
    {
        var embedder = new WordEmbedder();
        var vector = new float[embedder.Dimensions];
        vector[0] = 1;
        embedder.Scripted[cached] = vector;
        embedder.Scripted[prompt] = vector;
        var options = new SemanticCacheOptions();
        configure?.Invoke(options);
        using var cache = new SemanticCache(embedder, options, new FakeTimeProvider());

        var miss = await cache.LookupAsync("p", cached, method: null, CancellationToken.None);
        Assert.True(cache.Store(miss, [1, 2, 3], 0));
        var lookup = await cache.LookupAsync("p", prompt, method: null, CancellationToken.None);
        return (lookup, cache.Statistics);
    }

    private sealed class AcceptAll : ISemanticHitVerifier
    {
        public ValueTask<SemanticHitVerdict> VerifyAsync(SemanticHitCandidate candidate, CancellationToken cancellationToken) =>
            new(SemanticHitVerdict.Accept);
    }
}
