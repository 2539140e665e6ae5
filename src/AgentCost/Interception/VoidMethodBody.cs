using System.Runtime.CompilerServices;

namespace AgentCost.Interception;

/// <summary>An asynchronous original method with no result, returning <see cref="Task"/> or <see cref="ValueTask"/>: one shape for the scopes to await.</summary>
internal readonly struct VoidMethodBody<TArgs>
{
    private readonly Delegate _body;
    private readonly bool _isTask;

    public VoidMethodBody(Func<TArgs, Task> task) => (_body, _isTask) = (task, true);

    public VoidMethodBody(Func<TArgs, ValueTask> valueTask) => (_body, _isTask) = (valueTask, false);

    public ValueTask RunAsync(TArgs args) => _isTask
        ? new ValueTask(Unsafe.As<Func<TArgs, Task>>(_body)(args))
        : Unsafe.As<Func<TArgs, ValueTask>>(_body)(args);
}
