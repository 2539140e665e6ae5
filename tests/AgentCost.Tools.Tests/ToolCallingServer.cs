using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCost.Testing;

namespace AgentCost.Tools.Tests;

/// <summary>
/// A loopback HTTP server that speaks OpenAI's Chat Completions wire format and follows a script: each request is
/// answered with the next turn's <c>tool_calls</c>, and when the script is done, with a text answer. It keeps every
/// request body, so tests can see the tools' schemas and the tool results the client sends back.
/// </summary>
internal sealed class ToolCallingServer : LoopbackChatServer
{
    private readonly (string Name, string Arguments)[][] _turns;
    private int _turn;

    public ToolCallingServer(params (string Name, string Arguments)[][] turns)
    {
        _turns = turns;
        Start();
    }

    public string FinalAnswer { get; set; } = "Done.";

    public ConcurrentQueue<JsonNode> Requests { get; } = new();

    protected override Task RespondAsync(HttpListenerResponse response, JsonNode request)
    {
        Requests.Enqueue(request);
        var turn = Interlocked.Increment(ref _turn) - 1;
        object message = turn < _turns.Length
            ? new
            {
                role = "assistant",
                content = (string?)null,
                tool_calls = _turns[turn].Select((call, i) => new
                {
                    id = $"call_{turn}_{i}",
                    type = "function",
                    function = new { name = call.Name, arguments = call.Arguments },
                }).ToArray(),
            }
            : new { role = "assistant", content = FinalAnswer };
        return WriteAsync(response, 200, "application/json", JsonSerializer.Serialize(new
        {
            id = $"chatcmpl-{turn}",
            @object = "chat.completion",
            created = 1_700_000_000,
            model = (string?)request["model"] ?? "gpt-4o-mini",
            choices = new[] { new { index = 0, message, finish_reason = turn < _turns.Length ? "tool_calls" : "stop", logprobs = (object?)null } },
            usage = new { prompt_tokens = 100, completion_tokens = 10, total_tokens = 110 },
        }));
    }
}
