using System.Collections.Immutable;
using AgentCost.Analyzers.Common;
using AgentCost.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AgentCost.Analyzers.Rules;

/// <summary>
/// COST008: a method with a policy attribute that no interceptor can call or stand in for: a private or protected
/// member (or one of a private type), a local function, a struct instance method, a static abstract interface member,
/// <c>ref</c>/<c>out</c>/<c>in</c> parameters, a by-reference return, or a signature generated code cannot name. Every
/// call of it runs without its policy.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class COST008MethodNotInterceptable() : AgentCostAnalyzer(Descriptors.MethodNotInterceptable)
{
    /// <summary>The diagnostic property that names the accessibility that would let generated code call the method.</summary>
    public const string AccessibilityProperty = "Accessibility";

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, KnownSymbols known)
    {
        if (!known.HasPolicyAttributes && !known.HasAgentToolAttribute)
        {
            return;
        }

        start.RegisterSymbolAction(context => Analyze(context.Symbol, known, context.ReportDiagnostic), SymbolKind.Method);

        // Local functions have no symbol action of their own. A syntax action on the few with attributes is far
        // cheaper than an operation action, which would make the driver build every method body's operations.
        start.RegisterSyntaxNodeAction(
            context =>
            {
                if (context.Node is LocalFunctionStatementSyntax { AttributeLists.Count: > 0 } localFunction
                    && context.SemanticModel.GetDeclaredSymbol(localFunction, context.CancellationToken) is { } symbol)
                {
                    Analyze(symbol, known, context.ReportDiagnostic);
                }
            },
            SyntaxKind.LocalFunctionStatement);
    }

    private static void Analyze(ISymbol symbol, KnownSymbols known, System.Action<Diagnostic> report)
    {
        var method = (IMethodSymbol)symbol;
        var compilation = known.Compilation;
        var policy = known.FindPolicy(method) ?? known.FindAttribute(method, AgentCostAttributes.AgentTool);
        if (policy is null || method.Locations.IsEmpty)
        {
            return;
        }

        // A [Cached] parameter that cannot be part of a key is COST003's; the rest of the signature is this rule's.
        var cached = AgentCostAttributes.Has(method, AgentCostAttributes.Cached) || AgentCostAttributes.Has(method, AgentCostAttributes.SemanticCached);
        var problem = Interceptability.GetDeclarationProblem(
            method, compilation, cached ? static p => COST003UnsupportedCacheKeyParameter.IsReported(p, out _) : null);
        if (problem.Broken)
        {
            return;
        }

        // The generated tool function of an [AgentTool] method is one non-generic method of a non-generic class.
        var reason = InterceptionMessages.Describe(problem);
        if (reason is null && AgentCostAttributes.Is(policy, AgentCostAttributes.AgentTool))
        {
            reason = method.IsGenericMethod
                ? "a generic method cannot be a generated tool function; give it concrete parameter types"
                : IsInGenericType(method.ContainingType)
                    ? "a method of a generic type cannot be a generated tool function"
                    : null;
        }

        if (reason is null)
        {
            return;
        }

        var properties = ImmutableDictionary<string, string?>.Empty;
        if (GetAccessibleAlternative(method) is { } accessibility)
        {
            properties = properties.Add(AccessibilityProperty, accessibility);
        }

        report(Diagnostic.Create(
            Descriptors.MethodNotInterceptable, method.Locations[0], properties, AgentCostAttributes.ShortName(policy), method.Name, reason));
    }

    private static bool IsInGenericType(INamedTypeSymbol? type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.IsGenericType)
            {
                return true;
            }
        }

        return false;
    }

    // The nearest accessibility that generated code in the project can call, when the method's own is the problem.
    private static string? GetAccessibleAlternative(IMethodSymbol method)
    {
        if (method.MethodKind != MethodKind.Ordinary || method.IsOverride || method.ExplicitInterfaceImplementations.Length > 0)
        {
            return null;
        }

        return method.DeclaredAccessibility switch
        {
            Accessibility.Private or Accessibility.ProtectedAndInternal => "internal",
            Accessibility.Protected => "protected internal",
            _ => null,
        };
    }
}
