namespace AgentCost;

/// <summary>
/// Routes every model call the method makes to a tier of models chosen for the difficulty of its prompt: the parameter
/// marked <see cref="PromptAttribute"/>, else its only <see cref="string"/> or chat-message-list parameter. The
/// routing layer (<c>UseAgentCostRouting()</c>) sets the model of each call inside the method.
/// </summary>
/// <remarks>
/// The runtime entry point is <see cref="Routing.ModelRouting.Begin(string, Routing.ModelRoutePolicy, string?)"/>.
/// The interceptor generator does not call it yet: until it does, open the scope by hand.
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

/// <summary>Marks the parameter <see cref="RouteModelAttribute"/> classifies.</summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class PromptAttribute : Attribute
{
}
