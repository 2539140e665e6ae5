using System.Collections.Immutable;
using AgentCost.Analyzers.Common;
using AgentCost.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AgentCost.Analyzers.Rules;

/// <summary>
/// COST003: a parameter of a <c>[Cached]</c> or <c>[SemanticCached]</c> method whose type cannot be part of a cache key (a delegate, a stream,
/// <c>object</c>, a pointer, a service, a type with nothing to serialise) and is not marked <c>[NotCacheKey]</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class COST003UnsupportedCacheKeyParameter() : AgentCostAnalyzer(Descriptors.UnsupportedCacheKeyParameter)
{
    /// <summary>The diagnostic property that says whether <c>[NotCacheKey]</c> would resolve it.</summary>
    public const string CanBeLeftOutProperty = "CanBeLeftOut";

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, KnownSymbols known)
    {
        if (known.HasCachedAttribute || known.HasSemanticCachedAttribute)
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

        // A [SemanticCached] method keys its other parameters as [Cached] does; its prompt is a string, never reported.
        if (!AgentCostAttributes.Has(method, AgentCostAttributes.Cached) && !AgentCostAttributes.Has(method, AgentCostAttributes.SemanticCached))
        {
            return;
        }

        foreach (var parameter in method.Parameters)
        {
            if (IsReported(parameter, out var problem) && parameter.Locations.Length > 0)
            {
                var properties = ImmutableDictionary<string, string?>.Empty
                    .Add(CanBeLeftOutProperty, CacheKeyTypes.CanBeLeftOut(parameter.Type) ? "true" : "false");
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.UnsupportedCacheKeyParameter,
                    parameter.Locations[0],
                    properties,
                    parameter.Name,
                    method.Name,
                    parameter.Type.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat),
                    problem));
            }
        }
    }

    /// <summary>Whether the rule reports the parameter of a <c>[Cached]</c> method; COST008 leaves such parameters to it.</summary>
    internal static bool IsReported(IParameterSymbol parameter, out string? problem)
    {
        problem = null;
        if (parameter.RefKind != RefKind.None
            || Symbols.IsTypeOfAnyArity(parameter.Type, "System.Threading", "CancellationToken")
            || AgentCostAttributes.Has(parameter, AgentCostAttributes.NotCacheKey))
        {
            return false;
        }

        problem = CacheKeyTypes.GetProblem(parameter.Type);
        return problem is not null;
    }
}
