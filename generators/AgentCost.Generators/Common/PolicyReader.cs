using System.Linq;
using AgentCost.CodeAnalysis;
using AgentCost.Generators.Model;
using Microsoft.CodeAnalysis;
using static AgentCost.CodeAnalysis.Symbols;

namespace AgentCost.Generators.Common;

/// <summary>
/// Reads the AgentCost policies of a method from its attributes, as the interceptors and the generated tools apply them.
/// An attribute the runtime would refuse yields no policies, and the call is not intercepted; COST005 reports it.
/// </summary>
internal static class PolicyReader
{
    /// <summary>The AgentCost policies a method's attributes set, or null when it has none (or an invalid one).</summary>
    public static Policies? GetPolicies(IMethodSymbol method)
    {
        CacheSettings? cache = null;
        BudgetSettings? budget = null;
        TaskSettings? task = null;
        RouteSettings? route = null;
        SemanticCacheSettings? semanticCache = null;
        foreach (var attribute in method.GetAttributes())
        {
            if (IsAgentCostType(attribute.AttributeClass, CachedResults.AttributeName))
            {
                cache = GetCacheSettings(attribute);
                if (cache is null)
                {
                    return null;
                }
            }
            else if (IsAgentCostType(attribute.AttributeClass, "TokenBudgetAttribute"))
            {
                budget = GetBudgetSettings(attribute);
                if (budget is null)
                {
                    return null;
                }
            }
            else if (IsAgentCostType(attribute.AttributeClass, "AgentTaskAttribute"))
            {
                var name = attribute.ConstructorArguments.FirstOrDefault().Value as string
                    ?? attribute.NamedArguments.FirstOrDefault(a => a.Key == "Name").Value.Value as string;
                task = new TaskSettings(name);
            }
            else if (IsAgentCostType(attribute.AttributeClass, "RouteModelAttribute"))
            {
                route = GetRouteSettings(attribute, method);
            }
            else if (IsAgentCostType(attribute.AttributeClass, SemanticCachedResults.AttributeName))
            {
                // COST011 reports every reason, from the same rule.
                if (SemanticCachedResults.GetProblem(method, attribute) != InterceptionReason.None)
                {
                    return null;
                }

                semanticCache = new SemanticCacheSettings(
                    CachedResults.GetTtlSeconds(attribute),
                    CachedResults.GetVersion(attribute),
                    SemanticCachedResults.GetThreshold(attribute),
                    PromptParameters.GetPromptParameter(method));
            }
        }

        return cache is null && budget is null && task is null && route is null && semanticCache is null
            ? null
            : new Policies(cache, budget, task, route, semanticCache);
    }

    private static RouteSettings GetRouteSettings(AttributeData attribute, IMethodSymbol method)
    {
        string? tier = null, minTier = null, maxTier = null;
        foreach (var argument in attribute.NamedArguments)
        {
            switch (argument.Key)
            {
                case "Tier":
                    tier = argument.Value.Value as string;
                    break;
                case "MinTier":
                    minTier = argument.Value.Value as string;
                    break;
                case "MaxTier":
                    maxTier = argument.Value.Value as string;
                    break;
            }
        }

        return new RouteSettings(tier, minTier, maxTier, PromptParameters.GetPromptParameter(method));
    }

    private static CacheSettings? GetCacheSettings(AttributeData attribute)
    {
        // A negative TTL fails the descriptor's constructor, and with it every interceptor of the file.
        var ttlSeconds = CachedResults.GetTtlSeconds(attribute);
        return ttlSeconds < 0 ? null : new CacheSettings(ttlSeconds, CachedResults.GetVersion(attribute));
    }

    // Invalid values are reported by the runtime when the scope opens, naming the method; broken code yields nothing.
    private static BudgetSettings? GetBudgetSettings(AttributeData attribute)
    {
        if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not int total)
        {
            return null;
        }

        int? reserve = null, minStep = null, overflow = null;
        foreach (var argument in attribute.NamedArguments)
        {
            switch (argument.Key)
            {
                case "FinalAnswerReserve" when argument.Value.Value is int value:
                    reserve = value;
                    break;
                case "MinStepTokens" when argument.Value.Value is int value:
                    minStep = value;
                    break;
                case "OverflowPolicy" when argument.Value.Value is int value:
                    overflow = value;
                    break;
            }
        }

        return new BudgetSettings(total, reserve, minStep, overflow);
    }
}
