using AgentCost.Generators.Tests.Infrastructure;

namespace AgentCost.Generators.Tests;

/// <summary>
/// Intercepted <c>[SemanticCached]</c> programs run: a paraphrased prompt with equal other arguments is served from the
/// semantic cache, a different other argument or tenant never is, a candidate the guard rejects is not, and without an
/// embedder the method is cached exactly. Each program builds its runtime through <c>AddAgentCost</c> with the embedder
/// registered in the container, as an application does.
/// </summary>
public sealed class SemanticCachedCompileAndRunTests
{
    // A deterministic embedder: one dimension per word that carries meaning (function words are dropped), so that
    // "How do I reset my password?" and "What are the steps to reset my password?" embed alike, and a negation adds a
    // dimension that keeps the two close (cosine 0.82) but not equal.
    private const string Infrastructure = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using AgentCost;
        using AgentCost.Caching;
        using Microsoft.Extensions.AI;
        using Microsoft.Extensions.DependencyInjection;

        public sealed class WordEmbedder : IEmbeddingGenerator<string, Embedding<float>>
        {
            private static readonly HashSet<string> s_functionWords = new(StringComparer.OrdinalIgnoreCase)
            {
                "how", "do", "i", "my", "what", "are", "the", "steps", "to", "can", "you", "tell", "me", "is", "a",
            };

            public int Calls;

            public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
            {
                Interlocked.Increment(ref Calls);
                var embeddings = new GeneratedEmbeddings<Embedding<float>>();
                foreach (var value in values)
                {
                    var vector = new float[64];
                    foreach (var word in value.ToLowerInvariant().Split(new[] { ' ', '?', '.', ',', '!' }, StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (!s_functionWords.Contains(word))
                        {
                            vector[(int)((uint)StringComparer.Ordinal.GetHashCode(word) % 64u)] += 1f;
                        }
                    }

                    embeddings.Add(new Embedding<float>(vector));
                }

                return Task.FromResult(embeddings);
            }

            public object? GetService(Type serviceType, object? serviceKey = null) => null;

            public void Dispose()
            {
            }
        }

        // Stands in for the guard: a candidate whose negation differs from the prompt's is rejected.
        public sealed class NegationGuard : ISemanticHitVerifier
        {
            public int Rejected;

            public ValueTask<SemanticHitVerdict> VerifyAsync(SemanticHitCandidate candidate, CancellationToken cancellationToken)
            {
                if (IsNegated(candidate.Prompt) != IsNegated(candidate.CachedPrompt))
                {
                    Interlocked.Increment(ref Rejected);
                    return new(SemanticHitVerdict.Reject("negation"));
                }

                return new(SemanticHitVerdict.Accept);
            }

            private static bool IsNegated(string text) => text.Split(' ').Contains("not");
        }

        public sealed class Assistant
        {
            public int Executions;

            [SemanticCached]
            public async Task<string> AnswerAsync(string locale, [Prompt] string question, CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref Executions);
                await Task.Yield();
                return $"{locale}:{question}";
            }

            [SemanticCached(Threshold = 0.99)]
            public string Strict(string question)
            {
                Interlocked.Increment(ref Executions);
                return question;
            }
        }

        public static class Host
        {
            // The container, and its runtime made the one the interceptors use, until disposed.
            public static IDisposable Start(WordEmbedder? embedder, NegationGuard? guard, out AgentCostRuntime runtime)
            {
                var provider = Build(embedder, guard);
                runtime = provider.GetRequiredService<AgentCostRuntime>();
                var scope = AgentCostRuntime.Use(runtime);
                return new Stop(scope, provider);
            }

            private static ServiceProvider Build(WordEmbedder? embedder, NegationGuard? guard)
            {
                var services = new ServiceCollection();
                if (embedder is not null)
                {
                    services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(embedder);
                }

                services.AddAgentCost();
                services.Configure<SemanticCacheOptions>(options =>
                {
                    options.Threshold = 0.8f;
                    options.Verifier = guard;
                });
                return services.BuildServiceProvider();
            }

            private sealed class Stop(IDisposable scope, ServiceProvider provider) : IDisposable
            {
                public void Dispose()
                {
                    scope.Dispose();
                    provider.Dispose();
                }
            }
        }

