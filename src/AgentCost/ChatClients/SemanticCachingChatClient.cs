using System.Runtime.CompilerServices;
using System.Text.Json;
using AgentCost.Caching;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace AgentCost.ChatClients;

/// <summary>
/// A chat client middleware that answers a question from an earlier answer to a question close enough to it — by
/// embedding, inside exact partitions, and only after a guard agreed — and credits what the earlier call cost as saved.
/// Add it with <see cref="SemanticCachingChatClientBuilderExtensions.UseSemanticCache"/>, outside <c>UseAgentCost()</c>.
/// </summary>
/// <remarks>
/// <para>A request is looked up only when it is cacheable: <see cref="ChatOptions.Temperature"/> 0 or unset; nothing in
/// <see cref="ChatOptions.AdditionalProperties"/> but <see cref="BypassKey"/> (false); no
/// <see cref="ChatOptions.ConversationId"/>, continuation token, background responses or raw representation factory;
/// and a last message from the user with text only. Other requests go to the model untouched.</para>
/// <para>The last user message is matched by similarity; everything else must be equal: the model, the tenant
/// (<see cref="AgentCostContext"/>), every earlier message (system and developer messages included), the instructions,
/// the tools, the response format and the other settings. A hit in another partition is impossible, whatever the
/// similarity.</para>
/// <para>A response is kept only when it is text from the assistant that did not end in tool calls or a content filter.
/// It is kept as bytes and every hit gets its own copy. Streaming: a miss streams through and is kept once it
/// completed; a hit replays the cached response as updates.</para>
/// <para>The cache fails open: an embedder that fails is logged and the call goes to the model.</para>
/// </remarks>
public sealed class SemanticCachingChatClient : DelegatingChatClient
{
    /// <summary>
    /// The key in <see cref="ChatOptions.AdditionalProperties"/> that, set to <see langword="true"/>, sends a request to
    /// the model without looking it up or keeping its answer.
    /// </summary>
    public const string BypassKey = "agentcost.semantic_cache.bypass";

    private readonly SemanticCache _cache;
    private readonly AgentCostRuntime? _runtime;
    private ChatClientMetadata? _metadata;

