using AgentCost.Interception;

namespace AgentCost.Caching;

/// <summary>The original method, in whichever of its three shapes it was declared.</summary>
internal readonly struct MethodBody<TArgs, TResult>
{
    private readonly Func<TArgs, TResult>? _sync;
    private readonly Func<TArgs, Task<TResult>>? _task;
    private readonly Func<TArgs, ValueTask<TResult>>? _valueTask;

    public MethodBody(Func<TArgs, TResult> sync) => _sync = sync;

    public MethodBody(Func<TArgs, Task<TResult>> task) => _task = task;

    public MethodBody(Func<TArgs, ValueTask<TResult>> valueTask) => _valueTask = valueTask;

    /// <summary>Runs the method as the current agent method (<see cref="AgentCallContext"/>), for the spend it causes.</summary>
    public ValueTask<TResult> RunAsync(TArgs args, AgentMethod method)
    {
        // The method's own flow keeps the context across its awaits; the caller's is restored when it returns.
        var previous = AgentCallContext.Enter(method);
        try
        {
            return RunAsync(args);
        }
        finally
        {
            AgentCallContext.Exit(method, previous);
        }
    }

    public ValueTask<TResult> RunAsync(TArgs args)
    {
        if (_sync is not null)
        {
            return new ValueTask<TResult>(_sync(args));
        }

        return _task is not null ? new ValueTask<TResult>(_task(args)) : _valueTask!(args);
    }
}
