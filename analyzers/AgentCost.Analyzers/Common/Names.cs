using Microsoft.CodeAnalysis;

namespace AgentCost.Analyzers.Common;

/// <summary>Compares symbols with names without building display strings.</summary>
internal static class Names
{
    /// <summary>Whether <paramref name="type"/> is the top-level type <paramref name="name"/> (any arity) in <paramref name="namespace"/>.</summary>
    public static bool IsType(ITypeSymbol? type, string @namespace, string name)
        => type is INamedTypeSymbol { ContainingType: null } named
            && named.Name == name
            && IsNamespace(named.ContainingNamespace, @namespace);

    /// <summary>Whether <paramref name="type"/> or one of its base types is the named type.</summary>
    public static bool IsOrDerivesFrom(ITypeSymbol? type, string @namespace, string name)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (IsType(current, @namespace, name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="type"/> is, derives from or implements <paramref name="target"/>.</summary>
    public static bool IsOrInherits(ITypeSymbol? type, INamedTypeSymbol? target)
    {
        if (type is null || target is null)
        {
            return false;
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, target))
            {
                return true;
            }
        }

        if (target.TypeKind == TypeKind.Interface)
        {
            foreach (var @interface in type.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(@interface.OriginalDefinition, target))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Compares from the innermost namespace outwards.</summary>
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

    /// <summary>A short, readable name of a method: <c>Type.Method</c>.</summary>
    public static string Describe(IMethodSymbol method)
    {
        method = method.ReducedFrom ?? method;
        var type = method.IsExtensionMethod && method.Parameters.Length > 0
            ? method.Parameters[0].Type.Name
            : method.ContainingType?.Name;
        return type is null or "" ? method.Name : type + "." + method.Name;
    }
}
