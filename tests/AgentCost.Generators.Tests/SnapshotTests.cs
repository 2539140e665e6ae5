using AgentCost.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace AgentCost.Generators.Tests;

/// <summary>
/// The generated text for representative call sites, compared with reviewed snapshots. Each case also checks that
/// the generated code compiles without a warning and that generating twice gives the same text.
/// </summary>
public sealed class SnapshotTests
{
    [Fact]
    public void InstanceTaskMethod() => Verify("""
        using System.Threading;
        using System.Threading.Tasks;
        using AgentCost;

        namespace Sample;

        public sealed class Tools
        {
            [Cached]
            public Task<string> AskAsync(string prompt, CancellationToken cancellationToken) => Task.FromResult(prompt);
        }

        public static class Program
        {
            public static async Task<string> Run(Tools tools)
            {
                var first = await tools.AskAsync("a", CancellationToken.None);
                var second = await tools.AskAsync("b", CancellationToken.None);
                return first + second;
            }
        }
        """);

    [Fact]
    public void StaticSynchronousMethod() => Verify("""
        using AgentCost;

        namespace Sample;

        public static class Calculator
        {
            [Cached]
            public static int Add(int left, int right) => left + right;

            [Cached]
            public static string Now() => "now";
        }

        public static class Program
        {
            public static int Run() => Calculator.Add(1, 2) + Calculator.Now().Length;
        }
        """);

    [Fact]
    public void ValueTaskMethod() => Verify("""
        using System.Threading.Tasks;
        using AgentCost;

        namespace Sample;

        public sealed class Lookup
        {
            [Cached]
            public ValueTask<int?> FindAsync(string? name) => new(name?.Length);
        }

        public static class Program
        {
            public static ValueTask<int?> Run(Lookup lookup) => lookup.FindAsync(null);
        }
        """);

    [Fact]
    public void ExtensionMethodInBothForms() => Verify("""
        using System.Collections.Generic;
        using AgentCost;

        namespace Sample;

        public static class TextExtensions
        {
            [Cached]
            public static string Shout(this string text, int times) => text.ToUpperInvariant() + new string('!', times);

            [Cached]
            public static int Total(this IEnumerable<int> values) => 0;
        }

        public static class Program
        {
            public static string Run(List<int> values)
                => "hi".Shout(1) + TextExtensions.Shout("ho", 2) + values.Total();
        }
        """);

    [Fact]
    public void GenericMethodsAndTypes() => Verify("""
        using System.Collections.Generic;
        using AgentCost;

        namespace Sample;

        public sealed class Box<T>
        {
            [Cached]
            public T Get(T value) => value;

            public sealed class Inner
            {
                [Cached]
                public static string Name() => typeof(T).Name;
            }
        }

        public static class Echo
        {
            [Cached]
            public static T Back<T>(T value) => value;

            [Cached]
            public static KeyValuePair<TKey, TValue> Pair<TKey, TValue>(TKey key, TValue value) => new(key, value);

            public static T Open<T>(T value) => Back(value);
        }

        public static class Program
        {
            public static string Run()
                => Echo.Back(1).ToString()
                    + Echo.Back<string>("a")
                    + Echo.Back(new List<string?>()).Count
                    + Echo.Pair("k", 2.5).Value
                    + new Box<int>().Get(3)
                    + Box<(int Id, string Name)>.Inner.Name()
                    + Echo.Open(4);
        }
        """);

    [Fact]
    public void CallsInLambdasAndLocalFunctions() => Verify("""
        using System;
        using System.Linq;
        using AgentCost;

        namespace Sample;

        public sealed class Tools
        {
            [Cached]
            public string Describe(int id) => id.ToString();
        }

        public static class Program
        {
            public static string Run(Tools tools)
            {
                Func<int, string> describe = id => tools.Describe(id);
                return string.Join(",", Enumerable.Range(0, 3).Select(i => tools.Describe(i))) + describe(4) + Local(5);

                string Local(int id) => tools?.Describe(id) ?? string.Empty;
            }
        }
        """);

