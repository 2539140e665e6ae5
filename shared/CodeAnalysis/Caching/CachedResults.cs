using Microsoft.CodeAnalysis;

namespace AgentCost.CodeAnalysis;

/// <summary>
/// What <c>[Cached]</c> needs of a method: a result the cache can keep (<c>T</c>, <c>Task&lt;T&gt;</c> or
/// <c>ValueTask&lt;T&gt;</c>) and a TTL the runtime accepts. The generator skips a method that fails either; COST004,
/// COST005 and COST007 report it.
/// </summary>
internal static class CachedResults
{
    /// <summary>The name of <c>CachedAttribute</c>.</summary>
    public const string AttributeName = "CachedAttribute";

    /// <summary>Why a method with this <c>[Cached]</c> attribute is not intercepted, or <see cref="InterceptionReason.None"/>.</summary>
    public static InterceptionReason GetProblem(IMethodSymbol method, AttributeData cached)
        => !HasResult(method) ? InterceptionReason.NoCacheableResult
            : GetTtlSeconds(cached) < 0 ? InterceptionReason.NegativeCacheTtl
            : InterceptionReason.None;

    /// <summary>
    /// Whether the method returns a result the cache can keep. A non-generic task has no result, a ValueTask can be
    /// awaited once, and an async stream is consumed lazily.
    /// </summary>
    public static bool HasResult(IMethodSymbol method)
        => ReturnKinds.TryGetReturnKind(method.ReturnType, method.ReturnsVoid, out var kind, out _) && kind.HasResult();

    /// <summary>The attribute's <c>TtlSeconds</c>; 0 (the configured default) when it does not say. A negative TTL fails the runtime's descriptor.</summary>
    public static int GetTtlSeconds(AttributeData cached) => GetNamedInt(cached, "TtlSeconds") ?? 0;

    /// <summary>The attribute's <c>Version</c>; 0 when it does not say.</summary>
    public static int GetVersion(AttributeData cached) => GetNamedInt(cached, "Version") ?? 0;

    private static int? GetNamedInt(AttributeData attribute, string name)
    {
        int? value = null;
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Key == name && argument.Value.Value is int set)
            {
                value = set;
            }
        }

        return value;
    }
}
