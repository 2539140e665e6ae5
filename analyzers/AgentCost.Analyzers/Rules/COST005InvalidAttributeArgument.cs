using System.Linq;
using System.Threading;
using AgentCost.Analyzers.Common;
using AgentCost.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AgentCost.Analyzers.Rules;

/// <summary>
/// COST005: an AgentCost attribute argument the runtime refuses: a negative <c>[Cached]</c> TTL, a non-positive token
/// budget, a final-answer reserve or minimum step that does not fit the budget, an undefined overflow policy.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class COST005InvalidAttributeArgument() : AgentCostAnalyzer(Descriptors.InvalidAttributeArgument)
{
    // The runtime's defaults (TokenBudget.DefaultFinalAnswerReserve and DefaultMinStepTokens), when it does not say.
    private const int FallbackFinalAnswerReserve = 2000;
    private const int FallbackMinStepTokens = 500;

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, KnownSymbols known)
    {
        if (!known.HasCachedAttribute && !known.HasTokenBudgetAttribute)
        {
            return;
        }

        var budgetType = start.Compilation.GetTypeByMetadataName("AgentCost.TokenBudget");
        var defaults = new BudgetDefaults(
            GetConstant(budgetType, "DefaultFinalAnswerReserve") ?? FallbackFinalAnswerReserve,
            GetConstant(budgetType, "DefaultMinStepTokens") ?? FallbackMinStepTokens);
        start.RegisterSymbolAction(context => AnalyzeMethod(context, defaults), SymbolKind.Method);
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context, BudgetDefaults defaults)
    {
        if (!AgentCostAttributes.MayHaveAttributes((IMethodSymbol)context.Symbol))
        {
            return;
        }

        foreach (var attribute in context.Symbol.GetAttributes())
        {
            if (AgentCostAttributes.Is(attribute, AgentCostAttributes.Cached))
            {
                AnalyzeCached(context, attribute);
            }
            else if (AgentCostAttributes.Is(attribute, AgentCostAttributes.TokenBudget))
            {
                AnalyzeTokenBudget(context, attribute, defaults);
            }
        }
    }

    private static void AnalyzeCached(SymbolAnalysisContext context, AttributeData attribute)
    {
        if (CachedResults.GetTtlSeconds(attribute) is < 0 and var ttl)
        {
            Report(context, attribute, "TtlSeconds", $"[Cached] TtlSeconds must be 0 (the configured default) or positive, not {ttl}");
        }
    }

    private static void AnalyzeTokenBudget(SymbolAnalysisContext context, AttributeData attribute, BudgetDefaults defaults)
    {
        if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not int total)
        {
            return;
        }

        if (total <= 0)
        {
            Report(context, attribute, argumentIndex: 0, $"[TokenBudget] total must be a positive number of tokens, not {total}");
            return;
        }

        var reserve = GetNamedInt(attribute, "FinalAnswerReserve");
        var actualReserve = reserve ?? defaults.FinalAnswerReserve;
        if (actualReserve < 0 || actualReserve >= total)
        {
            Report(context, attribute, "FinalAnswerReserve",
                $"[TokenBudget] FinalAnswerReserve{(reserve is null ? " (default)" : string.Empty)} is {actualReserve}; it must be at least 0 and less than the total ({total})");
        }

        var minStep = GetNamedInt(attribute, "MinStepTokens");
        var actualMinStep = minStep ?? defaults.MinStepTokens;
        if (actualMinStep < 0 || actualMinStep > total)
        {
            Report(context, attribute, "MinStepTokens",
                $"[TokenBudget] MinStepTokens{(minStep is null ? " (default)" : string.Empty)} is {actualMinStep}; it must be at least 0 and at most the total ({total})");
        }

        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Key == "OverflowPolicy" && argument.Value.Type is INamedTypeSymbol { TypeKind: TypeKind.Enum } policyType
                && argument.Value.Value is { } value
                && !policyType.GetMembers().OfType<IFieldSymbol>().Any(f => f.HasConstantValue && Equals(f.ConstantValue, value)))
            {
                Report(context, attribute, "OverflowPolicy", $"[TokenBudget] OverflowPolicy {value} is not a defined {policyType.Name}");
            }
        }
    }

    private static int? GetNamedInt(AttributeData attribute, string name)
    {
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Key == name && argument.Value.Value is int value)
            {
                return value;
            }
        }

        return null;
    }

    private static int? GetConstant(INamedTypeSymbol? type, string name)
        => type?.GetMembers(name).OfType<IFieldSymbol>().FirstOrDefault() is { HasConstantValue: true, ConstantValue: int value } ? value : null;

    private static void Report(SymbolAnalysisContext context, AttributeData attribute, string name, string message)
        => Report(context, GetLocation(attribute, a => a.NameEquals?.Name.Identifier.ValueText == name, context.CancellationToken), message);

    private static void Report(SymbolAnalysisContext context, AttributeData attribute, int argumentIndex, string message)
    {
        var index = 0;
        Report(context, GetLocation(attribute, a => a.NameEquals is null && index++ == argumentIndex, context.CancellationToken), message);
    }

    private static void Report(SymbolAnalysisContext context, Location? location, string message)
    {
        if (location is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.InvalidAttributeArgument, location, message));
        }
    }

    // The argument's syntax, or the attribute's when the value is a default.
    private static Location? GetLocation(AttributeData attribute, System.Func<AttributeArgumentSyntax, bool> match, CancellationToken cancellationToken)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax syntax)
        {
            return null;
        }

        foreach (var argument in syntax.ArgumentList?.Arguments ?? default)
        {
            if (match(argument))
            {
                return argument.GetLocation();
            }
        }

        return syntax.GetLocation();
    }

    private sealed class BudgetDefaults(int finalAnswerReserve, int minStepTokens)
    {
        public int FinalAnswerReserve { get; } = finalAnswerReserve;

        public int MinStepTokens { get; } = minStepTokens;
    }
}
