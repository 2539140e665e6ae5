using AgentCost.Caching;
using AgentCost.Interception;
using AgentCost.Spending;
using AgentCost.Tests.Caching.Semantic;
using AgentCost.Tests.ChatClients;
using AgentCost.Tests.Spending;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AgentCost.Tests;

/// <summary>
/// The entry point for <c>[SemanticCached]</c> methods, in runtime terms: the prompt argument is matched by meaning,
/// the other arguments and the tenant exactly; a hit credits what its miss spent; exceptions are never cached; a hit is
/// a copy; without an embedder the method is cached exactly and a warning is logged once; and the settings of
/// <c>AgentCost:SemanticCache</c> are bound and checked at start-up.
/// </summary>
public sealed class SemanticCachedMethodTests
{
    // (client or receiver, locale, question): the prompt is the third item of the packed arguments.
    private static readonly AgentMethod s_answer = new("Agent", "Answer", ["Microsoft.Extensions.AI.IChatClient", "string", "string"], ["client", "locale", "question"])
    {
        SemanticCache = new SemanticCachePolicy(promptArgument: 2),
    };

    private static readonly CacheKeyWriter<(IChatClient, string, string)> s_writeLocale =
        static (ref CacheKeyBuilder key, in (IChatClient, string, string) args) => key.Add(args.Item2, "locale");

    [Fact]
    public async Task A_hit_credits_what_the_miss_spent_and_runs_no_model_call()
    {
        using var test = new SpendRuntime();
        test.Runtime.UseSemanticCache(new WordEmbedder(), new SemanticCacheOptions { Threshold = 0.8f });
        var model = new ScriptedModel("gpt-4o") { AnswerTokens = static _ => 40 };
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();

        Task<string> Answer(string locale, string question) => AgentMethodInvoker.InvokeAsync(
            s_answer,
            (client, locale, question),
            s_writeLocale,
            static async args =>
            {
                Assert.Equal("Agent.Answer", AgentCallContext.CurrentMethod?.DisplayName);
                return (await args.Item1.GetResponseAsync(args.Item2 + ": " + args.Item3)).Text;
            },
            default);

        var first = await Answer("en", "reset password steps");
        var paraphrase = await Answer("en", "Reset password steps?");
        await Answer("fr", "reset password steps");

        Assert.Equal(first, paraphrase);
        Assert.Equal(2, model.Calls);
        var records = await test.RecordsAsync();
        var calls = records.Where(static r => r.Kind == SpendRecordKind.ModelCall).ToList();
        var hit = Assert.Single(records, static r => r.Kind == SpendRecordKind.SemanticCacheHit);
        Assert.Equal("Agent.Answer", hit.Method);
        Assert.Equal(calls[0].Cost, hit.Saved);
        Assert.True(hit.Saved > 0);
        var report = await test.Spending.GetReportAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
        Assert.Equal(hit.Saved, report.SemanticCacheSavings);
        Assert.Equal(0m, report.ResultCacheSavings);
    }

