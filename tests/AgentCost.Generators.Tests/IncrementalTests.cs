using System.Collections;
using System.Reflection;
using AgentCost.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AgentCost.Generators.Tests;

/// <summary>
/// The pipeline's run reasons: edits that do not touch an annotated call leave every step's output cached, and
/// edits that do regenerate the file.
/// </summary>
public sealed class IncrementalTests
{
    private const string Program = """
        using System.Threading;
        using System.Threading.Tasks;
        using AgentCost;

        namespace Sample;

        public sealed class Tools
        {
            [Cached(Version = 1)]
            public Task<string> AskAsync(string prompt, CancellationToken cancellationToken) => Task.FromResult(prompt);

            [Cached]
            [AgentTool]
            public static int Add(int left, int right) => left + right;
        }

        public static class Program
        {
            public static async Task<int> Run(Tools tools)
                => (await tools.AskAsync("a", CancellationToken.None)).Length + Tools.Add(1, 2);
        }
        """;

    private const string Unrelated = """
        namespace Sample.Other;

        public static class Unrelated
        {
            public static int Value => 1;
        }
        """;

    private static readonly IncrementalStepRunReason[] s_unchanged = [IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged];

    private static readonly HashSet<string> s_ownSteps = typeof(TrackingNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (string)field.GetValue(null)!)
        .ToHashSet();