        """;

    [Fact]
    public async Task AParaphraseWithEqualOtherArgumentsIsServedAndADifferentOneIsNot()
    {
        var output = await RunAsync("""
            public static class Program
            {
                public static async Task<string> Run()
                {
                    var embedder = new WordEmbedder();
                    using var host = Host.Start(embedder, new NegationGuard(), out _);
                    var assistant = new Assistant();
                    var first = await assistant.AnswerAsync("en", "How do I reset my password?", default);
                    var paraphrase = await assistant.AnswerAsync("en", "What are the steps to reset my password?", default);
                    var otherLocale = await assistant.AnswerAsync("fr", "What are the steps to reset my password?", default);
                    var otherQuestion = await assistant.AnswerAsync("en", "How do I delete my account?", default);
                    return $"{paraphrase} | {otherLocale} | {otherQuestion} | executions={assistant.Executions} embeddings={embedder.Calls}";
                }
            }
            """);

        // The paraphrase gets the first answer; the French call and the other question run the method.
        Assert.Equal(
            "en:How do I reset my password? | fr:What are the steps to reset my password? | en:How do I delete my account? | executions=3 embeddings=4",
            output);
    }

    [Fact]
    public async Task ANegatedPromptIsNotServed()
    {
        var output = await RunAsync("""
            public static class Program
            {
                public static async Task<string> Run()
                {
                    var guard = new NegationGuard();
                    using var host = Host.Start(new WordEmbedder(), guard, out _);
                    var assistant = new Assistant();
                    await assistant.AnswerAsync("en", "Is the reset link safe", default);
                    var negated = await assistant.AnswerAsync("en", "Is the reset link not safe", default);
                    return $"{negated} | executions={assistant.Executions} rejected={guard.Rejected}";
                }
            }
            """);

        Assert.Equal("en:Is the reset link not safe | executions=2 rejected=1", output);
    }

    [Fact]
    public async Task TenantsNeverShareAnEntry()
    {
        var output = await RunAsync("""
            public static class Program
            {
                public static async Task<string> Run()
                {
                    using var host = Host.Start(new WordEmbedder(), null, out _);
                    var assistant = new Assistant();
                    string a, b, c;
                    using (AgentCostContext.Begin("contoso"))
                    {
                        a = await assistant.AnswerAsync("en", "How do I reset my password?", default);
                    }

                    using (AgentCostContext.Begin("fabrikam"))
                    {
                        b = await assistant.AnswerAsync("en", "What are the steps to reset my password?", default);
                    }

                    using (AgentCostContext.Begin("contoso"))
                    {
                        c = await assistant.AnswerAsync("en", "What are the steps to reset my password?", default);
                    }

                    return $"{b} | {c} | executions={assistant.Executions}";
                }
            }
            """);

        Assert.Equal("en:What are the steps to reset my password? | en:How do I reset my password? | executions=2", output);
    }

    [Fact]
    public async Task AMethodsThresholdOverridesTheConfiguredOne()
    {
        var output = await RunAsync("""
            public static class Program
            {
                public static async Task<string> Run()
                {
                    using var host = Host.Start(new WordEmbedder(), null, out _);
                    var assistant = new Assistant();
                    var first = assistant.Strict("Reset password");
                    var same = assistant.Strict("How do I reset my password");
                    var close = assistant.Strict("Reset password now");
                    await Task.Yield();
                    return $"{same} | {close} | executions={assistant.Executions}";
                }
            }
            """);

        // Threshold = 0.99: only an equal embedding answers, not one at 0.82.
        Assert.Equal("Reset password | Reset password now | executions=2", output);
    }

    [Fact]
    public async Task WithoutAnEmbedderTheMethodIsCachedExactly()
    {
        var output = await RunAsync("""
            public static class Program
            {
                public static async Task<string> Run()
                {
                    using var host = Host.Start(embedder: null, guard: null, out var runtime);
                    var assistant = new Assistant();
                    await assistant.AnswerAsync("en", "How do I reset my password?", default);
                    var again = await assistant.AnswerAsync("en", "How do I reset my password?", default);
                    var paraphrase = await assistant.AnswerAsync("en", "What are the steps to reset my password?", default);
                    var otherLocale = await assistant.AnswerAsync("fr", "How do I reset my password?", default);
                    var statistics = runtime.Cache.GetStatistics("Assistant.AnswerAsync");
                    return $"{again} | {paraphrase} | {otherLocale} | executions={assistant.Executions} hits={statistics.Hits}";
                }
            }
            """);

        Assert.Equal(
            "en:How do I reset my password? | en:What are the steps to reset my password? | fr:How do I reset my password? | executions=3 hits=1",
            output);
    }

    private static Task<string> RunAsync(string program)
    {
        var compilation = GeneratorHarness.CreateCompilation(Infrastructure + program);
        return ProgramRunner.GenerateAndRunAsync(compilation);
    }
}
