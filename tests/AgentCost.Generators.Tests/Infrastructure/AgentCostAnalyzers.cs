using System.Collections.Immutable;
using AgentCost.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AgentCost.Generators.Tests.Infrastructure;

/// <summary>Runs every AgentCost analyzer, at its default severities, over a compilation the generator tests build.</summary>
internal static class AgentCostAnalyzers
{
    private static readonly ImmutableArray<DiagnosticAnalyzer> s_all =
    [
        .. typeof(COST008MethodNotInterceptable).Assembly.GetTypes()
            .Where(type => typeof(DiagnosticAnalyzer).IsAssignableFrom(type) && !type.IsAbstract)
            .Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!),
    ];

    /// <summary>
    /// The AgentCost diagnostics that are errors by default in <paramref name="compilation"/>: the uses the analyzers
    /// refuse. (The harness makes every warning an error; rules that only advise are left out.)
    /// </summary>
    public static async Task<IReadOnlyList<Diagnostic>> GetErrorsAsync(Compilation compilation)
    {
        var diagnostics = await compilation.WithAnalyzers(s_all).GetAnalyzerDiagnosticsAsync();
        return diagnostics.Where(d => d.DefaultSeverity == DiagnosticSeverity.Error && d.Id.StartsWith("COST", StringComparison.Ordinal)).ToList();
    }
}
