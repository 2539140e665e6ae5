using Microsoft.Extensions.AI;

namespace DiagnosticsShowcase;

/// <summary>COST001: agent loops that call a model and have no bound.</summary>
public sealed class RunawayAgent(IChatClient chat, LlmGateway gateway)
{
    // COST001: ends only when the model says DONE. Fix: count steps against a maximum, or mark the method [TokenBudget].
    public async Task<string> RunAsync(string goal)
    {
        var messages = new List<ChatMessage> { new(ChatRole.User, goal) };
        while (true)
        {
            var reply = await chat.GetResponseAsync(messages);
            messages.AddRange(reply.Messages);
            if (reply.Text.Contains("DONE", StringComparison.Ordinal))
            {
                return reply.Text;
            }
        }
    }

    // COST001: the counter is compared, but the comparison only logs.
    public async Task PlanAsync(string goal)
    {
        var step = 0;
        do
        {
            if (++step > 20)
            {
                Console.WriteLine($"Still planning after {step} steps");
            }

            goal = await StepAsync(goal);
        }
        while (goal != "DONE");
    }

    // COST001 through agentcost.model_call_methods in .editorconfig: the gateway is a model call.
    public async Task PollAsync()
    {
        while (await gateway.SendAsync("status?") != "ready")
        {
        }
    }

    // Not reported: a step limit bounds the loop.
    public async Task<string> BoundedAsync(string goal)
    {
        for (var step = 0; step < 10; step++)
        {
            goal = await StepAsync(goal);
        }

        return goal;
    }

    // The model call the loops above make, one level down.
    private async Task<string> StepAsync(string goal) => (await chat.GetResponseAsync($"Next step towards: {goal}")).Text;
}

/// <summary>A method of your own that calls a model, named in .editorconfig.</summary>
public sealed class LlmGateway
{
    public Task<string> SendAsync(string prompt) => Task.FromResult(prompt.Length > 100 ? "ready" : "busy");
}
