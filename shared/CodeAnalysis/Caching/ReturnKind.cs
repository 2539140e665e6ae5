namespace AgentCost.CodeAnalysis;

/// <summary>Which runtime entry point serves the method.</summary>
internal enum ReturnKind
{
    /// <summary>A plain result <c>T</c>: <c>AgentMethodInvoker.Invoke</c>.</summary>
    Value,

    /// <summary><c>Task&lt;T&gt;</c>: <c>AgentMethodInvoker.InvokeAsync</c>.</summary>
    Task,

    /// <summary><c>ValueTask&lt;T&gt;</c>: <c>AgentMethodInvoker.InvokeValueTaskAsync</c>.</summary>
    ValueTask,

    /// <summary>No result (<c>void</c>): <c>AgentMethodInvoker.InvokeVoid</c>. Only for methods that are not cached.</summary>
    Void,

    /// <summary>A non-generic <c>Task</c>: <c>AgentMethodInvoker.InvokeTaskAsync</c>. Only for methods that are not cached.</summary>
    TaskVoid,

    /// <summary>A non-generic <c>ValueTask</c>: <c>AgentMethodInvoker.InvokeValueTaskAsync</c>. Only for methods that are not cached.</summary>
    ValueTaskVoid,
}

internal static class ReturnKindExtensions
{
    /// <summary>Whether the method returns a result that can be cached and marshalled.</summary>
    public static bool HasResult(this ReturnKind kind) => kind is ReturnKind.Value or ReturnKind.Task or ReturnKind.ValueTask;
}