    /// <summary>Wraps <paramref name="innerClient"/>.</summary>
    /// <param name="innerClient">The client that answers misses; its pipeline holds <c>UseAgentCost()</c>.</param>
    /// <param name="embeddingGenerator">Embeds the prompts.</param>
    /// <param name="options">The settings; <see langword="null"/> for the defaults. Read once, here.</param>
    /// <param name="runtime">The runtime whose spend monitor is credited and whose meter counts lookups; <see langword="null"/> for <see cref="AgentCostRuntime.Current"/>.</param>
    /// <param name="timeProvider">The clock of the entries' time to live; <see langword="null"/> for the system's.</param>
    /// <param name="logger">Where embedder failures and rejected candidates are logged.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public SemanticCachingChatClient(
        IChatClient innerClient,
        IEmbeddingGenerator<string, Embedding<float>> embeddingGenerator,
        SemanticCacheOptions? options = null,
        AgentCostRuntime? runtime = null,
        TimeProvider? timeProvider = null,
        ILogger<SemanticCachingChatClient>? logger = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(embeddingGenerator);
        _runtime = runtime;
        _cache = new SemanticCache(embeddingGenerator, options ?? new SemanticCacheOptions(), timeProvider, (runtime ?? AgentCostRuntime.Current).Metrics, logger);
    }

    /// <summary>What the cache has done so far: hits, misses, lookups the guard turned into misses, entries and bytes.</summary>
    public SemanticCacheStatistics Statistics => _cache.Statistics;

    /// <summary>Removes every cached answer.</summary>
    public void Clear() => _cache.Clear();

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        if (SemanticCacheRequest.SemanticPrompt(list, options) is not { } prompt)
        {
            return await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
        }

        var modelId = ModelIdOf(options);
        var lookup = await LookUpAsync(list, options, modelId, prompt, cancellationToken).ConfigureAwait(false);
        if (lookup.IsHit)
        {
            return Serve(lookup, modelId);
        }

        // What the miss costs is summed while it runs, for the hits it will serve.
        var capture = SpendCapture.Begin(out var previous);
        Task<ChatResponse> pending;
        try
        {
            pending = base.GetResponseAsync(list, options, cancellationToken);
        }
        finally
        {
            SpendCapture.End(capture, previous);
        }

        var response = await pending.ConfigureAwait(false);
        if (lookup.CanStore && SemanticCacheRequest.IsStorable(response))
        {
            _cache.Store(lookup, Serialize(response), capture.Units);
        }

        return response;
    }

    /// <inheritdoc />
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        return SemanticCacheRequest.SemanticPrompt(list, options) is { } prompt
            ? GetCachedStreamAsync(list, options, prompt, cancellationToken)
            : base.GetStreamingResponseAsync(list, options, cancellationToken);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _cache.Dispose();
        }

        base.Dispose(disposing);
    }

    private async IAsyncEnumerable<ChatResponseUpdate> GetCachedStreamAsync(
        IReadOnlyList<ChatMessage> messages, ChatOptions? options, string prompt, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var modelId = ModelIdOf(options);
        var lookup = await LookUpAsync(messages, options, modelId, prompt, cancellationToken).ConfigureAwait(false);
        if (lookup.IsHit)
        {
            foreach (var update in Serve(lookup, modelId).ToChatResponseUpdates())
            {
                yield return update;
            }

            yield break;
        }

        var capture = SpendCapture.Begin(out var previous);
        IAsyncEnumerator<ChatResponseUpdate> updates;
        try
        {
            updates = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        finally
        {
            SpendCapture.End(capture, previous);
        }

        var recorder = lookup.CanStore ? new StreamRecorder() : null;
        await using (updates.ConfigureAwait(false))
        {
            while (true)
            {
                // Each read runs in the capture: a layer inside may open a model call at any read (a fallback).
                SpendCapture.Resume(capture, out previous);
                bool more;
                try
                {
                    more = await updates.MoveNextAsync().ConfigureAwait(false);
                }
                finally
                {
                    SpendCapture.End(capture, previous);
                }

                if (!more)
                {
                    break;
                }

                recorder?.Add(updates.Current);
                yield return updates.Current;
            }
        }

        if (recorder?.ToResponse() is { } response && SemanticCacheRequest.IsStorable(response))
        {
            _cache.Store(lookup, Serialize(response), capture.Units);
        }
    }

    private ValueTask<SemanticCacheLookup> LookUpAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, string? modelId, string prompt, CancellationToken cancellationToken)
    {
        var partition = SemanticCacheRequest.Partition(messages, options, modelId, AgentCostContext.Current?.Tenant);
        return _cache.LookupAsync(partition, prompt, AgentCallContext.CurrentMethod?.DisplayName, cancellationToken);
    }

    private ChatResponse Serve(in SemanticCacheLookup hit, string? modelId)
    {
        var spending = (_runtime ?? AgentCostRuntime.Current).Spending;
        if (hit.MissCostUnits > 0 && spending.IsEnabled)
        {
            spending.CreditSemanticCacheHit(modelId, AgentCallContext.CurrentMethod?.DisplayName, hit.MissCostUnits);
        }

        return (ChatResponse)JsonSerializer.Deserialize(hit.Value.Span, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(ChatResponse)))!;
    }

    private string? ModelIdOf(ChatOptions? options)
    {
        if (options?.ModelId is { } modelId)
        {
            return modelId;
        }

        _metadata ??= InnerClient.GetService<ChatClientMetadata>() ?? new ChatClientMetadata();
        return _metadata.DefaultModelId;
    }

    // Only what answers the question: no usage (a hit uses nothing), ids or raw provider objects.
    private static byte[] Serialize(ChatResponse response)
    {
        var messages = new List<ChatMessage>(response.Messages.Count);
        foreach (var message in response.Messages)
        {
            messages.Add(new ChatMessage(message.Role, message.Contents) { AuthorName = message.AuthorName });
        }

        var kept = new ChatResponse(messages) { ModelId = response.ModelId, FinishReason = response.FinishReason };
        return JsonSerializer.SerializeToUtf8Bytes(kept, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(ChatResponse)));
    }

    /// <summary>
    /// Copies what a streamed answer says as it passes, so that a consumer changing the updates it gets cannot change
    /// what is cached; stops copying at the first content that makes the answer not storable.
    /// </summary>
    private sealed class StreamRecorder
    {
        private readonly List<ChatResponseUpdate> _updates = [];
        private bool _storable = true;

        public void Add(ChatResponseUpdate update)
        {
            if (!_storable)
            {
                return;
            }

            var contents = new List<AIContent>(update.Contents.Count);
            foreach (var content in update.Contents)
            {
                switch (content)
                {
                    case TextContent text:
                        contents.Add(new TextContent(text.Text));
                        break;
                    case UsageContent:
                        break;
                    default:
                        _storable = false;
                        _updates.Clear();
                        return;
                }
            }

            _updates.Add(new ChatResponseUpdate(update.Role, contents)
            {
                AuthorName = update.AuthorName,
                MessageId = update.MessageId,
                FinishReason = update.FinishReason,
                ModelId = update.ModelId,
            });
        }

        public ChatResponse? ToResponse() => _storable ? _updates.ToChatResponse() : null;
    }
}
