using AgentCost.Analyzers.CodeFixes;
using AgentCost.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Verify = AgentCost.Analyzers.Tests.Infrastructure.Verifier<AgentCost.Analyzers.Rules.COST009InvalidPromptParameter>;

namespace AgentCost.Analyzers.Tests;

public sealed class COST009InvalidPromptParameterTests
{
    public static TheoryData<string, string> Reported => new()
    {
        { "two strings", "[RouteModel] public Task<string> {|COST009:AskAsync|}(string question, string context) => Task.FromResult(question);" },
        { "a string and a message list", "[RouteModel] public Task<string> {|COST009:AskAsync|}(string question, List<ChatMessage> history) => Task.FromResult(question);" },
        { "two message sequences", "[RouteModel] public Task<string> {|COST009:AskAsync|}(IReadOnlyList<ChatMessage> history, ChatMessage[] examples) => Task.FromResult(\"\");" },
        { "three candidates among other parameters", "[RouteModel] public Task<string> {|COST009:AskAsync|}(int limit, string a, IEnumerable<ChatMessage> b, IList<ChatMessage> c, CancellationToken ct) => Task.FromResult(a);" },
        { "[Prompt] on an int", "[RouteModel] public Task<string> AskAsync([Prompt] int {|COST009:count|}, string question) => Task.FromResult(question);" },
        { "[Prompt] on a string array", "[RouteModel] public Task<string> AskAsync([Prompt] string[] {|COST009:questions|}) => Task.FromResult(\"\");" },
        { "[Prompt] on a single message", "[RouteModel] public Task<string> AskAsync([Prompt] ChatMessage {|COST009:message|}) => Task.FromResult(\"\");" },
        { "[Prompt] on two strings", "[RouteModel] public Task<string> {|COST009:AskAsync|}([Prompt] string question, [Prompt] string context) => Task.FromResult(question);" },
        { "[Prompt] twice, once on a non-prompt", "[RouteModel] public Task<string> {|COST009:AskAsync|}([Prompt] string question, [Prompt] int {|COST009:count|}) => Task.FromResult(question);" },
        { "a static extension method", "[RouteModel] public static Task<string> {|COST009:AskAsync|}(this string question, string context) => Task.FromResult(question);" },
    };

    public static TheoryData<string, string> NotReported => new()
    {
        { "a single string", "[RouteModel] public Task<string> AskAsync(string question, int limit, CancellationToken ct) => Task.FromResult(question);" },
        { "a single message list", "[RouteModel] public Task<string> AskAsync(List<ChatMessage> history, int limit) => Task.FromResult(\"\");" },
        { "a single message sequence", "[RouteModel] public Task<string> AskAsync(IEnumerable<ChatMessage> history) => Task.FromResult(\"\");" },
        { "[Prompt] chooses among two strings", "[RouteModel] public Task<string> AskAsync([Prompt] string question, string context) => Task.FromResult(question);" },
        { "[Prompt] chooses a message list over a string", "[RouteModel] public Task<string> AskAsync(string system, [Prompt] IReadOnlyList<ChatMessage> history) => Task.FromResult(system);" },
        { "no prompt parameter at all", "[RouteModel] public Task<string> AskAsync(int id, ChatOptions options) => Task.FromResult(\"\");" },
        { "no parameter at all", "[RouteModel(Tier = \"small\")] public Task<string> AskAsync() => Task.FromResult(\"\");" },
        { "two strings without [RouteModel]", "public Task<string> AskAsync(string question, string context) => Task.FromResult(question);" },
        { "two strings on a [Cached] method", "[Cached] public Task<string> AskAsync(string question, string context) => Task.FromResult(question);" },
        { "a generic parameter", "[RouteModel] public Task<string> AskAsync<T>(T question, string context) => Task.FromResult(context);" },
    };

    [Theory]
    [MemberData(nameof(Reported))]
    public Task ReportsAmbiguousOrInvalidPrompt(string shape, string members)
    {
        _ = shape;
        return Verify.AnalyzeAsync(ExtensionsAreStatic(Sources.Tools(members)));
    }

    [Theory]
    [MemberData(nameof(NotReported))]
    public Task IgnoresAClearPrompt(string shape, string members)
    {
        _ = shape;
        return Verify.AnalyzeAsync(Sources.Tools(members));
    }

    [Fact]
    public Task AmbiguityMessageNamesTheCandidates()
        => Verify.AnalyzeAsync(
            Sources.Tools("[RouteModel] public Task<string> {|#0:AskAsync|}(string question, int limit, List<ChatMessage> history) => Task.FromResult(question);"),
            Verify.Diagnostic("COST009").WithLocation(0)
                .WithArguments("[RouteModel] method 'AskAsync' has 2 prompt parameters ('question', 'history'), so its prompt is ambiguous; mark the one to classify with [Prompt]"));

