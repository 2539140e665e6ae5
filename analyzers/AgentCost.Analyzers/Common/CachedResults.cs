using Microsoft.CodeAnalysis;

namespace AgentCost.Analyzers.Common;

/// <summary>Which return types the cache can keep: <c>T</c>, <c>Task&lt;T&gt;</c> and <c>ValueTask&lt;T&gt;</c>, as the generator decides.</summary>
internal static class CachedResults
{
    /// <summary>Whether a <c>[Cached]</c> method returning <paramref name="method"/>'s type has a result to keep.</summary>
    public static bool HasResult(IMethodSymbol method) => !method.ReturnsVoid && IsCacheable(method.ReturnType);

    // A non-generic task has no result, a ValueTask can be awaited once, and an async stream is consumed lazily.
    private static bool IsCacheable(ITypeSymbol type)
    {
        if (type is not INamedTypeSymbol named)
        {
            return true;
        }

        if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
        {
            return !IsTaskLike(named.TypeArguments[0]);
        }

        if (Names.IsNamespace(named.ContainingNamespace, "System.Threading.Tasks") && named.Arity == 1 && named.ContainingType is null
            && named.Name is "Task" or "ValueTask")
        {
            return true;
        }

        return !IsTaskLike(named)
            && !(named.Arity == 1
                && named.Name is "IAsyncEnumerable" or "IAsyncEnumerator"
                && Names.IsNamespace(named.ContainingNamespace, "System.Collections.Generic"));
    }

    // Task, ValueTask, either generic form and any type derived from Task.
    private static bool IsTaskLike(ITypeSymbol type)
    {
        for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            if (current.Name is "Task" or "ValueTask"
                && current.ContainingType is null
                && Names.IsNamespace(current.ContainingNamespace, "System.Threading.Tasks"))
            {
                return true;
            }
        }

        return false;
    }
}
