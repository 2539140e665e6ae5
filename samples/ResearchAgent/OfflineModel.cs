using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace ResearchAgent;

/// <summary>
/// A deterministic, offline stand-in for a chat model that uses tools. Given a question, it calls the search tool once
/// per topic of the question (its content words, two at a time); given the tool results, it answers with the two
/// findings that share the most words with the question. Replace it with a real <see cref="IChatClient"/> (for example
/// the OpenAI client's <c>AsIChatClient()</c>) to run the agent against a provider.
/// </summary>
public sealed class OfflineModel : IChatClient
{
    private static readonly HashSet<string> s_stopWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "how", "does", "do", "a", "an", "the", "what", "why", "would", "for", "from", "need", "against", "to", "of",
        "save", "protect", "differ", "agent", "agent's", "money",
    };

    private int _calls;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var history = messages.ToList();
        var question = history.Last(message => message.Role == ChatRole.User).Text;
        var sinceQuestion = history.SkipWhile(message => message.Role != ChatRole.User || message.Text != question).ToList();
        var findings = sinceQuestion.SelectMany(message => message.Contents).OfType<FunctionResultContent>().Select(result => Text(result.Result)).ToList();

        // A synthesis request carries its findings as notes after a "Notes:" line instead of tool results.
        var notesAt = question.IndexOf("\nNotes:\n", StringComparison.Ordinal);
        if (notesAt >= 0)
        {
            findings.AddRange(question[(notesAt + "\nNotes:\n".Length)..].Split('\n', StringSplitOptions.RemoveEmptyEntries));
            question = question[..notesAt];
        }
        var search = options?.Tools?.OfType<AIFunctionDeclaration>().FirstOrDefault(tool => tool.Name == "Search");

        ChatMessage reply;
        if (findings.Count == 0 && search is not null)
        {
            // First turn: one search per topic, all requested at once.
            reply = new ChatMessage(ChatRole.Assistant, Topics(question)
                .Select(topic => (AIContent)new FunctionCallContent(
                    $"call_{Interlocked.Increment(ref _calls)}", search.Name, new Dictionary<string, object?> { ["query"] = topic }))
                .ToList());
        }
        else
        {
            var questionWords = question.Split([' ', '?'], StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
            reply = new ChatMessage(ChatRole.Assistant, string.Join(' ', findings
                .Distinct(StringComparer.Ordinal)
                .OrderByDescending(finding => finding.Split(' ').Count(questionWords.Contains))
                .Take(2)));
        }

        var response = new ChatResponse(reply)
        {
            ModelId = "offline-extractive",
            Usage = new UsageDetails { InputTokenCount = history.Sum(m => WordCount(m.Text)), OutputTokenCount = WordCount(reply.Text) },
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

    // Topics are the question's content words, two at a time ("result cache", "token budget", ...).
    private static IEnumerable<string> Topics(string question)
    {
        var words = question
            .Split([' ', '?', ',', '.'], StringSplitOptions.RemoveEmptyEntries)
            .Where(word => !s_stopWords.Contains(word))
            .Select(word => word.ToLowerInvariant())
            .ToArray();
        for (var i = 0; i + 1 < words.Length; i += 2)
        {
            yield return words[i] + " " + words[i + 1];
        }

        if (words.Length % 2 == 1)
        {
            yield return words[^1];
        }
    }

    // Tool results arrive as the JSON the tool function wrote: a JSON string for a string result.
    private static string Text(object? result) => result switch
    {
        JsonElement { ValueKind: JsonValueKind.String } element => element.GetString()!,
        null => string.Empty,
        _ => result.ToString()!,
    };

    private static int WordCount(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
}
