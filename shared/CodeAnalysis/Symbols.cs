using Microsoft.CodeAnalysis;

namespace AgentCost.CodeAnalysis;

/// <summary>
/// Matches symbols by namespace and name without building display strings, so that a rule works whether or not the
/// referenced assemblies declare the type yet (AgentCost's attributes, Microsoft.Extensions.AI's types).
/// </summary>
internal static class Symbols
{
    /// <summary>The namespace of AgentCost's attributes.</summary>
    public const string AgentCostNamespace = "AgentCost";

    /// <summary>Whether <paramref name="type"/> is the top-level, non-generic type <paramref name="name"/> in <paramref name="namespace"/>.</summary>
    public static bool IsType(ITypeSymbol? type, string @namespace, string name)
        => type is INamedTypeSymbol { Arity: 0, ContainingType: null } named
            && named.Name == name
            && IsNamespace(named.ContainingNamespace, @namespace);

    /// <summary>Whether <paramref name="type"/> is the top-level type <paramref name="name"/> of any arity in <paramref name="namespace"/>.</summary>
    public static bool IsTypeOfAnyArity(ITypeSymbol? type, string @namespace, string name)
        => type is INamedTypeSymbol { ContainingType: null } named
            && named.Name == name
            && IsNamespace(named.ContainingNamespace, @namespace);

    /// <summary>Whether <paramref name="type"/> or one of its base types is the named type (of any arity).</summary>
    public static bool IsOrDerivesFrom(ITypeSymbol? type, string @namespace, string name)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (IsTypeOfAnyArity(current, @namespace, name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="type"/> is the top-level AgentCost type (an attribute) <paramref name="name"/>: matched by
    /// name, so that the generator and the analyzers work whether or not the referenced runtime declares it yet.
    /// </summary>
    public static bool IsAgentCostType(INamedTypeSymbol? type, string name) => IsTypeOfAnyArity(type, AgentCostNamespace, name);

    /// <summary>Whether <paramref name="symbol"/> is the namespace <paramref name="name"/>, compared from the innermost namespace outwards.</summary>
    public static bool IsNamespace(INamespaceSymbol? symbol, string name)
    {
        var end = name.Length;
        while (symbol is { IsGlobalNamespace: false })
        {
            var start = name.LastIndexOf('.', end - 1) + 1;
            if (end - start != symbol.Name.Length || string.CompareOrdinal(name, start, symbol.Name, 0, end - start) != 0)
            {
                return false;
            }

            symbol = symbol.ContainingNamespace;
            end = start - 1;
            if (end < 0)
            {
                return symbol is { IsGlobalNamespace: true };
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="symbol"/> is the namespace <paramref name="name"/> or one nested in it.</summary>
    public static bool IsInNamespace(INamespaceSymbol? symbol, string name)
    {
        for (var current = symbol; current is { IsGlobalNamespace: false }; current = current.ContainingNamespace)
        {
            if (IsNamespace(current, name))
            {
                return true;
            }
        }

        return false;
    }
}
