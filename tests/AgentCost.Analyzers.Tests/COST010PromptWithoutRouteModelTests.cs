using AgentCost.Analyzers.CodeFixes;
using AgentCost.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Verify = AgentCost.Analyzers.Tests.Infrastructure.Verifier<AgentCost.Analyzers.Rules.COST010PromptWithoutRouteModel>;

namespace AgentCost.Analyzers.Tests;

public sealed class COST010PromptWithoutRouteModelTests
{
    public static TheoryData<string, string> Reported => new()
    {
        { "an instance method", "public Task<string> AnswerAsync([Prompt] string {|COST010:question|}) => Task.FromResult(question);" },
        { "a static method", "public static string Answer([Prompt] string {|COST010:question|}, int limit) => question;" },
        { "a Task-returning method", "public Task AnswerAsync(int id, [Prompt] string {|COST010:question|}, CancellationToken ct) => Task.CompletedTask;" },
        { "a ChatMessage list", "public Task<string> AnswerAsync([Prompt] List<ChatMessage> {|COST010:history|}) => Task.FromResult(\"\");" },
        { "another policy but not [RouteModel]", "[Cached] public Task<string> AnswerAsync([Prompt] string {|COST010:question|}) => Task.FromResult(question);" },
        { "a non-prompt type", "public Task<string> AnswerAsync([Prompt] int {|COST010:count|}) => Task.FromResult(\"\");" },
        { "two [Prompt] parameters", "public Task<string> AnswerAsync([Prompt] string {|COST010:question|}, [Prompt] string {|COST010:context|}) => Task.FromResult(question);" },
        { "a static extension method", "public static Task<string> AnswerAsync(this IChatClient chat, [Prompt] string {|COST010:question|}) => Task.FromResult(question);" },
    };

    public static TheoryData<string, string> NotReported => new()
    {
        { "[RouteModel] present", "[RouteModel] public Task<string> AnswerAsync([Prompt] string question, string context) => Task.FromResult(question);" },
        { "[RouteModel] with a tier", "[RouteModel(MaxTier = \"complex\")] public static Task<string> AnswerAsync([Prompt] List<ChatMessage> history) => Task.FromResult(\"\");" },
        { "[SemanticCached] present", "[SemanticCached] public Task<string> AnswerAsync(string locale, [Prompt] string question) => Task.FromResult(question);" },
        { "no [Prompt]", "public Task<string> AnswerAsync(string question, string context) => Task.FromResult(question);" },
        { "no parameters", "public Task<string> AnswerAsync() => Task.FromResult(\"\");" },
        { "a lambda parameter", "public Func<string, string> Answer() => ([Prompt] string question) => question;" },
        { "a local function parameter", "public string Answer() { return Local(\"q\"); static string Local([Prompt] string question) => question; }" },
        { "an implementation of a [RouteModel] interface method", "public Task<string> AnswerAsync([Prompt] string question) => Task.FromResult(question);" },
    };

    [Theory]
    [MemberData(nameof(Reported))]
    public Task ReportsPromptWithoutRouteModel(string shape, string members)
    {
        _ = shape;
        return Verify.AnalyzeAsync(ExtensionsAreStatic(Sources.Tools(members)));
    }

    [Theory]
    [MemberData(nameof(NotReported))]
    public Task IgnoresRoutedOrUnmarkedMethods(string shape, string members)
    {
        _ = shape;
        var source = shape.Contains("interface", StringComparison.Ordinal)
            ? Sources.Tools(members, "public interface IAnswerer\n{\n    [RouteModel] Task<string> AnswerAsync([Prompt] string question);\n}\n").Replace("public class Tools", "public class Tools : IAnswerer")
            : Sources.Tools(members);
        return Verify.AnalyzeAsync(source);
    }

    [Fact]
    public Task ReportsAnOverrideOfAMethodWithoutRouteModel()
        => Verify.AnalyzeAsync(Sources.Tools(
            "public virtual Task<string> AnswerAsync(string question) => Task.FromResult(question);",
            "public class Derived : Tools\n{\n    public override Task<string> AnswerAsync([Prompt] string {|COST010:question|}) => Task.FromResult(question);\n}\n"));

    [Fact]
    public Task IgnoresAnOverrideOfARoutedMethod()
        => Verify.AnalyzeAsync(Sources.Tools(
            "[RouteModel] public virtual Task<string> AnswerAsync([Prompt] string question) => Task.FromResult(question);",
            "public class Derived : Tools\n{\n    public override Task<string> AnswerAsync([Prompt] string question) => Task.FromResult(question);\n}\n"));

