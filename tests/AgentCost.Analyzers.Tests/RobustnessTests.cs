using AgentCost.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AgentCost.Analyzers.Tests;

/// <summary>
/// The analyzers never throw on broken code: hundreds of variants of the sample sources, each with a few random tokens
/// deleted, are analysed, and no analyzer exception (AD0001) may occur.
/// </summary>
public sealed class RobustnessTests
{
    private const int Variants = 300;

    [Fact]
    public async Task NoAnalyzerThrowsOnBrokenVariantsOfTheSamples()
    {
        var files = RepositoryFiles.CSharpFiles("samples/DiagnosticsShowcase")
            .Concat(RepositoryFiles.CSharpFiles("samples/ResearchAgent"))
            .Select(file => ("/src/" + Path.GetFileName(file.Path), file.Text))
            .Append(AnalyzerRunner.ImplicitUsings)
            .Concat(
            [
                ("/src/Loops.cs", Sources.Agent(string.Join("\n\n", COST001UnboundedAgentLoopTests.Unbounded.Select(row => Unmark((string)row[1]))))),
                ("/src/Bounded.cs", Sources.Agent(string.Join("\n\n", COST001UnboundedAgentLoopTests.Bounded.Select(row => Unmark((string)row[1]))).Replace("partial class Agent", "partial class Agent2"))),
                ("/src/Prompts.cs", Sources.Tools(string.Join("\n\n", COST009InvalidPromptParameterTests.Reported.Select(row => Unmark((string)row[1]))))),
                ("/src/Reflection.cs", Unmark(COST006AnnotatedMethodAsDelegateTests.ReflectionShapes()).Replace("namespace Sample;", "namespace Sample.Reflected;")),
                ("/src/PromptsWithoutRoute.cs", Sources.Tools(string.Join("\n\n", COST010PromptWithoutRouteModelTests.Reported.Select(row => Unmark((string)row[1])))).Replace("public class Tools", "public class UnroutedTools")),
                ("/src/PromptPrefixes.cs", Sources.Agent(string.Join("\n\n", COST012PerCallValueInPromptPrefixTests.Reported.Select(row => Unmark((string)row[1])))).Replace("partial class Agent", "partial class PromptAgent")),
                ("/src/ToolOrder.cs", COST013UnstableToolOrderTests.Source(string.Join("\n    ", COST013UnstableToolOrderTests.Reported.Concat(COST013UnstableToolOrderTests.NotReported).Select(row => "{ " + Unmark((string)row[1]) + " }"))).Replace("public class Tools", "public class OrderedTools").Replace("namespace Sample;", "namespace Sample.ToolOrder;")),
                ("/src/Breakpoints.cs", COST014TooManyCacheBreakpointsTests.Source(string.Join("\n    ", COST014TooManyCacheBreakpointsTests.Reported.Concat(COST014TooManyCacheBreakpointsTests.NotReported).Select(row => "{ " + Unmark((string)row[1]) + " }"))).Replace("namespace Sample;", "namespace Sample.Breakpoints;")),
                ("/src/AnthropicStub.cs", COST014TooManyCacheBreakpointsTests.AnthropicStub),
            ])
            .ToList();

        var random = new Random(20261129);
        var failures = new List<string>();
        for (var variant = 0; variant < Variants; variant++)
        {
            var target = random.Next(files.Count);
            var (path, text) = files[target];
            var broken = DeleteRandomTokens(text, random, count: 1 + random.Next(4));
            var sources = files.Select((file, index) => index == target ? (path, broken) : file);
            var compilation = AnalyzerRunner.Compile(sources, OutputKind.ConsoleApplication);

            var (_, exceptions) = await AnalyzerRunner.RunAsync(compilation);
            if (exceptions.Count > 0)
            {
                failures.Add($"variant {variant} of {path}: {exceptions[0]}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine + Environment.NewLine, failures.Take(3)));
    }

    // Reflection half-typed: the lookups and factory calls COST006 follows back, with their pieces missing or circular.
    public static TheoryData<string> IncompleteReflection =>
    [
        "var m = typeof(Tools).GetMethod(",
        "var m = typeof(Tools).GetMethod(null!); list.Add(AIFunctionFactory.Create(m!, tools));",
        "foreach (var m in typeof().GetMethods()) list.Add(AIFunctionFactory.Create(m, tools));",
        "foreach (var m in typeof(Missing).GetMethods()) list.Add(AIFunctionFactory.Create(m, tools));",
        "list.Add(AIFunctionFactory.Create(typeof(Tools).GetMethod(\"SearchAsync\")!, ));",
        "list.Add(AIFunctionFactory.Create(, tools));",
        "foreach (var m in ) list.Add(AIFunctionFactory.Create(m, tools));",
        "var m = m; list.Add(AIFunctionFactory.Create(m, tools));",
        "MethodInfo a = null!, b = a; a = b; list.Add(AIFunctionFactory.Create(a, tools));",
        "Type t = typeof(Tools), u = t; t = u; list.Add(AIFunctionFactory.Create(t.GetMethod(\"SearchAsync\")!, tools));",
        "list.Add(AIFunctionFactory.Create(Delegate.CreateDelegate(typeof(Func<string, Task<string>>), tools, )));",
        "list.Add(AIFunctionFactory.Create(Delegate.CreateDelegate(typeof(Func<string, Task<string>>), null, \"SearchAsync\")));",
        "_ = typeof(Tools).GetMethods(BindingFlags.);",
        "_ = typeof(Tools).GetTypeInfo().;",
        "_ = tools.GetType().GetMethod(nameof());",
        "var ms = typeof(Tools).GetMethods()[; list.Add(AIFunctionFactory.Create(ms, tools));",
        "_ = typeof(List<>).GetMethods(); _ = typeof(Dictionary<,>).GetMethod(\"Add\");",
        "list.Add(AIFunctionFactory.Create(default(MethodInfo)!, tools));",
        "list.Add(AIFunctionFactory.Create(typeof(Tools).GetMethods().Select(m => m).Where(x => ).First(), tools));",
        "list.Add(AIFunctionFactory.Create(Type.GetType(\"Sample.Tools\")!.GetMethod(\"SearchAsync\")!, tools));",
        "list.Add(AIFunctionFactory.Create(Type.GetType(\", ,\")!.GetMethod(\"\")!, tools));",
        "list.Add(AIFunctionFactory.Create((typeof(Tools).GetMethod(\"SearchAsync\") ?? throw new Exception())?.CreateDelegate<>(tools)));",
    ];

    [Theory]
    [MemberData(nameof(IncompleteReflection))]
    public async Task NoAnalyzerThrowsOnIncompleteReflection(string body)
    {
        var source = "using System.Reflection;\n" + Sources.Tools(
            "[Cached, Description(\"Searches.\")] public Task<string> SearchAsync(string query) => Task.FromResult(query);",
            $$"""
            public static class Use
            {
                public static void Run(Tools tools, List<AITool> list)
                {
                    {{body}}
                }
            }
            """);

        var (_, exceptions) = await AnalyzerRunner.RunAsync(AnalyzerRunner.Compile(source));

        Assert.Empty(exceptions);
    }

    private static string DeleteRandomTokens(string text, Random random, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var tokens = CSharpSyntaxTree.ParseText(text).GetRoot().DescendantTokens().Where(t => t.Span.Length > 0).ToList();
            if (tokens.Count == 0)
            {
                break;
            }

            var token = tokens[random.Next(tokens.Count)];
            text = text.Remove(token.SpanStart, token.Span.Length);
        }

        return text;
    }

    private static string Unmark(string markup) => System.Text.RegularExpressions.Regex.Replace(markup, @"\{\|[A-Z0-9#]+:([^|]*)\|\}", "$1");
}
