using AgentCost.Analyzers.Common;
using AgentCost.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AgentCost.Analyzers.Rules;

/// <summary>
/// COST011: <c>[SemanticCached]</c> on a method the semantic cache cannot serve: also <c>[Cached]</c>, no result to keep,
/// no prompt parameter, an ambiguous one, one that is not a <c>string</c>, a negative <c>TtlSeconds</c> or a
/// <c>Threshold</c> outside (0, 1]. The reason is the shared rule's (<see cref="SemanticCachedResults"/>), so the rule
/// reports exactly the methods the generator does not intercept.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class COST011InvalidSemanticCachedMethod() : AgentCostAnalyzer(Descriptors.InvalidSemanticCachedMethod)
{
    /// <summary>The diagnostic property that names the reason, an <c>InterceptionReason</c> name such as <c>NoSemanticPrompt</c>.</summary>
    public const string ReasonProperty = "Reason";

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, KnownSymbols known)
    {
        if (known.HasSemanticCachedAttribute)
        {
            start.RegisterSymbolAction(AnalyzeMethod, SymbolKind.Method);
        }
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (method.Locations.IsEmpty
            || !AgentCostAttributes.MayHaveAttributes(method)
            || AgentCostAttributes.Find(method, AgentCostAttributes.SemanticCached) is not { } attribute
            || IsBroken(method))
        {
            return;
        }

        var reason = SemanticCachedResults.GetProblem(method, attribute);
        if (reason == InterceptionReason.None || InterceptionMessages.Describe(new InterceptionProblem(reason)) is not { } description)
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.InvalidSemanticCachedMethod,
            method.Locations[0],
            System.Collections.Immutable.ImmutableDictionary<string, string?>.Empty.Add(ReasonProperty, reason.ToString()),
            method.Name,
            description));
    }

    // The compiler reports code that does not compile; a rule that read its types would guess.
    private static bool IsBroken(IMethodSymbol method)
    {
        if (method.ReturnType.TypeKind == TypeKind.Error)
        {
            return true;
        }

        foreach (var parameter in method.Parameters)
        {
            if (parameter.Type.TypeKind == TypeKind.Error)
            {
                return true;
            }
        }

        return false;
    }
}
