using AgentCost;
using Microsoft.Extensions.AI;

namespace DiagnosticsShowcase;

/// <summary>COST009 and COST010: [RouteModel] methods whose prompt the route cannot tell, and a [Prompt] nothing reads.</summary>
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
}
