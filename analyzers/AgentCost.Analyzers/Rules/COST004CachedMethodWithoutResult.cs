using AgentCost.Analyzers.Common;
using AgentCost.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AgentCost.Analyzers.Rules;

/// <summary>
/// COST004: <c>[Cached]</c> on a method whose return type has no result the cache can keep: <c>void</c>,
/// <c>Task</c>, <c>ValueTask</c>, another task type, or an async stream.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class COST004CachedMethodWithoutResult() : AgentCostAnalyzer(Descriptors.CachedMethodWithoutResult)
{
    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, KnownSymbols known)
    {
        if (known.HasCachedAttribute)
        {
            start.RegisterSymbolAction(AnalyzeMethod, SymbolKind.Method);
        }
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (!AgentCostAttributes.MayHaveAttributes(method))
        {
            return;
        }

        if (method.Locations.IsEmpty
            || method.ReturnType.TypeKind == TypeKind.Error
            || CachedResults.HasResult(method)
            || !AgentCostAttributes.Has(method, AgentCostAttributes.Cached))
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.CachedMethodWithoutResult,
            method.Locations[0],
            method.Name,
            method.ReturnType.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)));
    }
}
