namespace AgentCost.Generators;

/// <summary>The names of the pipeline steps, which tests use to assert how each step ran.</summary>
internal static class TrackingNames
{
    /// <summary>Every invocation, parsed: a call site model, or null when the call is not intercepted.</summary>
    public const string Invocations = nameof(Invocations);

    /// <summary>The call sites that are intercepted.</summary>
    public const string CallSites = nameof(CallSites);

    /// <summary>All call sites of the compilation, collected.</summary>
    public const string AllCallSites = nameof(AllCallSites);

    /// <summary>The descriptors and interceptors the file holds.</summary>
    public const string Interceptors = nameof(Interceptors);

    /// <summary>Every <c>[AgentTool]</c> method, parsed: a tool model, or null when no tool function can be generated for it.</summary>
    public const string ToolMethods = nameof(ToolMethods);

    /// <summary>The tools grouped by declaring type: one generated class each.</summary>
    public const string ToolTypes = nameof(ToolTypes);
}
