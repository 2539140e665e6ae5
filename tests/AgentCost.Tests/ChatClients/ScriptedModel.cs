using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using AgentCost.Tokens;
using Microsoft.Extensions.AI;

namespace AgentCost.Tests.ChatClients;

/// <summary>
/// A model that behaves like a provider where budgets are concerned: it counts the prompt as the provider would,
/// honours <see cref="ChatOptions.MaxOutputTokens"/> and reports usage. What it says is scripted per call.
/// </summary>
internal sealed class ScriptedModel(string modelId = "gpt-4o-mini") : IChatClient
{
    private long _reportedTokens;
    private int _calls;

    public TokenCounter Counter { get; } = TokenCounter.ForModel(modelId);

    /// <summary>How many tokens the model would like to answer on call n (0-based); the output limit still applies.</summary>
    public Func<int, int> AnswerTokens { get; set; } = static _ => 50;

    /// <summary>Replaces the plain text answer on call n, for tool calls; <see langword="null"/> keeps the text answer.</summary>
    public Func<int, IList<ChatMessage>, ChatMessage?>? Reply { get; set; }

    public bool ReportUsage { get; set; } = true;

    public int CachedInputTokens { get; set; }

    public int ReasoningTokens { get; set; }

    public Exception? Failure { get; set; }

    /// <summary>Makes every call wait, to keep calls in flight together.</summary>
    public TimeSpan Delay { get; set; }

    public ConcurrentQueue<(List<ChatMessage> Messages, ChatOptions? Options)> Requests { get; } = new();

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>All the input and output tokens this model reported (or would have).</summary>
    public long ReportedTokens => Interlocked.Read(ref _reportedTokens);

    public static string Words(int count) => string.Concat(Enumerable.Repeat(" data", count));

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (reply, usage) = await AnswerAsync(messages, options, cancellationToken);
        return new ChatResponse(reply) { Usage = ReportUsage ? usage : null, ModelId = modelId };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (reply, usage) = await AnswerAsync(messages, options, cancellationToken);
        foreach (var content in reply.Contents)
        {
            if (content is TextContent text)
            {
                // One update per word, as a provider streams.
                foreach (var word in text.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    yield return new ChatResponseUpdate(ChatRole.Assistant, " " + word);
                }
            }
            else
            {
                yield return new ChatResponseUpdate(ChatRole.Assistant, [content]);
            }
        }

        if (ReportUsage)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(usage)]);
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
        => serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("scripted", null, modelId) : null;

    public void Dispose()
    {
    }

    private async Task<(ChatMessage Reply, UsageDetails Usage)> AnswerAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls) - 1;
        var list = messages.ToList();
        Requests.Enqueue((list, options));
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (Failure is not null)
        {
            throw Failure;
        }

        var reply = Reply?.Invoke(call, list)
            ?? new ChatMessage(ChatRole.Assistant, Words(Math.Min(AnswerTokens(call), options?.MaxOutputTokens ?? int.MaxValue)));
        var input = Counter.CountRequest(list, options);
        var output = Counter.CountOutput([reply]);
        Interlocked.Add(ref _reportedTokens, input + output);
        var usage = new UsageDetails
        {
            InputTokenCount = input,
            OutputTokenCount = output,
            TotalTokenCount = input + output,
            CachedInputTokenCount = CachedInputTokens,
            ReasoningTokenCount = ReasoningTokens,
        };
        return (reply, usage);
    }
}
