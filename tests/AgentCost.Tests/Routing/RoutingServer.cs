using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCost.Testing;

namespace AgentCost.Tests.Routing;

/// <summary>
/// A loopback server speaking OpenAI's Chat Completions wire format (non-streamed) that answers with the model it was
/// asked for, and refuses the models in <see cref="Refuse"/> with the status and <c>Retry-After</c> set there.
/// </summary>
internal sealed class RoutingServer : LoopbackChatServer
{
    public RoutingServer() => Start();

    public ConcurrentDictionary<string, (int Status, string? RetryAfter)> Refuse { get; } = new();

    public ConcurrentQueue<string> Models { get; } = new();

    public int PromptTokens { get; set; } = 1000;

    public int CompletionTokens { get; set; } = 100;

    protected override Task RespondAsync(HttpListenerResponse response, JsonNode request)
    {
        var model = (string?)request["model"] ?? "";
        Models.Enqueue(model);
        if (Refuse.TryGetValue(model, out var refusal))
        {
            if (refusal.RetryAfter is not null)
            {
                response.AddHeader("Retry-After", refusal.RetryAfter);
            }

            return WriteAsync(response, refusal.Status, "application/json", JsonSerializer.Serialize(new { error = new { message = "Rate limit reached", type = "requests", code = "rate_limit_exceeded" } }));
        }

        return WriteAsync(response, 200, "application/json", JsonSerializer.Serialize(new
        {
            id = "chatcmpl-1",
            @object = "chat.completion",
            created = 1_700_000_000,
            model,
            choices = new[] { new { index = 0, message = new { role = "assistant", content = "answered by " + model }, finish_reason = "stop", logprobs = (object?)null } },
            usage = new { prompt_tokens = PromptTokens, completion_tokens = CompletionTokens, total_tokens = PromptTokens + CompletionTokens },
        }));
    }
}
