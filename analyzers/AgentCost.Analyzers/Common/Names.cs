using Microsoft.CodeAnalysis;

namespace AgentCost.Analyzers.Common;

/// <summary>Symbol comparisons and names only the analyzers need; the rules shared with the generator match names through <c>Symbols</c>.</summary>
internal static class Names
{
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
