using AgentCost.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AgentCost.Analyzers.Tests;

/// <summary>Severities and rule options set in <c>.editorconfig</c>, applied as the compiler applies them in a build.</summary>
public sealed class EditorConfigTests
{
    private const string RunawayLoop = """
        public async Task RunAsync()
        {
            while (true)
            {
                await _chat.GetResponseAsync("go");
            }
        }

        [Cached]
        public void Warm(string key) { }
        """;

    [Theory]
    [InlineData("dotnet_diagnostic.COST001.severity = error", "COST001", DiagnosticSeverity.Error)]
    [InlineData("dotnet_diagnostic.COST001.severity = suggestion", "COST001", DiagnosticSeverity.Info)]
    [InlineData("dotnet_diagnostic.COST004.severity = warning", "COST004", DiagnosticSeverity.Warning)]
    [InlineData("dotnet_analyzer_diagnostic.category-AgentCost.Cost.severity = error", "COST001", DiagnosticSeverity.Error)]
    public async Task SeverityComesFromEditorConfig(string setting, string id, DiagnosticSeverity expected)
    {
        var diagnostics = await RunAsync("root = true\n\n[*.cs]\n" + setting + "\n");

        Assert.Equal(expected, Assert.Single(diagnostics, d => d.Id == id).Severity);
    }

    [Fact]
    public async Task DefaultSeverities()
    {
        var diagnostics = await RunAsync("root = true\n");

        Assert.Equal(DiagnosticSeverity.Warning, Assert.Single(diagnostics, d => d.Id == "COST001").Severity);
        Assert.Equal(DiagnosticSeverity.Error, Assert.Single(diagnostics, d => d.Id == "COST004").Severity);
    }

    [Fact]
    public async Task RulesCanBeTurnedOff()
    {
        var diagnostics = await RunAsync("root = true\n\n[*.cs]\ndotnet_diagnostic.COST001.severity = none\ndotnet_diagnostic.COST004.severity = none\n");

        Assert.DoesNotContain(diagnostics, d => d.Id.StartsWith("COST", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SettingsApplyPerFolder()
    {
        var diagnostics = await RunAsync("root = true\n\n[/src/Samples/**.cs]\ndotnet_diagnostic.COST001.severity = none\n", "/src/Samples/Agent.cs");

        Assert.DoesNotContain(diagnostics, d => d.Id == "COST001");
    }

    [Fact]
    public async Task InteractiveOptionIsReadPerFile()
    {
        const string repl = """
            public async Task ChatAsync()
            {
                while (true)
                {
                    Console.WriteLine((await _chat.GetResponseAsync(Console.ReadLine() ?? "")).Text);
                }
            }
            """;
        var compilation = AnalyzerRunner.Compile([("/src/Agent.cs", Sources.Agent(repl))]);

        var off = await RunAsync(compilation, "root = true\n");
        var on = await RunAsync(compilation, "root = true\n\n[*.cs]\nagentcost.COST001.include_interactive = true\n");

        Assert.DoesNotContain(off, d => d.Id == "COST001");
        Assert.Single(on, d => d.Id == "COST001");
    }

    private static Task<IReadOnlyList<Diagnostic>> RunAsync(string editorConfig, string path = "/src/Agent.cs")
        => RunAsync(AnalyzerRunner.Compile([(path, Sources.Agent(RunawayLoop))]), editorConfig);

    private static async Task<IReadOnlyList<Diagnostic>> RunAsync(Compilation compilation, string editorConfig)
        => await EditorConfigCompilation.AnalyzeAsync(compilation, editorConfig);
}
