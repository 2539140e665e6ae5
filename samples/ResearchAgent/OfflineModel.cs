using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace ResearchAgent;

/// <summary>
/// A deterministic, offline stand-in for a chat model: it answers with the findings in the prompt that share the most
/// words with the question. Replace it with a real <see cref="IChatClient"/> (for example the OpenAI client's
/// <c>AsIChatClient()</c>) to run the agent against a provider.
/// </summary>
public sealed class OfflineModel : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var prompt = messages.Last(message => message.Role == ChatRole.User).Text;
        var lines = prompt.Split('\n');
        var question = lines[0].Replace("Question:", string.Empty, StringComparison.Ordinal).Trim();
        var questionWords = question.Split([' ', '?'], StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var answer = string.Join(' ', lines
            .Skip(2)
            .Select(line => line[(line.IndexOf(']', StringComparison.Ordinal) + 1)..].Trim())
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(finding => finding.Split(' ').Count(questionWords.Contains))
            .Take(2));
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, answer))
        {
            ModelId = "offline-extractive",
            Usage = new UsageDetails { InputTokenCount = WordCount(prompt), OutputTokenCount = WordCount(answer) },
        };
        return Task.FromResult(response);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    private static int WordCount(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
}
