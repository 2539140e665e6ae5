using AgentCost.Caching;

namespace AgentCost.Interception;

/// <summary>
/// An intercepted call of a cached method, as the result cache takes it: the generated key writer over the packed
/// arguments, and the original method run as the current agent method (<see cref="AgentCallContext"/>) when the key
/// misses, so that its model calls are charged to it. A hit runs nothing and so sets no context.
/// </summary>
internal readonly struct InterceptedCall<TArgs, TResult> : ICachedCall<TResult>
{
    private readonly AgentMethod _method;
    private readonly TArgs _args;
    private readonly CacheKeyWriter<TArgs>? _writeKey;
    private readonly MethodBody<TArgs, TResult> _body;

    public InterceptedCall(AgentMethod method, TArgs args, CacheKeyWriter<TArgs>? writeKey, MethodBody<TArgs, TResult> body)
    {
        _method = method;
        _args = args;
        _writeKey = writeKey;
        _body = body;
    }

    public void WriteKey(ref CacheKeyBuilder key) => _writeKey?.Invoke(ref key, in _args);

    public ValueTask<TResult> RunAsync(CancellationToken cancellationToken)
    {
        using (AgentCallScope.EnterMethod(_method))
        {
            return _body.RunAsync(_args, cancellationToken);
        }
    }
}
