using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AgentCost.Caching;
using AgentCost.Spending;
using Microsoft.Extensions.Logging;

namespace AgentCost.Interception;

/// <summary>
/// Serves <see cref="SemanticCachedAttribute"/> methods: the prompt argument is looked up by meaning in the runtime's
/// semantic cache, in a partition made of the method's identity, the exact key of its other arguments and the tenant;
/// a miss runs the method in its context and stores its result, serialised, with what its model calls cost.
/// </summary>
/// <remarks>
/// <para>Without an embedder (none registered with the host, or a runtime made by <see cref="AgentCostRuntime.Create"/>),
/// a warning is logged once and the method is cached exactly, through the result cache, with the whole prompt text as
/// one more key argument: it stays cached, only paraphrases miss.</para>
/// <para>Exceptions are never cached. A result that cannot be serialised or read back is logged and not served from the
/// cache: the method runs instead.</para>
/// </remarks>
internal sealed partial class SemanticMethodCache : IDisposable
{
    private readonly SemanticCache? _store;
    private readonly ResultCache _exact;
    private readonly SpendMonitor _spending;
    private readonly JsonSerializerOptions _json;
    private readonly SemanticCacheOptions _options;
    private readonly ILogger _logger;
    private int _warnedNoEmbedder;

    /// <summary>Creates the method layer of the semantic cache.</summary>
    /// <param name="store">The semantic cache, or <see langword="null"/> when there is no embedder.</param>
    /// <param name="options">The settings of <c>AgentCost:SemanticCache</c>, validated.</param>
    /// <param name="exact">The result cache: the partition's key is its key, and without an embedder it caches the calls.</param>
    /// <param name="spending">Credited with what a hit saved.</param>
    /// <param name="json">How results are serialised.</param>
    /// <param name="logger">Where a missing embedder and unreadable results are logged.</param>
    public SemanticMethodCache(SemanticCache? store, SemanticCacheOptions options, ResultCache exact, SpendMonitor spending, JsonSerializerOptions json, ILogger logger)
    {
        _store = store;
        _options = options;
        _exact = exact;
        _spending = spending;
        _json = json;
        _logger = logger;
    }

    /// <summary>Whether prompts are compared by meaning: an embedder is registered.</summary>
    public bool IsSemantic => _store is not null;