    [Fact]
    public void EveryNamedStepIsTracked()
    {
        var run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Program));

        var names = typeof(TrackingNames).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!);
        Assert.All(names, name => Assert.Contains(name, run.Result.TrackedSteps.Keys));
    }

    [Fact]
    public void AddingAFileWithoutCallsLeavesEveryStepCached()
    {
        var compilation = GeneratorHarness.CreateCompilation(Program);
        var first = GeneratorHarness.Run(compilation);

        var second = GeneratorHarness.Run(compilation.AddSyntaxTrees(GeneratorHarness.Parse(Unrelated, "Unrelated.cs")), first.Driver);

        AssertAllUnchanged(second.Result);
        Assert.Equal(first.GeneratedText, second.GeneratedText);
    }

    [Fact]
    public void EditingAnUnrelatedFileLeavesEveryStepCached()
    {
        var unrelated = GeneratorHarness.Parse(Unrelated, "Unrelated.cs");
        var compilation = GeneratorHarness.CreateCompilation([GeneratorHarness.Parse(Program), unrelated]);
        var first = GeneratorHarness.Run(compilation);

        // The edit adds invocations, of methods that are not annotated.
        var edited = GeneratorHarness.Parse(Unrelated.Replace("=> 1;", "=> string.Concat(\"a\", \"b\").Length + int.Parse(\"1\");"), "Unrelated.cs");
        var second = GeneratorHarness.Run(compilation.ReplaceSyntaxTree(unrelated, edited), first.Driver);

        AssertAllUnchanged(second.Result);
        Assert.Equal(first.GeneratedText, second.GeneratedText);
    }

    [Fact]
    public void EditingAMethodBodyWithoutCallsLeavesEveryStepCached()
    {
        var program = GeneratorHarness.Parse(Program);
        var compilation = GeneratorHarness.CreateCompilation([program]);
        var first = GeneratorHarness.Run(compilation);

        // Same file, same positions of the calls: only the checksum of the file could tell, and it does.
        var edited = GeneratorHarness.Parse(Program.Replace("=> left + right;", "=> right + left;"));
        var second = GeneratorHarness.Run(compilation.ReplaceSyntaxTree(program, edited), first.Driver);

        // The interceptable location names the file's content, so an edit in the file moves every call site in it.
        Assert.Contains(second.Result.TrackedSteps[TrackingNames.CallSites].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.NotEqual(first.GeneratedText, second.GeneratedText);
    }

    [Fact]
    public void EditingAnAnnotatedCallSiteRegeneratesTheFile()
    {
        var program = GeneratorHarness.Parse(Program);
        var compilation = GeneratorHarness.CreateCompilation([program]);
        var first = GeneratorHarness.Run(compilation);

        var edited = GeneratorHarness.Parse(Program.Replace("Tools.Add(1, 2)", "Tools.Add(1, 2) + Tools.Add(3, 4)"));
        var second = GeneratorHarness.Run(compilation.ReplaceSyntaxTree(program, edited), first.Driver);

        Assert.Contains(second.Result.TrackedSteps[TrackingNames.CallSites].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.New);
        AssertReason(second.Result.TrackedSteps[TrackingNames.Interceptors], IncrementalStepRunReason.Modified);
        AssertInterceptorsOutputModified(second.Result);
        Assert.Equal(3, second.GeneratedText!.Split("InterceptsLocationAttribute(1, ").Length - 1);
    }

    [Fact]
    public void EditingTheAttributeInAnotherFileRegeneratesTheFile()
    {
        var (tools, program) = SplitProgram();
        var compilation = GeneratorHarness.CreateCompilation([tools, program]);
        var first = GeneratorHarness.Run(compilation);

        // The call sites' file is untouched; the method they call changed its cache version.
        var edited = GeneratorHarness.Parse(tools.ToString().Replace("Version = 1", "Version = 2"), "Tools.cs");
        var second = GeneratorHarness.Run(compilation.ReplaceSyntaxTree(tools, edited), first.Driver);

        AssertReason(second.Result.TrackedSteps[TrackingNames.Interceptors], IncrementalStepRunReason.Modified);
        AssertInterceptorsOutputModified(second.Result);
        Assert.Contains("version: 2", second.GeneratedText);
    }

    [Fact]
    public void EditingTheAnnotatedMethodsBodyLeavesEveryStepCached()
    {
        var (tools, program) = SplitProgram();
        var compilation = GeneratorHarness.CreateCompilation([tools, program]);
        var first = GeneratorHarness.Run(compilation);

        var edited = GeneratorHarness.Parse(tools.ToString().Replace("=> left + right;", "=> right + left;"), "Tools.cs");
        var second = GeneratorHarness.Run(compilation.ReplaceSyntaxTree(tools, edited), first.Driver);

        AssertAllUnchanged(second.Result);
        Assert.Equal(first.GeneratedText, second.GeneratedText);
    }

    [Fact]
    public void StepOutputsHoldNoCompilerObjects()
    {
        var run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Program));

        foreach (var (name, steps) in run.Result.TrackedSteps.Where(pair => s_ownSteps.Contains(pair.Key)))
        {
            foreach (var (value, _) in steps.SelectMany(step => step.Outputs))
            {
                AssertNoCompilerObjects(value, name, new HashSet<object>(ReferenceEqualityComparer.Instance));
            }
        }
    }

    [Fact]
    public void EditingASemanticCachedMethodsSettingsRegeneratesTheFile()
    {
        var tools = GeneratorHarness.Parse(SemanticTools, "Tools.cs");
        var program = GeneratorHarness.Parse(SemanticProgram, "Program.cs");
        var compilation = GeneratorHarness.CreateCompilation([tools, program]);
        var first = GeneratorHarness.Run(compilation);
        Assert.Contains("promptArgument: 2, threshold: 0.9d", first.GeneratedText);

        // The prompt moves to the other string: the descriptor's position and the exact key change with it.
        var edited = GeneratorHarness.Parse(
            SemanticTools.Replace("string locale, [Prompt] string question", "[Prompt] string locale, string question").Replace("0.9", "0.95"),
            "Tools.cs");
        var second = GeneratorHarness.Run(compilation.ReplaceSyntaxTree(tools, edited), first.Driver);

        AssertReason(second.Result.TrackedSteps[TrackingNames.Interceptors], IncrementalStepRunReason.Modified);
        AssertInterceptorsOutputModified(second.Result);
        Assert.Contains("promptArgument: 1, threshold: 0.95d", second.GeneratedText);
        Assert.Contains("key.Add(args.Item3, \"question\")", second.GeneratedText);
    }

    [Fact]
    public void EditingASemanticCachedMethodsBodyLeavesEveryStepCached()
    {
        var tools = GeneratorHarness.Parse(SemanticTools, "Tools.cs");
        var compilation = GeneratorHarness.CreateCompilation([tools, GeneratorHarness.Parse(SemanticProgram, "Program.cs")]);
        var first = GeneratorHarness.Run(compilation);

        var edited = GeneratorHarness.Parse(SemanticTools.Replace("Task.FromResult(question)", "Task.FromResult(locale + question)"), "Tools.cs");
        var second = GeneratorHarness.Run(compilation.ReplaceSyntaxTree(tools, edited), first.Driver);

        AssertAllUnchanged(second.Result);
        Assert.Equal(first.GeneratedText, second.GeneratedText);
    }

    [Fact]
    public void MakingASemanticCachedMethodInvalidRemovesItsInterceptor()
    {
        var tools = GeneratorHarness.Parse(SemanticTools, "Tools.cs");
        var compilation = GeneratorHarness.CreateCompilation([tools, GeneratorHarness.Parse(SemanticProgram, "Program.cs")]);
        var first = GeneratorHarness.Run(compilation);
        Assert.Contains("SemanticCachePolicy", first.GeneratedText);

        // Also [Cached]: COST011 reports it, and the generator leaves every call of it alone.
        var edited = GeneratorHarness.Parse(SemanticTools.Replace("[SemanticCached(", "[Cached] [SemanticCached("), "Tools.cs");
        var second = GeneratorHarness.Run(compilation.ReplaceSyntaxTree(tools, edited), first.Driver);

        Assert.True(second.Result.Exception is null);
        Assert.DoesNotContain("SemanticCachePolicy", second.GeneratedText ?? string.Empty);
    }

    private const string SemanticTools = """
        using System.Threading.Tasks;
        using AgentCost;

        namespace Sample;

        public sealed class Assistant
        {
            [SemanticCached(Threshold = 0.9)]
            public Task<string> AnswerAsync(string locale, [Prompt] string question) => Task.FromResult(question);
        }
        """;

    private const string SemanticProgram = """
        using System.Threading.Tasks;

        namespace Sample;

        public static class Program
        {
            public static Task<string> Run(Assistant assistant) => assistant.AnswerAsync("en", "How do I reset my password?");
        }
        """;

    private static (SyntaxTree Tools, SyntaxTree Program) SplitProgram()
    {
        var split = Program.IndexOf("public static class Program", StringComparison.Ordinal);
        var usings = "using System.Threading.Tasks;\nusing System.Threading;\nnamespace Sample;\n";
        return (GeneratorHarness.Parse(Program[..split], "Tools.cs"), GeneratorHarness.Parse(usings + Program[split..], "Program.cs"));
    }

    private static void AssertAllUnchanged(GeneratorRunResult result)
    {
        // Roslyn's own steps behind ForAttributeWithMetadataName hold syntax by design and rerun on any edit of a file.
        foreach (var (name, steps) in result.TrackedSteps.Where(pair => s_ownSteps.Contains(pair.Key)).Concat(result.TrackedOutputSteps))
        {
            foreach (var (_, reason) in steps.SelectMany(step => step.Outputs))
            {
                Assert.True(s_unchanged.Contains(reason), $"Step '{name}' ran with reason {reason}.");
            }
        }
    }

    // The interceptors file is written again; the tools' files, whose models did not change, need not be.
    private static void AssertInterceptorsOutputModified(GeneratorRunResult result)
        => Assert.Contains(
            result.TrackedOutputSteps.Values.SelectMany(steps => steps).SelectMany(step => step.Outputs),
            output => output.Reason == IncrementalStepRunReason.Modified);

    private static void AssertReason(IEnumerable<IncrementalGeneratorRunStep> steps, IncrementalStepRunReason expected)
        => Assert.All(steps.SelectMany(step => step.Outputs), output => Assert.Equal(expected, output.Reason));

    // Holding symbols, syntax or compilations would root old compilations and defeat the cache's equality checks.
    private static void AssertNoCompilerObjects(object? value, string path, HashSet<object> visited)
    {
        if (value is null or string || value.GetType().IsPrimitive || value.GetType().IsEnum)
        {
            return;
        }

        Assert.False(
            value is ISymbol or SyntaxNode or SyntaxTree or SemanticModel or Compilation or Location,
            $"{path} holds a {value.GetType().Name}.");

        // InterceptableLocation is the one compiler type a model may hold: it is equatable and holds no syntax.
        if (value is InterceptableLocation || (!value.GetType().IsValueType && !visited.Add(value)))
        {
            return;
        }

        if (value is IEnumerable items)
        {
            var index = 0;
            foreach (var item in items)
            {
                AssertNoCompilerObjects(item, $"{path}[{index++}]", visited);
            }
        }

        foreach (var field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            AssertNoCompilerObjects(field.GetValue(value), $"{path}.{field.Name}", visited);
        }
    }
}
