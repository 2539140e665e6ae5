using System.Collections.Immutable;
using AgentCost.Analyzers.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AgentCost.Analyzers;

/// <summary>
/// What every AgentCost analyzer does the same way: it skips generated code, runs concurrently, and registers its
/// actions once per compilation from the types that compilation references (<see cref="KnownSymbols"/>), so that a
/// project that references none of them pays for nothing but the compilation-start action.
/// </summary>
public abstract class AgentCostAnalyzer : DiagnosticAnalyzer
{
    private protected AgentCostAnalyzer(params DiagnosticDescriptor[] supportedDiagnostics)
        => SupportedDiagnostics = ImmutableArray.Create(supportedDiagnostics);

    /// <inheritdoc />
    public sealed override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; }

    /// <inheritdoc />
    public sealed override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start => OnCompilationStart(start, KnownSymbols.Get(start.Compilation)));
    }

    /// <summary>Registers the rule's actions for one compilation, or none when the types the rule looks for are missing.</summary>
    private protected abstract void OnCompilationStart(CompilationStartAnalysisContext start, KnownSymbols known);
}