    /// <summary>Serves a call from the semantic cache, or runs the method and caches its result.</summary>
    public ValueTask<TResult> GetOrCreateAsync<TArgs, TResult>(
        AgentMethod method, TArgs args, CacheKeyWriter<TArgs>? writeKey, MethodBody<TArgs, TResult> body, CancellationToken cancellationToken)
    {
        var policy = method.SemanticCache!;
        var identity = method.SemanticIdentity!;
        var tenant = AgentCostContext.Current?.Tenant;
        var prompt = policy.GetPrompt(args);
        if (_store is null)
        {
            WarnNoEmbedder(method);
            var exactCall = new ExactCall<TArgs, TResult>(method, args, writeKey, body, prompt);
            return _exact.GetOrCreateAsync<ExactCall<TArgs, TResult>, TResult>(identity, tenant, in exactCall, cancellationToken);
        }

        // Settings the attribute gets wrong fail the call here, naming the method, as [Cached] does.
        var threshold = policy.GetThreshold(_options.Threshold, method.DisplayName);
        var timeToLive = CachedMethod.TimeToLive(policy.TtlSeconds, _options.TimeToLive, method.DisplayName);
        if (string.IsNullOrEmpty(prompt))
        {
            // Nothing to compare by meaning: the call runs, uncached.
            return RunAsync(method, args, body, cancellationToken);
        }

        var call = new InterceptedCall<TArgs, TResult>(method, args, writeKey, body);
        var partition = _exact.CreateKey(identity, tenant, in call);
        return LookUpOrRunAsync(method, args, body, _store, partition, prompt, threshold, timeToLive, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => _store?.Dispose();

    private async ValueTask<TResult> LookUpOrRunAsync<TArgs, TResult>(
        AgentMethod method,
        TArgs args,
        MethodBody<TArgs, TResult> body,
        SemanticCache store,
        string partition,
        string prompt,
        float threshold,
        TimeSpan timeToLive,
        CancellationToken cancellationToken)
    {
        var lookup = await store.LookupAsync(partition, prompt, method.DisplayName, threshold, cancellationToken).ConfigureAwait(false);
        var typeInfo = (JsonTypeInfo<TResult>)_json.GetTypeInfo(typeof(TResult));
        if (lookup.IsHit)
        {
            try
            {
                var cached = JsonSerializer.Deserialize(lookup.Value.Span, typeInfo);
                if (lookup.MissCostUnits > 0)
                {
                    _spending.CreditSemanticCacheHit(model: null, method.DisplayName, lookup.MissCostUnits);
                }

                return cached!;
            }
            catch (JsonException exception)
            {
                // An entry of an earlier shape of the result type: the method answers, and its new result replaces it.
                Log.UnreadableResult(_logger, exception, method.DisplayName);
            }
        }

        var capture = SpendCapture.Begin(out var previous);
        ValueTask<TResult> pending;
        try
        {
            using (AgentCallScope.EnterMethod(method))
            {
                pending = body.RunAsync(args, cancellationToken);
            }
        }
        finally
        {
            SpendCapture.End(capture, previous);
        }

        var result = await pending.ConfigureAwait(false);
        if (lookup.CanStore)
        {
            byte[] value;
            try
            {
                value = JsonSerializer.SerializeToUtf8Bytes(result, typeInfo);
            }
            catch (Exception exception) when (exception is JsonException or NotSupportedException)
            {
                Log.UnserialisableResult(_logger, exception, method.DisplayName);
                return result;
            }

            store.Store(in lookup, value, capture.Units, timeToLive);
        }

        return result;
    }

    private static ValueTask<TResult> RunAsync<TArgs, TResult>(AgentMethod method, TArgs args, MethodBody<TArgs, TResult> body, CancellationToken cancellationToken)
    {
        using (AgentCallScope.EnterMethod(method))
        {
            return body.RunAsync(args, cancellationToken);
        }
    }

    private void WarnNoEmbedder(AgentMethod method)
    {
        if (Volatile.Read(ref _warnedNoEmbedder) == 0 && Interlocked.Exchange(ref _warnedNoEmbedder, 1) == 0)
        {
            Log.NoEmbedder(_logger, method.DisplayName);
        }
    }

    /// <summary>
    /// A call of a semantically cached method cached exactly, for want of an embedder: its key is the method's semantic
    /// identity, the other key arguments and then the whole prompt text.
    /// </summary>
    private readonly struct ExactCall<TArgs, TResult>(AgentMethod method, TArgs args, CacheKeyWriter<TArgs>? writeKey, MethodBody<TArgs, TResult> body, string? prompt)
        : ICachedCall<TResult>
    {
        private readonly InterceptedCall<TArgs, TResult> _call = new(method, args, writeKey, body);

        public void WriteKey(ref CacheKeyBuilder key)
        {
            _call.WriteKey(ref key);
            key.Add(prompt, "prompt");
        }

        public ValueTask<TResult> RunAsync(CancellationToken cancellationToken) => _call.RunAsync(cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1301, Level = LogLevel.Warning,
            Message = "[SemanticCached] method '{Method}' is cached exactly, by its whole prompt: no IEmbeddingGenerator<string, Embedding<float>> is registered, so prompts cannot be compared by meaning. Register one (for example AgentCost.Embeddings.MiniLM's MiniLmEmbeddingGenerator) before AddAgentCost's runtime is built.")]
        public static partial void NoEmbedder(ILogger logger, string method);

        [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "A semantic cache entry of '{Method}' could not be read as its result type; the method runs instead.")]
        public static partial void UnreadableResult(ILogger logger, Exception exception, string method);

        [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "The result of '{Method}' could not be serialised, so it is not kept in the semantic cache.")]
        public static partial void UnserialisableResult(ILogger logger, Exception exception, string method);
    }
}
