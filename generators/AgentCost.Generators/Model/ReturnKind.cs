namespace AgentCost.Generators.Model;

/// <summary>Which runtime entry point serves the method.</summary>
internal enum ReturnKind
{
    /// <summary>A plain result <c>T</c>: <c>AgentMethodInvoker.Invoke</c>.</summary>
    Value,

    /// <summary><c>Task&lt;T&gt;</c>: <c>AgentMethodInvoker.InvokeAsync</c>.</summary>
    Task,

    /// <summary><c>ValueTask&lt;T&gt;</c>: <c>AgentMethodInvoker.InvokeValueTaskAsync</c>.</summary>
    ValueTask,
}
