using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using AgentCost.Analyzers.Common;
using AgentCost.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AgentCost.Analyzers.Rules;

/// <summary>
/// COST009: a <c>[RouteModel]</c> method whose prompt the route cannot tell: two or more prompt parameters
/// (<c>string</c>, or a sequence of <c>Microsoft.Extensions.AI.ChatMessage</c>) and none marked <c>[Prompt]</c>;
/// <c>[Prompt]</c> on a parameter that is not a prompt; or <c>[Prompt]</c> on more than one parameter. The generator then
/// classifies no argument, as for a method with no prompt parameter.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class COST009InvalidPromptParameter() : AgentCostAnalyzer(Descriptors.InvalidPromptParameter)
{
    /// <summary>The diagnostic property that says which problem it is (<see cref="Ambiguous"/>, <see cref="NotAPrompt"/>, <see cref="MarkedTwice"/>).</summary>
    public const string ProblemProperty = "Problem";

    /// <summary>Two or more prompt parameters and no <c>[Prompt]</c>; <see cref="CandidatesProperty"/> says which.</summary>
    public const string Ambiguous = "Ambiguous";

    /// <summary>The diagnostic property that lists the ordinals of the prompt parameters, separated by commas.</summary>
    public const string CandidatesProperty = "Candidates";

    /// <summary><c>[Prompt]</c> on a parameter that is not a prompt.</summary>
    public const string NotAPrompt = "NotAPrompt";

    /// <summary><c>[Prompt]</c> on more than one parameter.</summary>
    public const string MarkedTwice = "MarkedTwice";

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, KnownSymbols known)
    {
        if (!known.HasRouteModelAttribute)
        {
            return;
        }

        start.RegisterSymbolAction(AnalyzeMethod, SymbolKind.Method);
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (method.Parameters.IsEmpty
            || method.Locations.IsEmpty
            || !AgentCostAttributes.MayHaveAttributes(method)
            || !AgentCostAttributes.Has(method, AgentCostAttributes.RouteModel))
        {
            return;
        }

        List<IParameterSymbol>? marked = null;
        List<IParameterSymbol>? candidates = null;
        foreach (var parameter in method.Parameters)
        {
            var isPrompt = PromptParameters.IsPromptType(parameter.Type);
            if (isPrompt)
            {
                (candidates ??= new List<IParameterSymbol>()).Add(parameter);
            }

            if (!AgentCostAttributes.Has(parameter, AgentCostAttributes.Prompt))
            {
                continue;
            }

            (marked ??= new List<IParameterSymbol>()).Add(parameter);
            if (!isPrompt && parameter.Type.TypeKind != TypeKind.Error && !parameter.Locations.IsEmpty)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.InvalidPromptParameter,
                    parameter.Locations[0],
                    Properties(NotAPrompt),
                    $"[Prompt] parameter '{parameter.Name}' of '{method.Name}' has type '{parameter.Type.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}', which [RouteModel] cannot classify; mark a string or ChatMessage-sequence parameter instead"));
            }
        }

        if (marked is { Count: > 1 })
        {
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.InvalidPromptParameter,
                method.Locations[0],
                Properties(MarkedTwice),
                $"[Prompt] marks {marked.Count} parameters of '{method.Name}' ({Names(marked)}); [RouteModel] classifies one prompt, so mark only that one"));
        }
        else if (marked is null && candidates is { Count: > 1 })
        {
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.InvalidPromptParameter,
                method.Locations[0],
                Properties(Ambiguous).Add(CandidatesProperty, string.Join(",", candidates.Select(p => p.Ordinal.ToString(CultureInfo.InvariantCulture)))),
                $"[RouteModel] method '{method.Name}' has {candidates.Count} prompt parameters ({Names(candidates)}), so its prompt is ambiguous; mark the one to classify with [Prompt]"));
        }
    }

    private static ImmutableDictionary<string, string?> Properties(string problem)
        => ImmutableDictionary<string, string?>.Empty.Add(ProblemProperty, problem);

    private static string Names(List<IParameterSymbol> parameters) => string.Join(", ", parameters.Select(p => "'" + p.Name + "'"));
}
