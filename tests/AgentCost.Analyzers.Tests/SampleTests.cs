using AgentCost.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AgentCost.Analyzers.Tests;

/// <summary>The samples: the showcase fires every rule; the research agent, the repository's real agent, fires none.</summary>
public sealed class SampleTests
{
    public static TheoryData<string> RuleIds => ["COST001", "COST002", "COST003", "COST004", "COST005", "COST006", "COST007", "COST008", "COST009", "COST010", "COST011"];

    [Theory]
    [MemberData(nameof(RuleIds))]
    public async Task ShowcaseFiresEveryRule(string id)
    {
        var diagnostics = await AnalyzeAsync("samples/DiagnosticsShowcase", "DiagnosticsShowcase.LlmGateway.SendAsync");

        Assert.Contains(diagnostics, d => d.Id == id);
    }

    [Fact]
    public async Task ShowcaseFiresNothingOnItsBoundedLoop()
    {
        var diagnostics = await AnalyzeAsync("samples/DiagnosticsShowcase", "DiagnosticsShowcase.LlmGateway.SendAsync");

        Assert.DoesNotContain(diagnostics, d => d.Id == "COST001" && d.GetMessage().Contains("BoundedAsync", StringComparison.Ordinal));
        Assert.Equal(3, diagnostics.Count(d => d.Id == "COST001"));
    }

    [Fact]
    public async Task ShowcaseFiresCost006ForAToolListBuiltByReflection()
    {
        var diagnostics = await AnalyzeAsync("samples/DiagnosticsShowcase", "DiagnosticsShowcase.LlmGateway.SendAsync");

        Assert.Contains(diagnostics, d => d.Id == "COST006"
            && d.GetMessage().StartsWith("AIFunctionFactory.Create builds this tool from a method found by reflection (GetMethods on 'SearchTools')", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("COST013")]
    [InlineData("COST014")]
    public async Task ShowcaseFiresThePromptCacheLayoutRules(string id)
    {
        var diagnostics = await AnalyzeAsync("samples/DiagnosticsShowcase", "DiagnosticsShowcase.LlmGateway.SendAsync");

        Assert.Single(diagnostics, d => d.Id == id);
    }

    [Fact]
    public async Task ShowcaseFiresCost012ForARequestIdAheadOfTheSystemPrompt()
    {
        var diagnostics = await AnalyzeAsync("samples/DiagnosticsShowcase", "DiagnosticsShowcase.LlmGateway.SendAsync");

        Assert.Contains(diagnostics, d => d.Id == "COST012" && d.GetMessage().StartsWith("'Guid.NewGuid()' changes on every call", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ResearchAgentIsClean()
    {
        var diagnostics = await AnalyzeAsync("samples/ResearchAgent", modelCallMethods: null);

        Assert.DoesNotContain(diagnostics, d => d.Id.StartsWith("COST", StringComparison.Ordinal));
    }

    private static async Task<IReadOnlyList<Diagnostic>> AnalyzeAsync(string folder, string? modelCallMethods)
    {
        var sources = RepositoryFiles.CSharpFiles(folder);
        var compilation = AnalyzerRunner.Compile(
            sources.Select(s => ("/src/" + Path.GetFileName(s.Path), s.Text)).Append(AnalyzerRunner.ImplicitUsings),
            OutputKind.ConsoleApplication);
        var editorConfig = "root = true\n\n[*.cs]\n" + (modelCallMethods is null ? string.Empty : "agentcost.model_call_methods = " + modelCallMethods + "\n");
        return await EditorConfigCompilation.AnalyzeAsync(compilation, editorConfig);
    }
}