    [Fact]
    public Task MessageNamesTheParameterAndTheMethod()
        => Verify.AnalyzeAsync(
            Sources.Tools("public Task<string> AnswerAsync([Prompt] string {|#0:question|}) => Task.FromResult(question);"),
            Verify.Diagnostic("COST010").WithLocation(0).WithArguments("question", "AnswerAsync")
                .WithMessage("[Prompt] on parameter 'question' of 'AnswerAsync' has no effect: the method has no [RouteModel]; add [RouteModel] to route its model calls, or remove [Prompt]"));

    [Fact]
    public Task FixAddsRouteModelAndTheUsing()
        => Verify.FixAsync<COST010CodeFixProvider>(
            """
            using System.Threading.Tasks;

            namespace Sample;

            public class Support
            {
                public Task<string> AnswerAsync([AgentCost.Prompt] string {|COST010:question|}) => Task.FromResult(question);
            }
            """,
            """
            using System.Threading.Tasks;
            using AgentCost;

            namespace Sample;

            public class Support
            {
                [RouteModel]
                public Task<string> AnswerAsync([AgentCost.Prompt] string question) => Task.FromResult(question);
            }
            """,
            equivalenceKey: nameof(COST010CodeFixProvider));

    [Fact]
    public Task FixAddsRouteModelBesideOtherAttributes()
        => Verify.FixAsync<COST010CodeFixProvider>(
            """
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using AgentCost;
            using Microsoft.Extensions.AI;

            namespace Sample;

            public class Support
            {
                [TokenBudget(8000)]
                public static Task<string> AnswerAsync(int id, [Prompt] List<ChatMessage> {|COST010:history|}) => Task.FromResult("");
            }
            """,
            """
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using AgentCost;
            using Microsoft.Extensions.AI;

            namespace Sample;

            public class Support
            {
                [TokenBudget(8000)]
                [RouteModel]
                public static Task<string> AnswerAsync(int id, [Prompt] List<ChatMessage> history) => Task.FromResult("");
            }
            """,
            equivalenceKey: nameof(COST010CodeFixProvider));

    [Fact]
    public Task RuleCanBeTurnedOff()
        => Verify.AnalyzeAsync(
            Sources.Tools("public Task<string> AnswerAsync([Prompt] string question) => Task.FromResult(question);"),
            "dotnet_diagnostic.COST010.severity = none");

    [Theory]
    [InlineData(null, DiagnosticSeverity.Warning)]
    [InlineData("dotnet_diagnostic.COST010.severity = error", DiagnosticSeverity.Error)]
    [InlineData("dotnet_diagnostic.COST010.severity = suggestion", DiagnosticSeverity.Info)]
    [InlineData("dotnet_analyzer_diagnostic.category-AgentCost.Usage.severity = error", DiagnosticSeverity.Error)]
    public async Task SeverityComesFromEditorConfig(string? setting, DiagnosticSeverity expected)
    {
        var compilation = AnalyzerRunner.Compile([("/src/Tools.cs", Sources.Tools(
            "public Task<string> AnswerAsync([Prompt] string question) => Task.FromResult(question);"))]);
        var diagnostics = await EditorConfigCompilation.AnalyzeAsync(compilation, "root = true\n\n[*.cs]\n" + setting + "\n");

        Assert.Equal(expected, Assert.Single(diagnostics, d => d.Id == "COST010").Severity);
    }

    [Fact]
    public async Task SeverityNoneTurnsItOff()
    {
        var compilation = AnalyzerRunner.Compile([("/src/Tools.cs", Sources.Tools(
            "public Task<string> AnswerAsync([Prompt] string question) => Task.FromResult(question);"))]);
        var diagnostics = await EditorConfigCompilation.AnalyzeAsync(compilation, "root = true\n\n[*.cs]\ndotnet_diagnostic.COST010.severity = none\n");

        Assert.DoesNotContain(diagnostics, d => d.Id == "COST010");
    }

    // Extension methods need a static class: the shape that declares one gets it.
    private static string ExtensionsAreStatic(string source)
        => source.Contains("(this ", StringComparison.Ordinal) ? source.Replace("public class Tools", "public static class Tools") : source;
}