    [Fact]
    public Task NotAPromptMessageNamesTheType()
        => Verify.AnalyzeAsync(
            Sources.Tools("[RouteModel] public Task<string> AskAsync([Prompt] int {|#0:count|}) => Task.FromResult(\"\");"),
            Verify.Diagnostic("COST009").WithLocation(0)
                .WithArguments("[Prompt] parameter 'count' of 'AskAsync' has type 'int', which [RouteModel] cannot classify; mark a string or ChatMessage-sequence parameter instead"));

    [Fact]
    public Task MarkedTwiceMessageNamesTheParameters()
        => Verify.AnalyzeAsync(
            Sources.Tools("[RouteModel] public Task<string> {|#0:AskAsync|}([Prompt] string question, [Prompt] string context) => Task.FromResult(question);"),
            Verify.Diagnostic("COST009").WithLocation(0)
                .WithArguments("[Prompt] marks 2 parameters of 'AskAsync' ('question', 'context'); [RouteModel] classifies one prompt, so mark only that one"));

    [Fact]
    public Task FixMarksTheFirstCandidate()
        => Verify.FixAsync<COST009CodeFixProvider>(
            """
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using Microsoft.Extensions.AI;

            namespace Sample;

            public class Support
            {
                [AgentCost.RouteModel]
                public Task<string> {|COST009:AnswerAsync|}(string question, List<ChatMessage> history) => Task.FromResult(question);
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
                [AgentCost.RouteModel]
                public Task<string> AnswerAsync([Prompt] string question, List<ChatMessage> history) => Task.FromResult(question);
            }
            """,
            equivalenceKey: nameof(COST009CodeFixProvider) + ".question");

    [Fact]
    public Task FixMarksTheSecondCandidate()
        => Verify.FixAsync<COST009CodeFixProvider>(
            """
            using System.Threading.Tasks;
            using AgentCost;

            namespace Sample;

            public class Support
            {
                [RouteModel]
                public Task<string> {|COST009:AnswerAsync|}(string question, int limit, string context) => Task.FromResult(question);
            }
            """,
            """
            using System.Threading.Tasks;
            using AgentCost;

            namespace Sample;

            public class Support
            {
                [RouteModel]
                public Task<string> AnswerAsync(string question, int limit, [Prompt] string context) => Task.FromResult(question);
            }
            """,
            equivalenceKey: nameof(COST009CodeFixProvider) + ".context");

    [Fact]
    public Task NoFixForAPromptOnTheWrongType()
        => Verify.FixAsync<COST009CodeFixProvider>(
            Sources.Tools("[RouteModel] public Task<string> AskAsync([Prompt] int {|COST009:count|}) => Task.FromResult(\"\");"),
            Sources.Tools("[RouteModel] public Task<string> AskAsync([Prompt] int {|COST009:count|}) => Task.FromResult(\"\");"));

    [Fact]
    public Task RuleCanBeTurnedOff()
        => Verify.AnalyzeAsync(
            Sources.Tools("[RouteModel] public Task<string> AskAsync(string question, string context) => Task.FromResult(question);"),
            "dotnet_diagnostic.COST009.severity = none");

    [Theory]
    [InlineData(null, DiagnosticSeverity.Error)]
    [InlineData("dotnet_diagnostic.COST009.severity = warning", DiagnosticSeverity.Warning)]
    [InlineData("dotnet_diagnostic.COST009.severity = suggestion", DiagnosticSeverity.Info)]
    [InlineData("dotnet_analyzer_diagnostic.category-AgentCost.Usage.severity = warning", DiagnosticSeverity.Warning)]
    public async Task SeverityComesFromEditorConfig(string? setting, DiagnosticSeverity expected)
    {
        var compilation = AnalyzerRunner.Compile([("/src/Tools.cs", Sources.Tools(
            "[RouteModel] public Task<string> AskAsync(string question, string context) => Task.FromResult(question);"))]);
        var diagnostics = await EditorConfigCompilation.AnalyzeAsync(compilation, "root = true\n\n[*.cs]\n" + setting + "\n");

        Assert.Equal(expected, Assert.Single(diagnostics, d => d.Id == "COST009").Severity);
    }

    [Fact]
    public async Task SeverityNoneTurnsItOff()
    {
        var compilation = AnalyzerRunner.Compile([("/src/Tools.cs", Sources.Tools(
            "[RouteModel] public Task<string> AskAsync(string question, string context) => Task.FromResult(question);"))]);
        var diagnostics = await EditorConfigCompilation.AnalyzeAsync(compilation, "root = true\n\n[*.cs]\ndotnet_diagnostic.COST009.severity = none\n");

        Assert.DoesNotContain(diagnostics, d => d.Id == "COST009");
    }

    // Extension methods need a static class: the shape that declares one gets it.
    private static string ExtensionsAreStatic(string source)
        => source.Contains("(this ", StringComparison.Ordinal) ? source.Replace("public class Tools", "public static class Tools") : source;
}