    [Fact]
    public async Task Exceptions_are_never_cached()
    {
        using var test = new SpendRuntime();
        test.Runtime.UseSemanticCache(new WordEmbedder(), new SemanticCacheOptions { Threshold = 0.8f });
        var runs = 0;
        var receiver = new Receiver(() => ++runs == 1 ? throw new InvalidOperationException("model down") : "answer " + runs);

        await Assert.ThrowsAsync<InvalidOperationException>(() => receiver.AskAsync("what is a budget"));
        Assert.Equal("answer 2", await receiver.AskAsync("what is a budget"));
        Assert.Equal("answer 2", await receiver.AskAsync("What is a budget?"));
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task A_hit_is_a_copy_that_the_caller_cannot_change_for_the_next()
    {
        using var test = new SpendRuntime();
        test.Runtime.UseSemanticCache(new WordEmbedder(), new SemanticCacheOptions { Threshold = 0.8f });
        var method = new AgentMethod("Agent", "Sources", ["string"], ["question"]) { SemanticCache = new SemanticCachePolicy(promptArgument: 0) };

        var runs = 0;
        Task<List<string>> Sources(string question) => AgentMethodInvoker.InvokeAsync(
            method, new ValueTuple<string>(question), null, _ =>
            {
                runs++;
                return Task.FromResult(new List<string> { "a", "b" });
            },
            default);

        var first = await Sources("sources on budgets");
        first.Add("changed by the caller");
        var hit = await Sources("Sources on budgets?");
        hit.Clear();
        var again = await Sources("sources on budgets");

        Assert.Equal(["a", "b"], again);
        Assert.NotSame(hit, again);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task Without_an_embedder_the_method_is_cached_exactly_and_a_warning_is_logged_once()
    {
        using var test = new SpendRuntime();
        var runs = 0;
        var receiver = new Receiver(() => "answer " + ++runs);

        Assert.Equal("answer 1", await receiver.AskAsync("what is a budget"));
        Assert.Equal("answer 1", await receiver.AskAsync("what is a budget"));
        Assert.Equal("answer 2", await receiver.AskAsync("What is a budget?"));

        var warning = Assert.Single(test.Logs.GetSnapshot(), static r => r.Id.Id == 1301);
        Assert.Contains("Receiver.Ask", warning.Message, StringComparison.Ordinal);
        Assert.Contains("IEmbeddingGenerator", warning.Message, StringComparison.Ordinal);
        Assert.Equal(1, test.Runtime.Cache.GetStatistics("Receiver.Ask").Hits);
    }

    [Fact]
    public async Task An_entry_lives_for_the_methods_TtlSeconds_else_the_configured_time_to_live()
    {
        using var test = new SpendRuntime();
        test.Runtime.UseSemanticCache(new WordEmbedder(), new SemanticCacheOptions { Threshold = 0.8f, TimeToLive = TimeSpan.FromMinutes(10) });
        var runs = 0;
        var ownTtl = new AgentMethod("Agent", "Short", ["string"], ["question"]) { SemanticCache = new SemanticCachePolicy(promptArgument: 0, ttlSeconds: 60) };
        var configuredTtl = new AgentMethod("Agent", "Long", ["string"], ["question"]) { SemanticCache = new SemanticCachePolicy(promptArgument: 0) };
        Task<int> Call(AgentMethod method) => AgentMethodInvoker.InvokeAsync(method, new ValueTuple<string>("what is a budget"), null, _ => Task.FromResult(++runs), default);

        Assert.Equal(1, await Call(ownTtl));
        Assert.Equal(2, await Call(configuredTtl));
        test.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(1, await Call(ownTtl));
        test.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(3, await Call(ownTtl));
        Assert.Equal(2, await Call(configuredTtl));
        test.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(4, await Call(configuredTtl));
    }

    [Fact]
    public async Task A_threshold_the_runtime_refuses_fails_the_call_naming_the_method()
    {
        using var test = new SpendRuntime();
        test.Runtime.UseSemanticCache(new WordEmbedder(), new SemanticCacheOptions());
        var method = new AgentMethod("Agent", "Strict", ["string"], ["question"]) { SemanticCache = new SemanticCachePolicy(promptArgument: 0, threshold: 1.5) };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => AgentMethodInvoker.InvokeAsync(
            method, new ValueTuple<string>("q"), null, static args => Task.FromResult(args.Item1), default));

        Assert.Contains("[SemanticCached(Threshold = 1.5)] on 'Agent.Strict'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_container_gives_the_runtime_its_registered_embedder_and_the_bound_settings()
    {
        var builder = HostingTests.HostBuilder(("AgentCost:SemanticCache:Threshold", "0.95"), ("AgentCost:SemanticCache:MaxCandidates", "2"));
        var embedder = new WordEmbedder();
        builder.Services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(embedder);
        builder.Services.AddAgentCost();
        using var host = builder.Build();
        await host.StartAsync();

        var options = host.Services.GetRequiredService<IOptions<SemanticCacheOptions>>().Value;
        Assert.Equal(0.95f, options.Threshold);
        Assert.Equal(2, options.MaxCandidates);
        var runtime = host.Services.GetRequiredService<AgentCostRuntime>();
        using (AgentCostRuntime.Use(runtime))
        {
            var receiver = new Receiver(static () => "answer");
            await receiver.AskAsync("what is a budget");
        }

        Assert.True(runtime.SemanticMethods.IsSemantic);
        Assert.Equal(1, embedder.Calls);
        await host.StopAsync();
    }

    [Fact]
    public async Task Semantic_cache_settings_out_of_range_fail_at_start_naming_their_keys()
    {
        var error = await StartUpChecksTests.StartFailsAsync(("AgentCost:SemanticCache:Threshold", "1.5"), ("AgentCost:SemanticCache:MaxEntries", "0"));

        Assert.Contains("AgentCost:SemanticCache:Threshold must be greater than 0 and at most 1, but was 1.5.", error.Message, StringComparison.Ordinal);
        Assert.Contains("AgentCost:SemanticCache:MaxEntries must be at least 1, but was 0.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_misspelled_semantic_cache_key_fails_at_start_with_the_key_meant()
    {
        var error = await StartUpChecksTests.StartFailsAsync(("AgentCost:SemanticCache:Treshold", "0.9"));

        Assert.Contains("AgentCost:SemanticCache:Treshold is not an AgentCost setting", error.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean AgentCost:SemanticCache:Threshold?", error.Message, StringComparison.Ordinal);
    }

    private sealed class Receiver(Func<string> answer)
    {
        private static readonly AgentMethod s_ask = new("Receiver", "Ask", ["string"], ["question"])
        {
            SemanticCache = new SemanticCachePolicy(promptArgument: 1),
        };

        public Task<string> AskAsync(string question) => AgentMethodInvoker.InvokeAsync(
            s_ask, (this, question), null, static args => Task.FromResult(args.Item1.Answer()), default);

        private string Answer() => answer();
    }
}
