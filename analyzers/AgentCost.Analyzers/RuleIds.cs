namespace AgentCost.Analyzers;

/// <summary>The ids of AgentCost's rules, in one place. Each has a page at <c>docs/rules/&lt;id&gt;.md</c>.</summary>
public static class RuleIds
{
    /// <summary>An agent loop that calls a model and has no iteration bound or token budget.</summary>
    public const string UnboundedAgentLoop = "COST001";

    /// <summary>A deterministic tool that is not <c>[Cached]</c>.</summary>
    public const string DeterministicToolNotCached = "COST002";

    /// <summary>A <c>[Cached]</c> parameter whose type cannot be part of a cache key.</summary>
    public const string UnsupportedCacheKeyParameter = "COST003";

    /// <summary><c>[Cached]</c> on a method with no result to cache.</summary>
    public const string CachedMethodWithoutResult = "COST004";

    /// <summary>An AgentCost attribute argument the runtime refuses.</summary>
    public const string InvalidAttributeArgument = "COST005";

    /// <summary>An annotated method used as a delegate, where no interceptor applies its policy.</summary>
    public const string AnnotatedMethodAsDelegate = "COST006";

    /// <summary>A call of an annotated method that the interceptor cannot reach.</summary>
    public const string CallNotIntercepted = "COST007";

    /// <summary>An annotated method that no interceptor can call.</summary>
    public const string MethodNotInterceptable = "COST008";

    /// <summary>A <c>[RouteModel]</c> method whose prompt parameter is ambiguous or invalid.</summary>
    public const string InvalidPromptParameter = "COST009";

    /// <summary><c>[Prompt]</c> on a parameter of a method that has no <c>[RouteModel]</c>.</summary>
    public const string PromptWithoutRouteModel = "COST010";

    /// <summary><c>[SemanticCached]</c> on a method the semantic cache cannot serve: no text prompt, also <c>[Cached]</c>, no result, or an invalid setting.</summary>
    public const string InvalidSemanticCachedMethod = "COST011";

    /// <summary>A value that changes on every call placed ahead of static text in a prompt's cacheable prefix.</summary>
    public const string PerCallValueInPromptPrefix = "COST012";

    /// <summary><c>ChatOptions.Tools</c> filled in the enumeration order of an unordered collection or a parallel query.</summary>
    public const string UnstableToolOrder = "COST013";

    /// <summary>More than 4 Anthropic prompt-cache breakpoints set in one request-building method.</summary>
    public const string TooManyCacheBreakpoints = "COST014";
}
