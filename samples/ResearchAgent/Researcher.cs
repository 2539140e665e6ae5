using Microsoft.Extensions.AI;

namespace ResearchAgent;

/// <summary>Breaks a question into topics, searches the library for each, and asks the model to answer from the findings.</summary>
public sealed class Researcher(ResearchTools tools, IChatClient model)
{
    private static readonly HashSet<string> s_stopWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "how", "does", "do", "a", "an", "the", "what", "why", "would", "for", "from", "need", "against", "to", "of",
        "save", "protect", "differ", "agent", "agent's", "money",
    };

    public async Task<string> AnswerAsync(string question, CancellationToken cancellationToken = default)
    {
        var findings = new List<string>();
        foreach (var topic in Topics(question))
        {
            tools.RecordSearchCall();

            // SearchAsync is [Cached]: the generated interceptor serves a topic searched before from the cache.
            var found = await tools.SearchAsync(topic, cancellationToken);
            findings.Add($"[{topic}] {found}");
        }

        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, "Answer the question in one or two sentences using only the findings."),
            new(ChatRole.User, $"Question: {question}\nFindings:\n{string.Join('\n', findings)}"),
        };
        var response = await model.GetResponseAsync(messages, cancellationToken: cancellationToken);
        return response.Text;
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
}
