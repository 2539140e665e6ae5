using Microsoft.CodeAnalysis;

namespace AgentCost.CodeAnalysis;

/// <summary>
/// What a method returns, as the runtime's entry points see it: <c>T</c>, <c>Task&lt;T&gt;</c>, <c>ValueTask&lt;T&gt;</c>,
/// or one of the forms without a result. Another task type, a nullable task or an async stream fits none of them.
/// </summary>
internal static class ReturnKinds
{
    /// <summary>
    /// The return kind of a method returning <paramref name="type"/> and its result type (null without a result), or
    /// false when no entry point serves such a method.
    /// </summary>
    public static bool TryGetReturnKind(ITypeSymbol type, bool returnsVoid, out ReturnKind kind, out ITypeSymbol? resultType)
    {
        kind = ReturnKind.Value;
        resultType = type;
        if (returnsVoid)
        {
            kind = ReturnKind.Void;
            resultType = null;
            return true;
        }

        if (type is not INamedTypeSymbol named)
        {
            return true;
        }

        if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
        {
            return !IsTaskLike(named.TypeArguments[0]);
        }

        if (Symbols.IsNamespace(named.ContainingNamespace, "System.Threading.Tasks") && named.ContainingType is null && named.Arity <= 1)
        {
            switch (named.Name)
            {
                case "Task":
                    kind = named.Arity == 1 ? ReturnKind.Task : ReturnKind.TaskVoid;
                    resultType = named.Arity == 1 ? named.TypeArguments[0] : null;
                    return true;
                case "ValueTask":
                    kind = named.Arity == 1 ? ReturnKind.ValueTask : ReturnKind.ValueTaskVoid;
                    resultType = named.Arity == 1 ? named.TypeArguments[0] : null;
                    return true;
            }
        }

        return !IsTaskLike(named)
            && !(named.Arity == 1
                && named.Name is "IAsyncEnumerable" or "IAsyncEnumerator"
                && Symbols.IsNamespace(named.ContainingNamespace, "System.Collections.Generic"));
    }

    // Task, ValueTask, either generic form and any type derived from Task.
    private static bool IsTaskLike(ITypeSymbol type)
    {
        for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            if (current.Name is "Task" or "ValueTask"
                && current.ContainingType is null
                && Symbols.IsNamespace(current.ContainingNamespace, "System.Threading.Tasks"))
            {
                return true;
            }
        }

        return false;
    }
}
