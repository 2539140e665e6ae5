using System.Collections.Concurrent;
using System.Collections.Immutable;
using AgentCost.Analyzers.Common;
using AgentCost.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AgentCost.Analyzers.Rules;

/// <summary>
/// COST007: a call of a method with a policy attribute that the generator cannot intercept: through <c>base</c>, on a
/// struct or type-parameter receiver, with type arguments generated code cannot name, inside an expression tree, or
/// bound at run time. The method runs without its policy. Problems of the method itself are COST003–COST005 and
/// COST008 on its declaration; for a method of a referenced assembly they are reported here, at each call.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class COST007CallNotIntercepted() : AgentCostAnalyzer(Descriptors.CallNotIntercepted)
{
    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, KnownSymbols known)
    {
        if (!known.HasPolicyAttributes)
        {
            return;
        }

        var declarations = new ConcurrentDictionary<IMethodSymbol, InterceptionProblem>(SymbolEqualityComparer.Default);
        start.RegisterOperationAction(context => AnalyzeInvocation(context, known, declarations), OperationKind.Invocation);
        start.RegisterOperationAction(context => AnalyzeDynamicInvocation(context, known, declarations), OperationKind.DynamicInvocation);
    }

    private static void AnalyzeInvocation(
        OperationAnalysisContext context, KnownSymbols known, ConcurrentDictionary<IMethodSymbol, InterceptionProblem> declarations)
    {
        var compilation = known.Compilation;
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (known.FindPolicy(method) is not { } policy)
        {
            return;
        }

        var problem = GetDeclarationProblem(method, compilation, declarations);
        if (problem.Broken)
        {
            return;
        }

        if (!problem.Exists)
        {
            problem = Interceptability.GetCallProblem(invocation, compilation);
        }
        else if (IsInSource(method, compilation))
        {
            // Reported once, on the declaration.
            return;
        }

        if (InterceptionMessages.Describe(problem) is { } reason)
        {
            Report(context, invocation.Syntax, method, reason, policy);
        }
    }

    private static void AnalyzeDynamicInvocation(
        OperationAnalysisContext context, KnownSymbols known, ConcurrentDictionary<IMethodSymbol, InterceptionProblem> declarations)
    {
        var compilation = known.Compilation;
        var invocation = (IDynamicInvocationOperation)context.Operation;
        var semanticModel = invocation.SemanticModel;
        if (semanticModel is null)
        {
            return;
        }

        var symbolInfo = semanticModel.GetSymbolInfo(invocation.Syntax, context.CancellationToken);
        var candidates = symbolInfo.Symbol is { } symbol ? ImmutableArray.Create(symbol) : symbolInfo.CandidateSymbols;
        foreach (var candidate in candidates)
        {
            if (candidate is IMethodSymbol method && known.FindPolicy(method) is { } policy)
            {
                var problem = GetDeclarationProblem(method, compilation, declarations);
                if (!problem.Exists || !IsInSource(method, compilation))
                {
                    Report(context, invocation.Syntax, method, InterceptionMessages.Describe(new(InterceptionReason.DynamicCall))!, policy);
                }

                return;
            }
        }
    }

    // The method's own problems, as COST003, COST004, COST005 and COST008 see them on a declaration.
    private static InterceptionProblem GetDeclarationProblem(
        IMethodSymbol method, Compilation compilation, ConcurrentDictionary<IMethodSymbol, InterceptionProblem> declarations)
        => declarations.GetOrAdd((method.ReducedFrom ?? method).OriginalDefinition, definition =>
        {
            var problem = Interceptability.GetDeclarationProblem(definition, compilation);
            if (problem.Exists)
            {
                return problem;
            }

            if (AgentCostAttributes.Find(definition, AgentCostAttributes.SemanticCached) is { } semantic)
            {
                var reason = SemanticCachedResults.GetProblem(definition, semantic);
                if (reason != InterceptionReason.None)
                {
                    return new(reason);
                }
            }

            return AgentCostAttributes.Find(definition, AgentCostAttributes.Cached) is { } cached
                ? new(CachedResults.GetProblem(definition, cached))
                : problem;
        });

    private static bool IsInSource(IMethodSymbol method, Compilation compilation)
        => SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, compilation.Assembly);

    private static void Report(OperationAnalysisContext context, SyntaxNode syntax, IMethodSymbol method, string reason, AttributeData policy)
    {
        var location = syntax is InvocationExpressionSyntax invocation
            ? invocation.Expression switch
            {
                MemberAccessExpressionSyntax memberAccess => memberAccess.Name.Identifier.GetLocation(),
                MemberBindingExpressionSyntax memberBinding => memberBinding.Name.Identifier.GetLocation(),
                SimpleNameSyntax name => name.Identifier.GetLocation(),
                _ => invocation.Expression.GetLocation(),
            }
            : syntax.GetLocation();
        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.CallNotIntercepted, location, method.Name, reason, AgentCostAttributes.ShortName(policy)));
    }
}
