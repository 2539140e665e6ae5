using AgentCost.Analyzers.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AgentCost.Analyzers.Rules;

/// <summary>
/// COST010: <c>[Prompt]</c> on a parameter of a method that has neither <c>[RouteModel]</c> nor <c>[SemanticCached]</c>.
/// Only those read <c>[Prompt]</c>, so the attribute does nothing: the method was probably meant to be routed. A method that overrides or
/// implements a <c>[RouteModel]</c> method is not reported: its <c>[Prompt]</c> mirrors the routed declaration's.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class COST010PromptWithoutRouteModel() : AgentCostAnalyzer(Descriptors.PromptWithoutRouteModel)
{
    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, KnownSymbols known)
    {
        if (!known.HasPromptAttribute)
        {
            return;
        }

        start.RegisterSymbolAction(AnalyzeMethod, SymbolKind.Method);
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context)
    {
        // Only ordinary methods can be [RouteModel] methods the generator intercepts; lambdas and local functions have
        // no symbol action, and a constructor, accessor or operator cannot be routed at all.
        var method = (IMethodSymbol)context.Symbol;
        if (method.MethodKind != MethodKind.Ordinary
            || method.Parameters.IsEmpty
            || method.Locations.IsEmpty
            || !method.Locations[0].IsInSource)
        {
            return;
        }

        bool? routed = null;
        foreach (var parameter in method.Parameters)
        {
            if (parameter.Locations.IsEmpty
                || !parameter.Locations[0].IsInSource
                || !AgentCostAttributes.Has(parameter, AgentCostAttributes.Prompt))
            {
                continue;
            }

            // The method's attributes are read once, and only for a method with a [Prompt].
            routed ??= AgentCostAttributes.Has(method, AgentCostAttributes.RouteModel)
                || AgentCostAttributes.Has(method, AgentCostAttributes.SemanticCached)
                || MirrorsRoutedMethod(method);
            if (routed.Value)
            {
                return;
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.PromptWithoutRouteModel,
                parameter.Locations[0],
                parameter.Name,
                method.Name));
        }
    }

    /// <summary>Whether the method overrides or implements a method marked <c>[RouteModel]</c>.</summary>
    private static bool MirrorsRoutedMethod(IMethodSymbol method)
    {
        for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
        {
            if (AgentCostAttributes.Has(overridden.OriginalDefinition, AgentCostAttributes.RouteModel))
            {
                return true;
            }
        }

        foreach (var implemented in method.ExplicitInterfaceImplementations)
        {
            if (AgentCostAttributes.Has(implemented.OriginalDefinition, AgentCostAttributes.RouteModel))
            {
                return true;
            }
        }

        var type = method.ContainingType;
        if (type is null)
        {
            return false;
        }

        foreach (var @interface in type.AllInterfaces)
        {
            foreach (var member in @interface.GetMembers(method.Name))
            {
                if (member is IMethodSymbol candidate
                    && AgentCostAttributes.Has(candidate.OriginalDefinition, AgentCostAttributes.RouteModel)
                    && SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(candidate), method))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
