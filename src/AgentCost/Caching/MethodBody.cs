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

    public ValueTask<TResult> RunAsync(TArgs args)
    {
        if (_sync is not null)
        {
            return new ValueTask<TResult>(_sync(args));
        }

        return _task is not null ? new ValueTask<TResult>(_task(args)) : _valueTask!(args);
    }
}
