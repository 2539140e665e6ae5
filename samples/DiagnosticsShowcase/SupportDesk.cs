using AgentCost;
using Microsoft.Extensions.AI;

namespace DiagnosticsShowcase;

/// <summary>COST009: a [RouteModel] method whose prompt the route cannot tell.</summary>
public sealed class SupportDesk(IChatClient chat)
{
    // COST009: two prompt parameters and no [Prompt]: is the question or the customer's notes what decides the model?
    // Fix: mark the question [Prompt].
    [RouteModel(MaxTier = "complex")]
    public async Task<string> AnswerAsync(string question, string customerNotes)
        => (await chat.GetResponseAsync($"{customerNotes}\n\nQuestion: {question}")).Text;
}
