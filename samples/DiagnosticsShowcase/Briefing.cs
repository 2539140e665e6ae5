using Microsoft.Extensions.AI;

namespace DiagnosticsShowcase;

/// <summary>COST012: a system prompt whose first words change on every call, so the provider never reuses its cache.</summary>
public sealed class Briefing(IChatClient chat)
{
    private const string Policy = "You are the support desk's agent. Answer from the refund policy only, in two sentences.";

    // COST012: the request id and the clock come first, so the policy after them is a new prefix on every call and is
    // billed at the full input price every time. Fix: put them at the end (the code fix moves the sentence).
    public async Task<string> AnswerAsync(string question)
    {
        var system = new ChatMessage(ChatRole.System, $"Request {Guid.NewGuid()} at {DateTime.UtcNow:O}.\n{Policy}");
        return (await chat.GetResponseAsync([system, new ChatMessage(ChatRole.User, question)])).Text;
    }
}
