using System.Collections.Immutable;
using AgentCost.CodeAnalysis;
using Microsoft.CodeAnalysis;

namespace AgentCost.Analyzers.Common;

/// <summary>
/// AgentCost's attributes, matched by namespace and name as the generator matches them, so that a rule works whether
/// or not the referenced runtime declares the attribute yet.
/// </summary>
internal static class AgentCostAttributes
{
    public const string Namespace = Symbols.AgentCostNamespace;
    public const string Cached = CachedResults.AttributeName;
    public const string NotCacheKey = "NotCacheKeyAttribute";
    public const string TokenBudget = "TokenBudgetAttribute";
    public const string RouteModel = "RouteModelAttribute";
    public const string Prompt = PromptParameters.AttributeName;
    public const string AgentTool = "AgentToolAttribute";
    public const string Deterministic = "DeterministicAttribute";
    public const string AgentTask = "AgentTaskAttribute";
    public const string SemanticCached = SemanticCachedResults.AttributeName;

    /// <summary>The attributes whose calls the generator intercepts to apply a policy.</summary>
    public static readonly ImmutableArray<string> Policies = ImmutableArray.Create(Cached, TokenBudget, RouteModel, AgentTask, SemanticCached);

    /// <summary>
    /// Whether the method may carry attributes: false for a method declared in source with no attribute lists, which
    /// spares binding its attributes. Methods from metadata and other declarations may.
    /// </summary>
    public static bool MayHaveAttributes(IMethodSymbol method)
    {
        var references = method.DeclaringSyntaxReferences;
        if (references.IsEmpty)
        {
            return true;
        }

        foreach (var reference in references)
        {
            switch (reference.GetSyntax())
            {
                case Microsoft.CodeAnalysis.CSharp.Syntax.BaseMethodDeclarationSyntax { AttributeLists.Count: 0 }:
                case Microsoft.CodeAnalysis.CSharp.Syntax.LocalFunctionStatementSyntax { AttributeLists.Count: 0 }:
                    continue;
                default:
                    return true;
            }
        }

        return false;
    }

    public static AttributeData? Find(ISymbol symbol, string name)
    {
        foreach (var attribute in symbol.GetAttributes())
        {
            if (Is(attribute, name))
            {
                return attribute;
            }
        }

        return null;
    }

    public static bool Has(ISymbol symbol, string name) => Find(symbol, name) is not null;

    public static bool Is(AttributeData attribute, string name)
        => Symbols.IsAgentCostType(attribute.AttributeClass, name);

    /// <summary>The first policy attribute of a method (its original definition), or <see langword="null"/>.</summary>
    public static AttributeData? FindPolicy(IMethodSymbol method)
    {
        var definition = (method.ReducedFrom ?? method).OriginalDefinition;
        foreach (var attribute in definition.GetAttributes())
        {
            if (attribute.AttributeClass is { } type && IsPolicy(type))
            {
                return attribute;
            }
        }

        return null;
    }

    public static bool IsPolicy(INamedTypeSymbol type)
        => type.ContainingType is null
            && type.Name is Cached or TokenBudget or RouteModel or AgentTask or SemanticCached
            && Symbols.IsNamespace(type.ContainingNamespace, Namespace);

    /// <summary>How code writes the attribute: <c>Cached</c> for <c>CachedAttribute</c>.</summary>
    public static string ShortName(AttributeData attribute)
    {
        var name = attribute.AttributeClass?.Name ?? string.Empty;
        return name.EndsWith("Attribute", System.StringComparison.Ordinal) ? name.Substring(0, name.Length - "Attribute".Length) : name;
    }
}
