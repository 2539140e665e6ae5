using System.Collections.Generic;
using AgentCost.Analyzers.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AgentCost.Analyzers.Rules;

/// <summary>
/// COST014: a method that sets more than 4 Anthropic prompt-cache breakpoints, through the Anthropic SDK's
/// <c>WithCacheControl</c> extension or a <c>"cache_control"</c> entry written into an <c>AdditionalPropertiesDictionary</c>,
/// or sets one inside a loop whose count is not a constant. The Messages API rejects a request with more than 4. The
/// method body stands for the request: that is where requests are built, and two requests built in one method are rare.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class COST014TooManyCacheBreakpoints() : AgentCostAnalyzer(Descriptors.TooManyCacheBreakpoints)
{
    /// <summary>The most breakpoints one Anthropic request may carry.</summary>
    public const int MaxBreakpoints = 4;

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, KnownSymbols known)
    {
        var markers = CacheBreakpoints.Create(start.Compilation);
        if (markers is null)
        {
            return;
        }

        start.RegisterOperationBlockStartAction(block =>
        {
            var found = new List<(IOperation Marker, int? Count)>();
            block.RegisterOperationAction(
                context =>
                {
                    if (markers.IsBreakpoint(context.Operation))
                    {
                        var count = CacheBreakpoints.Repetitions(context.Operation);
                        lock (found)
                        {
                            found.Add((context.Operation, count));
                        }
                    }
                },
                OperationKind.Invocation,
                OperationKind.SimpleAssignment);
            block.RegisterOperationBlockEndAction(context => Report(context, found));
        });
    }

    private static void Report(OperationBlockAnalysisContext context, List<(IOperation Marker, int? Count)> found)
    {
        if (found.Count == 0)
        {
            return;
        }

        found.Sort(static (a, b) => a.Marker.Syntax.SpanStart.CompareTo(b.Marker.Syntax.SpanStart));
        var total = 0;
        foreach (var (marker, count) in found)
        {
            if (count is null)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.TooManyCacheBreakpoints,
                    marker.Syntax.GetLocation(),
                    "This cache breakpoint is set in a loop whose count is not a constant, so the request may carry more than " + MaxBreakpoints));
                return;
            }

            total += count.Value;
            if (total > MaxBreakpoints)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.TooManyCacheBreakpoints,
                    marker.Syntax.GetLocation(),
                    $"This method sets {Total(found)} prompt-cache breakpoints; this one is past the {MaxBreakpoints}th"));
                return;
            }
        }
    }

    private static int Total(List<(IOperation Marker, int? Count)> found)
    {
        var total = 0;
        foreach (var (_, count) in found)
        {
            total += count ?? 0;
        }

        return total;
    }
}
