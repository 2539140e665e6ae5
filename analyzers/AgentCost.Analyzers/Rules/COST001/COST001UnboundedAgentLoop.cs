using System.Collections.Concurrent;
using System.Collections.Generic;
using AgentCost.Analyzers.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AgentCost.Analyzers.Rules;

/// <summary>
/// COST001: a <c>while</c>, <c>do</c> or <c>for</c> loop that calls a model and has no bound: no counter compared with
/// a limit, no token-budget check, no <c>[TokenBudget]</c> on the method. Loops that wait for a person every
/// iteration are reported only with <c>agentcost.COST001.include_interactive = true</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class COST001UnboundedAgentLoop() : AgentCostAnalyzer(Descriptors.UnboundedAgentLoop)
{
    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, KnownSymbols known)
    {
        if (!known.HasModelApis && !RuleOptions.AnyModelCallMethods(start.Options, start.Compilation))
        {
            return;
        }

        // One recogniser per value of agentcost.model_call_methods, each remembering the helpers it has read.
        var recognisers = new ConcurrentDictionary<MethodList, ModelCalls>();
        start.RegisterOperationAction(context => AnalyzeLoop(context, known, recognisers), OperationKind.Loop);
    }

    private static void AnalyzeLoop(OperationAnalysisContext context, KnownSymbols known, ConcurrentDictionary<MethodList, ModelCalls> recognisers)
    {
        var loop = (ILoopOperation)context.Operation;
        if (loop is IForEachLoopOperation || GetKeywordLocation(loop.Syntax) is not { } location)
        {
            return;
        }

        var tree = loop.Syntax.SyntaxTree;
        var calls = recognisers.GetOrAdd(RuleOptions.GetModelCallMethods(context.Options, tree), list => new ModelCalls(known, list));

        string? modelCall = null;
        var waitsForPerson = false;
        List<IMethodSymbol>? helpers = null;
        foreach (var operation in loop.Descendants())
        {
            if (operation is not IInvocationOperation invocation)
            {
                continue;
            }

            modelCall ??= calls.DescribeModelCall(invocation.TargetMethod);
            waitsForPerson |= calls.WaitsForPerson(invocation);
            if (calls.IsInCompilation(invocation.TargetMethod))
            {
                (helpers ??= new List<IMethodSymbol>()).Add(invocation.TargetMethod);
            }
        }

        // The cheap, local questions first: most loops are bounded, and then no helper's body needs reading.
        var includeInteractive = RuleOptions.GetBoolean(context.Options, tree, RuleOptions.IncludeInteractive);
        if ((modelCall is null && helpers is null)
            || (waitsForPerson && !includeInteractive)
            || IsInTokenBudget(loop, context.ContainingSymbol)
            || LoopBounds.IsBounded(loop))
        {
            return;
        }

        // Helpers of the compilation: do they call the model, or wait for a person?
        if (helpers is not null && (modelCall is null || (!includeInteractive && known.MayWaitForPerson(context.CancellationToken))))
        {
            var followed = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            foreach (var helper in helpers)
            {
                if (!followed.Add(helper.OriginalDefinition))
                {
                    continue;
                }

                var effects = calls.FollowHelper(helper, context.CancellationToken);
                modelCall ??= effects.ModelCall;
                waitsForPerson |= effects.WaitsForPerson;
                if (waitsForPerson && !includeInteractive)
                {
                    return;
                }
            }
        }

        if (modelCall is null)
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(Descriptors.UnboundedAgentLoop, location, modelCall));
    }

    // The loop's method, or a lambda or local function around it, is [TokenBudget]: the budget bounds it.
    private static bool IsInTokenBudget(IOperation loop, ISymbol containingSymbol)
    {
        for (var parent = loop.Parent; parent is not null; parent = parent.Parent)
        {
            var function = parent switch
            {
                ILocalFunctionOperation local => local.Symbol,
                IAnonymousFunctionOperation lambda => lambda.Symbol,
                _ => null,
            };
            if (function is not null && AgentCostAttributes.Has(function, AgentCostAttributes.TokenBudget))
            {
                return true;
            }
        }

        for (var symbol = containingSymbol; symbol is IMethodSymbol; symbol = symbol.ContainingSymbol)
        {
            if (AgentCostAttributes.Has(symbol, AgentCostAttributes.TokenBudget))
            {
                return true;
            }
        }

        return false;
    }

    private static Location? GetKeywordLocation(SyntaxNode syntax) => syntax switch
    {
        WhileStatementSyntax whileStatement => whileStatement.WhileKeyword.GetLocation(),
        DoStatementSyntax doStatement => doStatement.DoKeyword.GetLocation(),
        ForStatementSyntax forStatement => forStatement.ForKeyword.GetLocation(),
        _ => null,
    };
}