    [Fact]
    public void NotCacheKeyAndCancellationToken() => Verify("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using AgentCost;

        namespace Sample;

        public sealed class Research
        {
            [Cached]
            public Task<string[]> SearchAsync(
                string query,
                [NotCacheKey] IProgress<int>? progress,
                int limit = 10,
                CancellationToken cancellationToken = default,
                [NotCacheKey] string? correlationId = null) => Task.FromResult(new[] { query });

            [Cached]
            public Task<int> PingAsync([NotCacheKey] CancellationToken first, CancellationToken second) => Task.FromResult(1);
        }

        public static class Program
        {
            public static async Task<int> Run(Research research, CancellationToken cancellationToken)
            {
                var results = await research.SearchAsync("q", null, cancellationToken: cancellationToken);
                return results.Length + await research.PingAsync(cancellationToken, default);
            }
        }
        """);

    [Fact]
    public void TtlAndVersion() => Verify("""
        using AgentCost;

        namespace Sample;

        public sealed class Pricing
        {
            [Cached(TtlSeconds = 3600, Version = 2)]
            public decimal Quote(string model, int tokens) => tokens;

            [Cached(Version = -1)]
            public decimal Legacy(string model) => 0;
        }

        public static class Program
        {
            public static decimal Run(Pricing pricing) => pricing.Quote("small", 1000) + pricing.Legacy("old");
        }
        """);

    [Fact]
    public void TokenBudgetMethods() => Verify("""
        using System.Threading;
        using System.Threading.Tasks;
        using AgentCost;
        using AgentCost.Budgets;

        namespace Sample;

        public sealed class Agent
        {
            [TokenBudget(8000, FinalAnswerReserve = 2000, MinStepTokens = 500, OverflowPolicy = BudgetOverflowPolicy.TrimOldest)]
            public Task<string> ResearchAsync(string question, CancellationToken cancellationToken) => Task.FromResult(question);

            [TokenBudget(4000)]
            [Cached(Version = 2)]
            public string Summarize(string text) => text;

            [TokenBudget(1000)]
            public void Note(string text)
            {
            }

            [TokenBudget(1000)]
            public Task PlanAsync() => Task.CompletedTask;

            [TokenBudget(1000)]
            public ValueTask ReflectAsync(int depth) => default;
        }

        public static class Program
        {
            public static async Task<string> Run(Agent agent)
            {
                agent.Note("n");
                await agent.PlanAsync();
                await agent.ReflectAsync(2);
                return await agent.ResearchAsync("q", CancellationToken.None) + agent.Summarize("t");
            }
        }
        """);

    [Fact]
    public void RouteModelMethods() => Verify("""
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using AgentCost;
        using Microsoft.Extensions.AI;

        namespace Sample;

        public sealed class Agent
        {
            [RouteModel]
            public Task<string> AnswerAsync(string question, CancellationToken cancellationToken) => Task.FromResult(question);

            [RouteModel(MinTier = "medium", MaxTier = "complex")]
            public ValueTask<int> ChatAsync(int depth, IList<ChatMessage> history) => new(history.Count + depth);

            [RouteModel(Tier = "reasoning")]
            public static string Prove(string claim) => claim;

            [RouteModel]
            public string Compare(string context, [Prompt] string question) => question;

            [RouteModel]
            public void Plan(int steps)
            {
            }

            [RouteModel]
            [Cached]
            [TokenBudget(4000)]
            public string Summarize(string text) => text;
        }

        public static class AgentExtensions
        {
            [RouteModel(MaxTier = "medium")]
            public static string Ask(this Agent agent, string question) => question;
        }

        public static class Program
        {
            public static async Task<string> Run(Agent agent)
            {
                agent.Plan(3);
                var answer = await agent.AnswerAsync("q", CancellationToken.None);
                var count = await agent.ChatAsync(1, new List<ChatMessage> { new(ChatRole.User, "hi") });
                return answer + count + Agent.Prove("p") + agent.Compare("c", "q") + agent.Summarize("t") + agent.Ask("a");
            }
        }
        """);

    [Fact]
    public void SemanticCachedMethods() => Verify("""
        using System.Threading;
        using System.Threading.Tasks;
        using AgentCost;

        namespace Sample;

        public sealed class Agent
        {
            [SemanticCached]
            public Task<string> AnswerAsync(string question, CancellationToken cancellationToken) => Task.FromResult(question);

            [SemanticCached(TtlSeconds = 60, Version = 2, Threshold = 0.9)]
            public string Translate(string locale, [Prompt] string text, [NotCacheKey] int attempt) => text;

            [SemanticCached]
            [TokenBudget(4000)]
            public static ValueTask<int> CountAsync(int limit, string question) => new(limit);

            [SemanticCached]
            public int NoPrompt(int value) => value;

            [SemanticCached]
            [Cached]
            public string Both(string question) => question;
        }

        public static class AgentExtensions
        {
            [SemanticCached]
            public static string Ask(this Agent agent, string question) => question;
        }

        public static class Program
        {
            public static async Task<string> Run(Agent agent)
            {
                var answer = await agent.AnswerAsync("q", CancellationToken.None);
                var count = await Agent.CountAsync(3, "how many?");
                return answer + count + agent.Translate("fr", "hello", 1) + agent.NoPrompt(1) + agent.Both("b") + agent.Ask("a");
            }
        }
        """);

    [Fact]
    public void MethodFromReferencedAssembly()
    {
        var library = GeneratorHarness.CreateLibraryReference("""
            using System.Threading.Tasks;
            using AgentCost;

            namespace Library;

            public class Catalog
            {
                [Cached(TtlSeconds = 60)]
                public virtual Task<string> TitleAsync(int id) => Task.FromResult("title " + id);

                [Cached]
                internal string Hidden(int id) => "hidden";

                public string UseHidden() => Hidden(1);
            }

            public static class CatalogExtensions
            {
                [Cached]
                public static string Summary(this Catalog catalog, string? language = null) => "summary";
            }
            """, "Library", out _);

        Verify("""
            using System.Threading.Tasks;
            using Library;

            namespace Sample;

            public static class Program
            {
                public static async Task<string> Run(Catalog catalog)
                    => await catalog.TitleAsync(1) + catalog.Summary() + catalog.UseHidden();
            }
            """, library);
    }

    [Fact]
    public void InaccessibleMethodsAreSkipped() => Verify("""
        using AgentCost;

        namespace Sample;

        public class Tools
        {
            [Cached]
            private string Secret(int id) => "secret";

            [Cached]
            protected string Guarded(int id) => "guarded";

            [Cached]
            public string Open(int id) => Secret(id) + Guarded(id) + Nested.Hidden();

            private static class Nested
            {
                [Cached]
                public static string Hidden() => "hidden";
            }
        }

        public static class Program
        {
            public static string Run(Tools tools) => tools.Open(1);
        }
        """);

    [Fact]
    public void CallsInSeveralFilesAreOrderedByFileAndPosition()
    {
        var tools = """
            using AgentCost;

            namespace Sample;

            public static class Tools
            {
                [Cached]
                public static int Square(int value) => value * value;

                [Cached]
                public static string Name(int id) => "#" + id;
            }
            """;
        var first = """
            namespace Sample;

            public static class First
            {
                public static string Run() => Tools.Name(Tools.Square(2)) + Tools.Square(3);
            }
            """;
        var second = """
            namespace Sample;

            public static class Second
            {
                public static int Run() => Tools.Square(4);
            }
            """;

        string Generate(params (string Source, string File)[] files)
        {
            var trees = files.Select(f => GeneratorHarness.Parse(f.Source, f.File));
            var run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(trees));
            Assert.Null(run.Result.Exception);
            Assert.Empty(run.CompilationProblems);
            return Assert.IsType<string>(run.GeneratedText);
        }

        var text = Generate((tools, "Tools.cs"), (first, "First.cs"), (second, "Second.cs"));

        Assert.Equal(text, Generate((second, "Second.cs"), (first, "First.cs"), (tools, "Tools.cs")));
        Snapshot.Match(text, nameof(CallsInSeveralFilesAreOrderedByFileAndPosition));
    }

    [Fact]
    public void NoAnnotatedCallsGenerateNothing()
    {
        var compilation = GeneratorHarness.CreateCompilation("""
            namespace Sample;

            public static class Program
            {
                public static string Run() => string.Concat("a", "b");
            }
            """);

        var run = GeneratorHarness.Run(compilation);

        Assert.Null(run.Result.Exception);
        Assert.Empty(run.Result.GeneratedSources);
    }

    private static void Verify(string source, MetadataReference? reference = null, [System.Runtime.CompilerServices.CallerMemberName] string name = "")
    {
        var references = reference is null ? Array.Empty<MetadataReference>() : [reference];
        var run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(source, references));

        Assert.Null(run.Result.Exception);
        Assert.Empty(run.Result.Diagnostics);
        Assert.Empty(run.CompilationProblems);
        var text = Assert.IsType<string>(run.GeneratedText);

        // A fresh driver over a freshly parsed compilation must write the same text.
        var again = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(source, references));
        Assert.Equal(text, again.GeneratedText);

        Snapshot.Match(text, name);
    }
}
