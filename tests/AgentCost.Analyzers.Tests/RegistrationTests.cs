using AgentCost.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AgentCost.Analyzers.Tests;

/// <summary>Each analyzer resolves its types once, at compilation start, and registers nothing in a project that references none of them.</summary>
public sealed class RegistrationTests
{
    public static TheoryData<string> Analyzers => [.. AnalyzerRunner.All.Select(a => a.GetType().Name)];

    [Theory]
    [MemberData(nameof(Analyzers))]
    public async Task RegistersNothingWhenNoKnownTypeIsReferenced(string name)
    {
        var analyzer = AnalyzerRunner.All.Single(a => a.GetType().Name == name);
        var compilation = CSharpCompilation.Create(
            "Plain",
            [CSharpSyntaxTree.ParseText("class C { int M() { var i = 0; while (true) { if (i++ > 3) return i; } } }")],
            TestReferences.Framework,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var withAnalyzers = compilation.WithAnalyzers(
            [analyzer],
            new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: true));

        Assert.Empty(await withAnalyzers.GetAnalyzerDiagnosticsAsync());
        var telemetry = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None);
        Assert.Equal(1, telemetry.CompilationStartActionsCount);
        Assert.Equal(0, telemetry.OperationActionsCount + telemetry.SymbolActionsCount + telemetry.CompilationEndActionsCount
            + telemetry.SyntaxNodeActionsCount + telemetry.OperationBlockActionsCount);
    }

    [Fact]
    public void EveryRuleHasAPageAndIsTracked()
    {
        var unshipped = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "analyzers/AgentCost.Analyzers/AnalyzerReleases.Unshipped.md"));
        foreach (var descriptor in AnalyzerRunner.All.SelectMany(a => a.SupportedDiagnostics))
        {
            Assert.True(File.Exists(Path.Combine(RepositoryFiles.Root, "docs/rules", descriptor.Id + ".md")), descriptor.Id);
            Assert.EndsWith("docs/rules/" + descriptor.Id + ".md", descriptor.HelpLinkUri, StringComparison.Ordinal);
            Assert.Contains(descriptor.Id + " |", unshipped, StringComparison.Ordinal);
        }
    }
}
