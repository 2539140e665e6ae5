namespace AgentCost;

/// <summary>
/// Routes every model call the method makes to a tier of models chosen for the difficulty of its prompt: the parameter
/// marked <see cref="PromptAttribute"/>, else its only <see cref="string"/> or chat-message-list parameter. The
/// routing layer (<c>UseAgentCostRouting()</c>) sets the model of each call inside the method.
/// </summary>
/// <remarks>
/// <para>The generated interceptor of every call site opens the route around the call (after the token budget and the
/// task, before the result cache), with the prompt argument; the tier is decided at the method's first model call and
/// kept for the rest of it. A cache hit opens and closes the route and decides nothing.</para>
/// <para>A method with no prompt parameter is routed by its first model call's user messages. Two candidate parameters
/// and no <see cref="PromptAttribute"/> is an error (COST009). Code that cannot use the generator opens the same route
/// by hand with <see cref="Routing.ModelRouting.Begin(string, Routing.ModelRoutePolicy, string?)"/>.</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class RouteModelAttribute : Attribute
{
    /// <summary>A fixed tier: no classification.</summary>
    public string? Tier { get; set; }

    /// <summary>The weakest tier the classifier may choose.</summary>
    public string? MinTier { get; set; }

    /// <summary>The strongest tier the classifier may choose.</summary>
    public string? MaxTier { get; set; }
}

/// <summary>
/// Marks the parameter <see cref="RouteModelAttribute"/> classifies: a <see cref="string"/> or a sequence of
/// <c>Microsoft.Extensions.AI.ChatMessage</c> (whose user messages are classified); and the one
/// <see cref="SemanticCachedAttribute"/> compares by meaning, which must be a <see cref="string"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class PromptAttribute : Attribute
{
}
