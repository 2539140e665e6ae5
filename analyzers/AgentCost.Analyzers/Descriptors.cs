using Microsoft.CodeAnalysis;

namespace AgentCost.Analyzers;

/// <summary>The descriptors of AgentCost's rules. Severities are defaults; teams set their own in <c>.editorconfig</c>.</summary>
internal static class Descriptors
{
    /// <summary>Where the rule pages live: <c>docs/rules/</c> of the repository. The one place the help links are made.</summary>
    public const string HelpLinkBase = "https://github.com/agentcost/agentcost/blob/main/docs/rules/";

    private const string CostCategory = "AgentCost.Cost";
    private const string UsageCategory = "AgentCost.Usage";

    public static readonly DiagnosticDescriptor UnboundedAgentLoop = Create(
        RuleIds.UnboundedAgentLoop,
        "Agent loop has no step limit or token budget",
        "This loop calls the model ({0}) and has no step limit or token budget; count its steps against a maximum, or mark the method [TokenBudget]",
        CostCategory,
        DiagnosticSeverity.Warning,
        "A loop that calls a model and ends only when the model says so can run until the provider's bill stops it. Bound it: compare a step counter with a maximum, check the token budget (CanContinue), or run it inside a [TokenBudget] method.");

    public static readonly DiagnosticDescriptor DeterministicToolNotCached = Create(
        RuleIds.DeterministicToolNotCached,
        "Deterministic tool is not cached",
        "Tool '{0}' is declared deterministic but is not [Cached]; every call pays again for the same answer",
        CostCategory,
        DiagnosticSeverity.Warning,
        "A tool that returns the same result for the same arguments should be [Cached], so that an agent asking again is served from the cache instead of running the tool again.");

    /// <summary>
    /// COST002 for a <c>[Description]</c> method that is a tool because the compilation hands it to
    /// <c>AIFunctionFactory.Create</c>, which may happen in any file: known when the whole compilation has been seen.
    /// </summary>
    public static readonly DiagnosticDescriptor DeterministicToolNotCachedAtCompilationEnd = Create(
        RuleIds.DeterministicToolNotCached,
        DeterministicToolNotCached.Title.ToString(System.Globalization.CultureInfo.InvariantCulture),
        DeterministicToolNotCached.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture),
        CostCategory,
        DiagnosticSeverity.Warning,
        DeterministicToolNotCached.Description.ToString(System.Globalization.CultureInfo.InvariantCulture),
        WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor UnsupportedCacheKeyParameter = Create(
        RuleIds.UnsupportedCacheKeyParameter,
        "Parameter cannot be part of a cache key",
        "Parameter '{0}' of [Cached] method '{1}' has type '{2}', which cannot be part of a cache key: {3}; mark it [NotCacheKey] if it does not change the result",
        UsageCategory,
        DiagnosticSeverity.Error,
        "Every argument of a [Cached] method except CancellationTokens and [NotCacheKey] parameters is encoded into the cache key. A value with no stable encoding makes every call fail or every call miss.");

    public static readonly DiagnosticDescriptor CachedMethodWithoutResult = Create(
        RuleIds.CachedMethodWithoutResult,
        "[Cached] method has no result to cache",
        "[Cached] method '{0}' returns '{1}', which has no result the cache can keep; only T, Task<T> and ValueTask<T> are cached",
        UsageCategory,
        DiagnosticSeverity.Error,
        "A [Cached] method's result is what the cache stores. void, Task and ValueTask have none, and an async stream is consumed lazily, so the method would never be cached.");

    public static readonly DiagnosticDescriptor InvalidAttributeArgument = Create(
        RuleIds.InvalidAttributeArgument,
        "Invalid AgentCost attribute argument",
        "{0}",
        UsageCategory,
        DiagnosticSeverity.Error,
        "An AgentCost attribute argument out of range is refused by the runtime when the method is first called. The rule finds it at build time.");

    public static readonly DiagnosticDescriptor AnnotatedMethodAsDelegate = Create(
        RuleIds.AnnotatedMethodAsDelegate,
        "Annotated method is used where no interceptor applies its policy",
        "{0}",
        UsageCategory,
        DiagnosticSeverity.Warning,
        "AgentCost applies [Cached], [TokenBudget] and [RouteModel] by intercepting call sites. A method group turned into a delegate, or a method found by reflection, is called with no call site to intercept, so the policy silently does not apply. AIFunctionFactory.Create(method group) is supported.");

    public static readonly DiagnosticDescriptor CallNotIntercepted = Create(
        RuleIds.CallNotIntercepted,
        "Call of an annotated method is not intercepted",
        "This call of '{0}' cannot be intercepted ({1}); its [{2}] policy does not apply here",
        UsageCategory,
        DiagnosticSeverity.Warning,
        "Some calls of an annotated method cannot be routed through a generated interceptor: calls through base, on a struct or type-parameter receiver, with type arguments generated code cannot name, inside expression trees, or bound at run time. The method then runs without its policy.");

