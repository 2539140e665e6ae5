using Microsoft.CodeAnalysis;

namespace AgentCost.CodeAnalysis;

/// <summary>
/// What <c>[SemanticCached]</c> needs of a method: a result the cache can keep, one prompt parameter of type
/// <c>string</c> (found by the rule <c>[RouteModel]</c> uses, <see cref="PromptParameters"/>), no <c>[Cached]</c> beside
/// it, a TTL that is not negative and a threshold in (0, 1] or 0. The generator skips a method that fails any of them;
/// COST011 reports it on the declaration and COST007 at the calls of a referenced assembly's method.
/// </summary>
internal static class SemanticCachedResults
{
    /// <summary>The name of <c>SemanticCachedAttribute</c>.</summary>
    public const string AttributeName = "SemanticCachedAttribute";

    /// <summary>Why a method with this <c>[SemanticCached]</c> attribute is not intercepted, or <see cref="InterceptionReason.None"/>.</summary>
    public static InterceptionReason GetProblem(IMethodSymbol method, AttributeData semanticCached)
    {
        if (HasCachedAttribute(method))
        {
            return InterceptionReason.SemanticAndExactCache;
        }

        if (!CachedResults.HasResult(method))
        {
            return InterceptionReason.NoCacheableResult;
        }

        var promptProblem = GetPromptProblem(method);
        if (promptProblem != InterceptionReason.None)
        {
            return promptProblem;
        }

        if (CachedResults.GetTtlSeconds(semanticCached) < 0)
        {
            return InterceptionReason.NegativeCacheTtl;
        }

        return IsValidThreshold(GetThreshold(semanticCached)) ? InterceptionReason.None : InterceptionReason.InvalidSemanticThreshold;
    }

    /// <summary>
    /// Why the method has no prompt the semantic cache can embed: none, an ambiguous one, or one that is not a
    /// <c>string</c>; <see cref="InterceptionReason.None"/> when <see cref="PromptParameters.GetPromptParameter"/> finds a string.
    /// </summary>
    public static InterceptionReason GetPromptProblem(IMethodSymbol method)
    {
        var prompt = PromptParameters.GetPromptParameter(method);
        if (prompt >= 0)
        {
            return method.Parameters[prompt].Type.SpecialType == SpecialType.System_String
                ? InterceptionReason.None
                : InterceptionReason.SemanticPromptNotText;
        }

        int marked = 0, candidates = 0;
        foreach (var parameter in method.Parameters)
        {
            if (PromptParameters.IsPromptType(parameter.Type))
            {
                candidates++;
            }

            foreach (var attribute in parameter.GetAttributes())
            {
                if (Symbols.IsAgentCostType(attribute.AttributeClass, PromptParameters.AttributeName))
                {
                    marked++;
                    break;
                }
            }
        }

        return marked switch
        {
            1 => InterceptionReason.SemanticPromptNotText,
            > 1 => InterceptionReason.AmbiguousSemanticPrompt,
            _ => candidates > 1 ? InterceptionReason.AmbiguousSemanticPrompt : InterceptionReason.NoSemanticPrompt,
        };
    }

    /// <summary>The attribute's <c>Threshold</c>; 0 (the configured threshold) when it does not say.</summary>
    public static double GetThreshold(AttributeData semanticCached)
    {
        double value = 0;
        foreach (var argument in semanticCached.NamedArguments)
        {
            if (argument.Key == "Threshold" && argument.Value.Value is double set)
            {
                value = set;
            }
        }

        return value;
    }

    /// <summary>Whether the runtime accepts the threshold: 0 for the configured one, else in (0, 1] (NaN is not).</summary>
    public static bool IsValidThreshold(double threshold) => threshold >= 0 && threshold <= 1;

    private static bool HasCachedAttribute(IMethodSymbol method)
    {
        foreach (var attribute in method.GetAttributes())
        {
            if (Symbols.IsAgentCostType(attribute.AttributeClass, CachedResults.AttributeName))
            {
                return true;
            }
        }

        return false;
    }
}
