using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace AgentCost.Tests.ChatClients;

/// <summary>
/// A provider whose usage report is whatever the test says, honest or not: for tests of what the call layer does with
/// hostile requests and lying providers. Streams <see cref="StreamedUpdates"/> one-word updates, then the report.
/// </summary>
internal sealed class ReportingModel(string modelId = "gpt-4o") : IChatClient
{
    private int _calls;

    /// <summary>The usage reported for a request; <see langword="null"/> reports none.</summary>
    public Func<ChatOptions?, UsageDetails?> Usage { get; set; } = static options => new UsageDetails
    {
        InputTokenCount = 10,
        OutputTokenCount = Math.Min(2_000, options?.MaxOutputTokens ?? 2_000),
    };

    /// <summary>A request this returns <see langword="true"/> for waits for <see cref="Gate"/> before it answers.</summary>
    public Func<ChatOptions?, bool> Held { get; set; } = static _ => false;

    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a held request has arrived.</summary>
    public TaskCompletionSource HeldArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int StreamedUpdates { get; set; } = 5;

    public ConcurrentQueue<ChatOptions?> Requests { get; } = new();

    public int Calls => Volatile.Read(ref _calls);

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        await ArriveAsync(options, cancellationToken);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")) { Usage = Usage(options), ModelId = modelId };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await ArriveAsync(options, cancellationToken);
        for (var i = 0; i < StreamedUpdates; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new ChatResponseUpdate(ChatRole.Assistant, " word") { ModelId = modelId };
        }

        if (Usage(options) is { } usage)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(usage)]);
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
        => serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("reporting", null, modelId) : null;

    public void Dispose()
    {
    }

    private async Task ArriveAsync(ChatOptions? options, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        Requests.Enqueue(options);
        if (Held(options))
        {
            HeldArrived.TrySetResult();
            await Gate.Task.WaitAsync(cancellationToken);
        }
    }
}