    public static readonly DiagnosticDescriptor MethodNotInterceptable = Create(
        RuleIds.MethodNotInterceptable,
        "Annotated method cannot be intercepted",
        "[{0}] on '{1}' has no effect: {2}",
        UsageCategory,
        DiagnosticSeverity.Error,
        "Generated interceptors live in another file of the project and call the annotated method like any other code there. A method they cannot call, or cannot stand in for, is never intercepted.");

    public static readonly DiagnosticDescriptor InvalidPromptParameter = Create(
        RuleIds.InvalidPromptParameter,
        "[RouteModel] prompt parameter is ambiguous or invalid",
        "{0}",
        UsageCategory,
        DiagnosticSeverity.Error,
        "[RouteModel] chooses a model for the difficulty of the method's prompt: the parameter marked [Prompt], else its only string or ChatMessage-sequence parameter. With two candidates and no [Prompt], a [Prompt] on a parameter that is not a prompt, or [Prompt] on more than one parameter, no argument is classified and the route falls back to the first model call's user messages.");

    public static readonly DiagnosticDescriptor PromptWithoutRouteModel = Create(
        RuleIds.PromptWithoutRouteModel,
        "[Prompt] has no effect without [RouteModel]",
        "[Prompt] on parameter '{0}' of '{1}' has no effect: the method has no [RouteModel]; add [RouteModel] to route its model calls, or remove [Prompt]",
        UsageCategory,
        DiagnosticSeverity.Warning,
        "[Prompt] marks the parameter whose argument [RouteModel] classifies to choose a model tier. On a method without [RouteModel] nothing reads it: no route is opened and every model call the method makes goes to the model it names. The method was probably meant to be routed.");

    public static readonly DiagnosticDescriptor InvalidSemanticCachedMethod = Create(
        RuleIds.InvalidSemanticCachedMethod,
        "[SemanticCached] method cannot be semantically cached",
        "[SemanticCached] method '{0}' is not cached: {1}",
        UsageCategory,
        DiagnosticSeverity.Error,
        "[SemanticCached] compares one string prompt parameter by embedding and every other parameter exactly. A method with no prompt parameter, an ambiguous one, one that is not a string, that is also [Cached], that returns no result, or with a negative TtlSeconds or a Threshold outside (0, 1] is not intercepted, and runs uncached on every call.");

    public static readonly DiagnosticDescriptor PerCallValueInPromptPrefix = Create(
        RuleIds.PerCallValueInPromptPrefix,
        "A value that changes on every call is ahead of static text in the prompt",
        "'{0}' changes on every call and comes before static text in {1}, so the provider's prompt cache can never reuse this prefix; move it to the end",
        CostCategory,
        DiagnosticSeverity.Warning,
        "Providers cache a prompt's longest stable prefix (tools, then the system prompt, then the messages) and bill a cached read at a fraction of the input price. A clock reading, a new Guid, a random number, a stopwatch or tick count, or a per-request parameter placed ahead of the prompt's static text changes the prefix on every call, so nothing after it is ever read from the cache.");

    public static readonly DiagnosticDescriptor UnstableToolOrder = Create(
        RuleIds.UnstableToolOrder,
        "Tools are listed in an unstable order",
        "ChatOptions.Tools is filled in the enumeration order of {0}, which can differ between calls and processes; the provider's prompt cache keys on the tool list, so sort the tools (for example by Name)",
        CostCategory,
        DiagnosticSeverity.Warning,
        "Providers cache the prompt prefix that starts with the tool definitions. A tool list filled by enumerating a HashSet, a Dictionary, a ConcurrentDictionary or a parallel query has no order by contract, so the prefix, and with it the cache, can change from one request to the next. Sort the tools, or keep them in a list or array.");

    public static readonly DiagnosticDescriptor TooManyCacheBreakpoints = Create(
        RuleIds.TooManyCacheBreakpoints,
        "More than 4 prompt-cache breakpoints in one request",
        "{0}; Anthropic rejects a request with more than 4 cache_control breakpoints",
        UsageCategory,
        DiagnosticSeverity.Warning,
        "Anthropic's Messages API accepts at most 4 cache_control breakpoints per request and fails the request otherwise. A method that sets more (WithCacheControl, or cache_control written into AdditionalProperties), or sets one in a loop whose count is not a constant, builds requests that can fail.");

    private static DiagnosticDescriptor Create(
        string id, string title, string messageFormat, string category, DiagnosticSeverity severity, string description, params string[] customTags)
        => new(id, title, messageFormat, category, severity, isEnabledByDefault: true, description, HelpLinkBase + id + ".md", customTags);
}
