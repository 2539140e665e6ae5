using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AgentCost.Analyzers.Tests.Infrastructure;

/// <summary>
/// Applies <c>.editorconfig</c> files to a compilation the way the compiler does on the command line: severities through
/// the compilation's syntax-tree options, rule options through the analyzer options. The testing framework maps
/// severities itself, so severity tests go through this instead.
/// </summary>
public static class EditorConfigCompilation
{
    public static (Compilation Compilation, AnalyzerOptions Options) Apply(Compilation compilation, params (string Path, string Text)[] editorConfigs)
    {
        var set = AnalyzerConfigSet.Create(editorConfigs.Select(config => AnalyzerConfig.Parse(config.Text, config.Path)).ToImmutableArray());
        var results = compilation.SyntaxTrees.ToImmutableDictionary(tree => tree, tree => set.GetOptionsForSourcePath(tree.FilePath));
        var treeOptions = new TreeOptions(results, set.GlobalConfigOptions);
        return (
            compilation.WithOptions(compilation.Options.WithSyntaxTreeOptionsProvider(treeOptions)),
            new AnalyzerOptions([], new ConfigOptionsProvider(results, set.GlobalConfigOptions)));
    }

    /// <summary>Runs every AgentCost analyzer over <paramref name="compilation"/> with one <c>/.editorconfig</c> applied.</summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation, string editorConfig)
    {
        var (configured, options) = Apply(compilation, ("/.editorconfig", editorConfig));
        return await configured
            .WithAnalyzers(AnalyzerRunner.All, new CompilationWithAnalyzersOptions(options, null, concurrentAnalysis: true, logAnalyzerExecutionTime: false))
            .GetAnalyzerDiagnosticsAsync();
    }

    private sealed class TreeOptions(ImmutableDictionary<SyntaxTree, AnalyzerConfigOptionsResult> results, AnalyzerConfigOptionsResult global)
        : SyntaxTreeOptionsProvider
    {
        public override GeneratedKind IsGenerated(SyntaxTree tree, CancellationToken cancellationToken) => GeneratedKind.Unknown;

        public override bool TryGetDiagnosticValue(SyntaxTree tree, string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
            => results[tree].TreeOptions.TryGetValue(diagnosticId, out severity);

        public override bool TryGetGlobalDiagnosticValue(string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
            => global.TreeOptions.TryGetValue(diagnosticId, out severity);
    }

    private sealed class ConfigOptionsProvider(ImmutableDictionary<SyntaxTree, AnalyzerConfigOptionsResult> results, AnalyzerConfigOptionsResult global)
        : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(global.AnalyzerOptions);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree)
            => results.TryGetValue(tree, out var result) ? new Options(result.AnalyzerOptions) : GlobalOptions;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => GlobalOptions;
    }

    private sealed class Options(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
    }
}
