using AgentCost.Tokens;
using Microsoft.Extensions.AI;

namespace AgentCost.ChatClients;

/// <summary>
/// The <see cref="BudgetOverflowPolicy.TrimOldest"/> policy: shortens a conversation until its prompt fits.
/// </summary>
/// <remarks>
/// System messages are always kept. The other messages are dropped a turn at a time, oldest first, where a turn is a
/// message together with the tool results that follow it (a provider rejects a tool result whose call is gone). The
/// latest turn is never dropped: when only it is left, its text and tool results are truncated instead.
/// </remarks>
internal static class PromptTrimmer
{
    /// <summary>Returns a shortened copy of <paramref name="messages"/> whose prompt takes at most <paramref name="maxPromptTokens"/>, or <see langword="null"/>.</summary>
    public static List<ChatMessage>? Trim(
        IList<ChatMessage> messages, ChatOptions? options, TokenCounter counter, long maxPromptTokens, out int promptTokens, out int droppedMessages)
    {
        var working = new List<ChatMessage>(messages);
        var counts = new List<int>(working.Count);
        var total = counter.CountRequest([], options);
        foreach (var message in working)
        {
            var tokens = counter.CountMessage(message);
            counts.Add(tokens);
            total += tokens;
        }

        droppedMessages = 0;
        while (total > maxPromptTokens)
        {
            var start = NextTurn(working, 0);
            var end = start < 0 ? -1 : EndOfTurn(working, start);
            if (start < 0 || NextTurn(working, end) < 0)
            {
                break;
            }

            for (var i = end - 1; i >= start; i--)
            {
                total -= counts[i];
                working.RemoveAt(i);
                counts.RemoveAt(i);
                droppedMessages++;
            }
        }

        for (var i = 0; i < working.Count && total > maxPromptTokens; i++)
        {
            if (working[i].Role == ChatRole.System)
            {
                continue;
            }

            var shortened = Shorten(working[i], counter, total - maxPromptTokens);
            if (shortened is not null)
            {
                var tokens = counter.CountMessage(shortened);
                total += tokens - counts[i];
                working[i] = shortened;
                counts[i] = tokens;
            }
        }

        promptTokens = total;
        return total <= maxPromptTokens ? working : null;
    }

    // The first non-system message at or after from that starts a turn; -1 when there is none.
    private static int NextTurn(List<ChatMessage> messages, int from)
    {
        for (var i = from; i < messages.Count; i++)
        {
            if (messages[i].Role != ChatRole.System)
            {
                return i;
            }
        }

        return -1;
    }

    private static int EndOfTurn(List<ChatMessage> messages, int start)
    {
        var end = start + 1;
        while (end < messages.Count && messages[end].Role == ChatRole.Tool)
        {
            end++;
        }

        return end;
    }

    // Truncates the message's largest texts until excess tokens are gone (or nothing is left to cut).
    private static ChatMessage? Shorten(ChatMessage message, TokenCounter counter, long excess)
    {
        var contents = new List<AIContent>(message.Contents);
        var candidates = Enumerable.Range(0, contents.Count)
            .Select(index => (Index: index, Text: TextOf(contents[index])))
            .Where(static candidate => !string.IsNullOrEmpty(candidate.Text))
            .Select(candidate => (candidate.Index, candidate.Text, Tokens: counter.CountTokens(candidate.Text)))
            .OrderByDescending(static candidate => candidate.Tokens)
            .ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        foreach (var (index, text, tokens) in candidates)
        {
            if (excess <= 0)
            {
                break;
            }

            var truncated = counter.Truncate(text!, (int)Math.Max(0, tokens - excess));
            excess -= tokens - counter.CountTokens(truncated);
            contents[index] = contents[index] is FunctionResultContent result
                ? new FunctionResultContent(result.CallId, truncated)
                : new TextContent(truncated);
        }

        return new ChatMessage(message.Role, contents)
        {
            AuthorName = message.AuthorName,
            MessageId = message.MessageId,
            CreatedAt = message.CreatedAt,
            AdditionalProperties = message.AdditionalProperties,
        };
    }

    private static string? TextOf(AIContent content) => content switch
    {
        TextContent text => text.Text,
        FunctionResultContent { Result: string result } => result,
        _ => null,
    };
}
