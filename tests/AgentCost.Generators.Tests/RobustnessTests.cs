using System.Text;
using AgentCost.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AgentCost.Generators.Tests;

/// <summary>
/// The generator sees code while it is being typed: it must never throw, whatever is missing, and what it writes
/// for code that compiles must compile too.
/// </summary>
public sealed class RobustnessTests
{
    private const int Variants = 300;
    private const int Seed = 20_250_611;

    private const string Sample = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using System.ComponentModel;
        using AgentCost;
        using Microsoft.Extensions.AI;

        namespace Sample;

        public enum Mode { Fast, Careful = 4 }

        public sealed record Query(string Text, int Limit);

        public sealed class Tools
        {
            [AgentTool(Name = "ask", Description = "Asks.")]
            [Cached(TtlSeconds = 60, Version = 2)]
            public async Task<string> AskAsync(string prompt, [NotCacheKey] string? traceId, CancellationToken cancellationToken = default)
            {
                await Task.Delay(1, cancellationToken);
                return prompt + traceId;
            }

            [Cached]
            [AgentTool]
            [Description("Counts.")]
            public ValueTask<int?> CountAsync(IReadOnlyList<string> items, Mode mode = Mode.Careful, Query? query = null, double scale = 1.5) => new(items.Count);

            [Cached]
            public static T Echo<T>(T value, params int[] extra) => value;

            [Cached]
            private string Secret(ref int id) => id.ToString();

            [SemanticCached(Threshold = 0.9)]
            public Task<string> AnswerAsync(string locale, [Prompt] string question, CancellationToken cancellationToken) => Task.FromResult(question);
        }

        public static class ToolExtensions
        {
            [Cached]
            public static string Describe(this Tools tools, (int Id, string Name) item) => item.Name;
        }

        public static class Program
        {
            public static async Task<int> RunAsync(Tools tools, CancellationToken cancellationToken)
            {
                var answer = await tools.AskAsync("question", null, cancellationToken);
                answer += await tools.AnswerAsync("en", answer, cancellationToken);
                var functions = new[] { AIFunctionFactory.Create(tools.AskAsync), AIFunctionFactory.Create(tools.CountAsync, "count") };
                var count = await tools.CountAsync(new List<string> { answer });
                Func<string, string> describe = name => tools.Describe((1, name));
                var echoed = Tools.Echo<string?>(describe("x"), 1, 2) + Tools.Echo(new[] { 1 }).Length;
                return Enumerable.Range(0, count ?? 0).Select(i => ToolExtensions.Describe(tools, (i, echoed))).Count() + Local(2);

                static int Local(int value) => Tools.Echo(value);
            }
        }
        """;

    [Fact]
    public void DeletingTokensNeverMakesTheGeneratorThrow()
    {
        var tokens = CSharpSyntaxTree.ParseText(Sample).GetRoot().DescendantTokens().Where(t => t.Span.Length > 0).ToList();
        var random = new Random(Seed);
        var driver = GeneratorHarness.CreateDriver();
        var original = GeneratorHarness.Parse(Sample);

        // Derived from one compilation, the variants share its bound references.
        var baseline = GeneratorHarness.CreateCompilation([original]);
        var withOutput = 0;

        for (var variant = 0; variant < Variants; variant++)
        {
            var deleted = Enumerable.Range(0, random.Next(1, 4)).Select(_ => tokens[random.Next(tokens.Count)].Span).Distinct().OrderByDescending(s => s.Start);
            var text = new StringBuilder(Sample);
            foreach (var span in deleted)
            {
                text.Remove(span.Start, span.Length);
            }

            var compilation = baseline.ReplaceSyntaxTree(original, GeneratorHarness.Parse(text.ToString()));
            var run = GeneratorHarness.Run(compilation, driver);
            driver = run.Driver;

            Assert.True(run.Result.Exception is null, $"Variant {variant} threw {run.Result.Exception}:\n{text}");
            Assert.Empty(run.Result.Diagnostics);
            if (run.GeneratedText is null)
            {
                continue;
            }

            withOutput++;
            if (!compilation.GetParseDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error)
                && !compilation.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error))
            {
                var generated = run.OutputCompilation.SyntaxTrees.Except(compilation.SyntaxTrees).ToHashSet();
                var problems = run.OutputCompilation.GetDiagnostics().Where(d => d.Location.SourceTree is { } tree && generated.Contains(tree) && d.Severity == DiagnosticSeverity.Error).ToList();
                Assert.True(problems.Count == 0, $"Variant {variant} compiles, its generated code does not:\n{string.Join("\n", problems)}\n{text}\n{run.AllGeneratedText}");
            }
        }

        // Most variants still call annotated methods: the generator ran on broken code, not on no code.
        Assert.InRange(withOutput, Variants / 2, Variants);
    }
}
