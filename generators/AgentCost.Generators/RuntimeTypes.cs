namespace AgentCost.Generators;

/// <summary>
/// The AgentCost runtime types generated code names, <c>global::</c>-qualified so that no user type can shadow them.
/// They are kept here, and only here, because they move with the runtime: generated code must name them where the
/// AgentCost version it compiles against declares them.
/// </summary>
internal static class RuntimeTypes
{
    private const string Interception = "global::AgentCost.Interception.";

    /// <summary>The static entry points every interceptor and tool function calls.</summary>
    public const string AgentMethodInvoker = Interception + "AgentMethodInvoker";

    /// <summary>A method's descriptor: identity, parameters and policies.</summary>
    public const string AgentMethod = Interception + "AgentMethod";

    /// <summary>The settings of <c>[Cached]</c>.</summary>
    public const string CachePolicy = Interception + "CachePolicy";

    /// <summary>The settings of <c>[SemanticCached]</c>.</summary>
    public const string SemanticCachePolicy = Interception + "SemanticCachePolicy";

    /// <summary>The settings of <c>[TokenBudget]</c>.</summary>
    public const string TokenBudgetPolicy = Interception + "TokenBudgetPolicy";

    /// <summary>The settings of <c>[AgentTask]</c>.</summary>
    public const string TaskPolicy = Interception + "TaskPolicy";

    /// <summary>The settings of <c>[RouteModel]</c>.</summary>
    public const string RoutePolicy = Interception + "RoutePolicy";

    /// <summary>The overflow policy of <c>[TokenBudget]</c>, written as a cast of its value.</summary>
    public const string BudgetOverflowPolicy = "global::AgentCost.BudgetOverflowPolicy";

    /// <summary>What generated key writers add each cache-key argument to.</summary>
    public const string CacheKeyBuilder = "global::AgentCost.Caching.CacheKeyBuilder";

    /// <summary>Wraps the function <c>AIFunctionFactory.Create</c> made of an annotated method.</summary>
    public const string InterceptedTools = Interception + "InterceptedTools";

    /// <summary>A generated tool's name, description and schemas.</summary>
    public const string AgentToolDescriptor = Interception + "AgentToolDescriptor";

    /// <summary>A generated tool's parameter or result schema.</summary>
    public const string AgentToolSchema = Interception + "AgentToolSchema";

    /// <summary>One parameter of a generated tool's schema.</summary>
    public const string AgentToolSchemaParameter = Interception + "AgentToolSchemaParameter";

    /// <summary>Creates a generated tool function from its descriptor, binder and invoker.</summary>
    public const string AgentToolFunction = Interception + "AgentToolFunction";

    /// <summary>The arguments of a tool function, generated or wrapped, as its binder reads them.</summary>
    public const string AgentToolArguments = Interception + "AgentToolArguments";

    /// <summary>Reads one argument of a generated tool function.</summary>
    public const string ToolValueReader = Interception + "ToolValueReader";

    /// <summary>The readers a generated tool function reads its arguments with.</summary>
    public const string ToolValueReaders = Interception + "ToolValueReaders";
}
