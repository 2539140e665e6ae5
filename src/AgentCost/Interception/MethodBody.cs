using System.Runtime.CompilerServices;

namespace AgentCost.Interception;

/// <summary>
/// The original method, in whichever of its three shapes it was declared, with or without the token the run is given
/// (a method with a <see cref="CancellationToken"/> parameter takes it there).
/// </summary>
/// <remarks>
/// A body that takes a token is given the token of the run, not the caller's: for a cache miss that several callers
/// wait for, that is the cache's shared token, cancelled only when every one of them has cancelled.
/// </remarks>
internal readonly struct MethodBody<TArgs, TResult>
{
    // One field and a shape rather than a field per shape: the body is copied into every cache invocation.
    private readonly Delegate _body;
    private readonly Shape _shape;

    public MethodBody(Func<TArgs, TResult> sync) => (_body, _shape) = (sync, Shape.Sync);

    public MethodBody(Func<TArgs, Task<TResult>> task) => (_body, _shape) = (task, Shape.Task);

    public MethodBody(Func<TArgs, ValueTask<TResult>> valueTask) => (_body, _shape) = (valueTask, Shape.ValueTask);

    public MethodBody(Func<TArgs, CancellationToken, TResult> sync) => (_body, _shape) = (sync, Shape.SyncWithToken);

    public MethodBody(Func<TArgs, CancellationToken, Task<TResult>> task) => (_body, _shape) = (task, Shape.TaskWithToken);

    public MethodBody(Func<TArgs, CancellationToken, ValueTask<TResult>> valueTask) => (_body, _shape) = (valueTask, Shape.ValueTaskWithToken);

    private enum Shape : byte
    {
        Sync,
        Task,
        ValueTask,
        SyncWithToken,
        TaskWithToken,
        ValueTaskWithToken,
    }

    /// <summary>Runs the method; a body that takes a token is given <paramref name="cancellationToken"/>.</summary>
    public ValueTask<TResult> RunAsync(TArgs args, CancellationToken cancellationToken) => _shape switch
    {
        Shape.Sync => new ValueTask<TResult>(Unsafe.As<Func<TArgs, TResult>>(_body)(args)),
        Shape.Task => new ValueTask<TResult>(Unsafe.As<Func<TArgs, Task<TResult>>>(_body)(args)),
        Shape.ValueTask => Unsafe.As<Func<TArgs, ValueTask<TResult>>>(_body)(args),
        Shape.SyncWithToken => new ValueTask<TResult>(Unsafe.As<Func<TArgs, CancellationToken, TResult>>(_body)(args, cancellationToken)),
        Shape.TaskWithToken => new ValueTask<TResult>(Unsafe.As<Func<TArgs, CancellationToken, Task<TResult>>>(_body)(args, cancellationToken)),
        _ => Unsafe.As<Func<TArgs, CancellationToken, ValueTask<TResult>>>(_body)(args, cancellationToken),
    };
}
