using System.Collections.Generic;
using System.Collections.Immutable;
using AgentCost.Analyzers.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AgentCost.Analyzers.Rules;

/// <summary>
/// COST013: <c>ChatOptions.Tools</c> filled by enumerating a collection with no order by contract (<c>HashSet</c>,
/// <c>Dictionary</c> and its keys or values, <c>ConcurrentDictionary</c>, <c>ConcurrentBag</c>, the immutable hash
/// collections) or a parallel query that is not ordered. The provider's prompt cache keys on the tool definitions, which
/// come first in the prompt. Reported on the unordered source, where the fix (a sort) goes: in the value assigned to
/// <c>Tools</c>, in an <c>AddRange</c> on it, or in the collection of a <c>foreach</c> that adds to it (or to a local
/// list the method then assigns to it).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class COST013UnstableToolOrder() : AgentCostAnalyzer(Descriptors.UnstableToolOrder)
{
    /// <summary>The diagnostic property set when the unordered source enumerates AITools, so that sorting by name is a fix.</summary>
    public const string SortableByNameProperty = "SortableByName";

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, KnownSymbols known)
    {
        if (UnorderedSources.Create(start.Compilation) is not { } sources)
        {
            return;
        }

        start.RegisterOperationBlockStartAction(block =>
        {
            var findings = new ToolListFindings();
            block.RegisterOperationAction(context => findings.OnAssignment((ISimpleAssignmentOperation)context.Operation, sources), OperationKind.SimpleAssignment);
            block.RegisterOperationAction(context => findings.OnInvocation((IInvocationOperation)context.Operation, sources), OperationKind.Invocation);
            block.RegisterOperationBlockEndAction(context => findings.Report(context, sources));
        });
    }

    /// <summary>What one method body puts into <c>ChatOptions.Tools</c>, collected while it is walked and reported at its end.</summary>
    private sealed class ToolListFindings
    {
        private readonly object _gate = new();
        private readonly List<IOperation> _sources = [];
        private readonly HashSet<ILocalSymbol> _localsAssignedToTools = new(SymbolEqualityComparer.Default);
        private readonly List<(ILocalSymbol Local, IOperation Source)> _localSources = [];

        public void OnAssignment(ISimpleAssignmentOperation assignment, UnorderedSources sources)
        {
            if (!sources.IsToolsProperty(assignment.Target))
            {
                return;
            }

            var found = sources.Find(assignment.Value);
            lock (_gate)
            {
                _sources.AddRange(found);
                if (OperationTree.ReferencedSymbol(assignment.Value) is ILocalSymbol local)
                {
                    _localsAssignedToTools.Add(local);
                }
            }
        }

        public void OnInvocation(IInvocationOperation invocation, UnorderedSources sources)
        {
            if (invocation.Instance is not { } receiver
                || invocation.TargetMethod.Name is not ("Add" or "AddRange" or "Insert" or "InsertRange")
                || invocation.Arguments.IsEmpty)
            {
                return;
            }

            var intoTools = sources.IsToolsProperty(receiver);
            var local = intoTools ? null : OperationTree.ReferencedSymbol(receiver) as ILocalSymbol;
            if (!intoTools && local is null)
            {
                return;
            }

            // AddRange(source) takes the source's order; Add(item) in a loop takes the loop's.
            var found = invocation.TargetMethod.Name.EndsWith("Range", System.StringComparison.Ordinal)
                ? sources.Find(invocation.Arguments[invocation.Arguments.Length - 1].Value)
                : sources.FindInEnclosingLoops(invocation);
            if (found.Count == 0)
            {
                return;
            }

            lock (_gate)
            {
                if (intoTools)
                {
                    _sources.AddRange(found);
                }
                else
                {
                    foreach (var source in found)
                    {
                        _localSources.Add((local!, source));
                    }
                }
            }
        }

        public void Report(OperationBlockAnalysisContext context, UnorderedSources sources)
        {
            var reported = new HashSet<SyntaxNode>();
            foreach (var (local, source) in _localSources)
            {
                if (_localsAssignedToTools.Contains(local))
                {
                    _sources.Add(source);
                }
            }

            foreach (var source in _sources)
            {
                if (!reported.Add(source.Syntax))
                {
                    continue;
                }

                var properties = sources.EnumeratesTools(source.Type)
                    ? ImmutableDictionary<string, string?>.Empty.Add(SortableByNameProperty, "true")
                    : ImmutableDictionary<string, string?>.Empty;
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.UnstableToolOrder, source.Syntax.GetLocation(), properties, UnorderedSources.Describe(source)));
            }
        }
    }
}
