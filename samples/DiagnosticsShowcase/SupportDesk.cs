using AgentCost;
using Microsoft.Extensions.AI;

namespace DiagnosticsShowcase;

/// <summary>
/// COST009, COST010 and COST011: [RouteModel] methods whose prompt the route cannot tell, a [Prompt] nothing reads, and
/// a [SemanticCached] method with no text to compare by meaning.
/// </summary>
public sealed class SupportDesk(IChatClient chat)
{
    // COST009: two prompt parameters and no [Prompt]: is the question or the customer's notes what decides the model?
    // Fix: mark the question [Prompt].
    [RouteModel(MaxTier = "complex")]
    public async Task<string> AnswerAsync(string question, string customerNotes)
        => (await chat.GetResponseAsync($"{customerNotes}\n\nQuestion: {question}")).Text;

    // COST010: [Prompt] marks what [RouteModel] classifies, but this method has no [RouteModel], so every call goes to
    // the client's default model. Fix: add [RouteModel] (or remove [Prompt]).
    public async Task<string> SummarizeAsync([Prompt] string ticket)
        => (await chat.GetResponseAsync($"Summarize this support ticket:\n\n{ticket}")).Text;

    // COST011: [SemanticCached] compares a string prompt by meaning, but this one is the conversation's messages, so the
    // method is not cached at all. Fix: take the question as a string, or use [Cached] for an exact match.
    [SemanticCached]
    public async Task<string> ContinueAsync(IList<ChatMessage> conversation)
        => (await chat.GetResponseAsync(conversation)).Text;
}
