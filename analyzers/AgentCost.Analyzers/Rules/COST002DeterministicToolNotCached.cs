using System.Collections.Concurrent;
using AgentCost.Analyzers.Common;
using AgentCost.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AgentCost.Analyzers.Rules;

/// <summary>
/// COST002: a tool (<c>[KernelFunction]</c>, <c>[McpServerTool]</c>, <c>[AgentTool]</c>, or a <c>[Description]</c>
/// method handed to <c>AIFunctionFactory.Create</c>) that is declared deterministic (<c>[Deterministic]</c> or
/// <c>[Pure]</c>) but is not <c>[Cached]</c>.
/// </summary>
/// <remarks>
/// A tool by attribute is reported as its declaration is analysed. A <c>[Description]</c> method is a tool because of a
/// factory call that may sit in any file, so it is reported when the compilation ends (in the IDE, with full solution
/// analysis).
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class COST002DeterministicToolNotCached() : AgentCostAnalyzer(Descriptors.DeterministicToolNotCached, Descriptors.DeterministicToolNotCachedAtCompilationEnd)
{
    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, KnownSymbols known)
    {
        if (!known.HasDeterministicAttribute && known.PureAttribute is null)
        {
            return;
        }

        if (known.KernelFunctionAttribute is not null || known.McpServerToolAttribute is not null || known.HasAgentToolAttribute)
        {
            start.RegisterSymbolAction(context => AnalyzeMethod(context, known), SymbolKind.Method);
        }

        if (known.AIFunctionFactory is not null && known.DescriptionAttribute is not null)
        {
            var factoryTools = new ConcurrentDictionary<IMethodSymbol, byte>(SymbolEqualityComparer.Default);
            start.RegisterOperationAction(context => AnalyzeFactoryCall(context, known, factoryTools), OperationKind.Invocation);
            start.RegisterCompilationEndAction(context =>
            {
                foreach (var method in factoryTools.Keys)
                {
                    context.ReportDiagnostic(Diagnostic.Create(Descriptors.DeterministicToolNotCachedAtCompilationEnd, method.Locations[0], method.Name));
                }
            });
        }
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context, KnownSymbols known)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (!AgentCostAttributes.MayHaveAttributes(method))
        {
            return;
        }

        var traits = GetTraits(method, known);
        if (traits.IsTool && IsReportable(method, traits))
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.DeterministicToolNotCached, method.Locations[0], method.Name));
        }
    }

    // AIFunctionFactory.Create(tools.CountWords): a [Description] method becomes a tool.
    private static void AnalyzeFactoryCall(OperationAnalysisContext context, KnownSymbols known, ConcurrentDictionary<IMethodSymbol, byte> factoryTools)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (invocation.TargetMethod.Name != "Create"
            || !SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType, known.AIFunctionFactory)
            || invocation.Arguments.IsEmpty)
        {
            return;
        }

        var value = invocation.Arguments[0].Value;
        while (value is IConversionOperation or IDelegateCreationOperation)
        {
            value = value is IConversionOperation conversion ? conversion.Operand : ((IDelegateCreationOperation)value).Target;
        }

        if (value is not IMethodReferenceOperation reference)
        {
            return;
        }

        var method = (reference.Method.ReducedFrom ?? reference.Method).OriginalDefinition;
        var traits = GetTraits(method, known);

        // Tools by attribute are reported from their declaration, once.
        if (traits.IsDescribed && !traits.IsTool && IsReportable(method, traits)
            && SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, known.Compilation.Assembly))
        {
            factoryTools.TryAdd(method, 0);
        }
    }

    private static bool IsReportable(IMethodSymbol method, Traits traits)
        => traits.IsDeterministic
            && !traits.IsCached
            && method.MethodKind == MethodKind.Ordinary
            && !method.Locations.IsEmpty
            && method.Locations[0].IsInSource
            // A method with nothing to cache is left to COST004 should someone add [Cached] to it.
            && CachedResults.HasResult(method);

    private static Traits GetTraits(IMethodSymbol method, KnownSymbols known)
    {
        var traits = default(Traits);
        foreach (var attribute in method.GetAttributes())
        {
            var type = attribute.AttributeClass;
            if (type is null)
            {
                continue;
            }

            if (AgentCostAttributes.Is(attribute, AgentCostAttributes.Deterministic) || SymbolEqualityComparer.Default.Equals(type, known.PureAttribute))
            {
                traits.IsDeterministic = true;
            }
            else if (AgentCostAttributes.Is(attribute, AgentCostAttributes.Cached))
            {
                traits.IsCached = true;
            }
            else if (AgentCostAttributes.Is(attribute, AgentCostAttributes.AgentTool)
                || Names.IsOrInherits(type, known.KernelFunctionAttribute)
                || Names.IsOrInherits(type, known.McpServerToolAttribute))
            {
                traits.IsTool = true;
            }
            else if (SymbolEqualityComparer.Default.Equals(type, known.DescriptionAttribute))
            {
                traits.IsDescribed = true;
            }
        }

        return traits;
    }

    private struct Traits
    {
        public bool IsDeterministic;
        public bool IsCached;
        public bool IsTool;
        public bool IsDescribed;
    }
}
