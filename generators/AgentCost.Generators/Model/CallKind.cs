namespace AgentCost.Generators.Model;

/// <summary>How the intercepted method receives its first value, which shapes the interceptor's signature.</summary>
internal enum CallKind
{
    /// <summary>A static method: the interceptor has the same parameters.</summary>
    Static,

    /// <summary>An instance method: the interceptor takes the receiver as a <c>this</c> parameter first.</summary>
    Instance,

    /// <summary>An extension method, called either way: the interceptor has its parameters, the first one <c>this</c>.</summary>
    Extension,
}
