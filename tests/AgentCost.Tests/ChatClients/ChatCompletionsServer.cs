using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCost.Testing;

namespace AgentCost.Tests.ChatClients;

/// <summary>
/// A loopback HTTP server that speaks OpenAI's Chat Completions wire format, plain and streamed (server-sent events,
/// with the usage chunk that <c>stream_options.include_usage</c> asks for). It answers a fixed text and reports the
/// usage it is told to; it keeps every request body it received.
/// </summary>
internal sealed class ChatCompletionsServer : LoopbackChatServer
{
    public ChatCompletionsServer() => Start();

    public string AnswerText { get; set; } = "Budgets keep agents affordable.";

    public int PromptTokens { get; set; } = 1234;

    public int CompletionTokens { get; set; } = 56;

    public int CachedTokens { get; set; } = 1024;

    public int ReasoningTokens { get; set; } = 16;

    public ConcurrentQueue<JsonNode> Requests { get; } = new();

    protected override async Task RespondAsync(HttpListenerResponse response, JsonNode request)
    {
        Requests.Enqueue(request);
        var model = (string?)request["model"] ?? "gpt-4o-mini";
        if ((bool?)request["stream"] == true)
        {
            await StreamAsync(response, model, includeUsage: (bool?)request["stream_options"]?["include_usage"] == true);
        }
        else
        {
            await WriteAsync(response, 200, "application/json", JsonSerializer.Serialize(new
            {
                id = "chatcmpl-1",
                @object = "chat.completion",
                created = 1_700_000_000,
                model,
                choices = new[] { new { index = 0, message = new { role = "assistant", content = AnswerText }, finish_reason = "stop", logprobs = (object?)null } },
                usage = Usage(),
            }));
        }
    }

    private async Task StreamAsync(HttpListenerResponse response, string model, bool includeUsage)
    {
        var events = new StringBuilder();
        void Chunk(object choices, object? usage = null) => events.Append("data: ").Append(JsonSerializer.Serialize(new
        {
            id = "chatcmpl-1",
            @object = "chat.completion.chunk",
            created = 1_700_000_000,
            model,
            choices,
            usage,
        })).Append("\n\n");

        Chunk(new[] { new { index = 0, delta = (object)new { role = "assistant", content = "" }, finish_reason = (string?)null } });
        foreach (var word in AnswerText.Split(' '))
        {
            Chunk(new[] { new { index = 0, delta = (object)new { content = word + " " }, finish_reason = (string?)null } });
        }

        Chunk(new[] { new { index = 0, delta = (object)new { }, finish_reason = (string?)"stop" } });
        if (includeUsage)
        {
            Chunk(Array.Empty<object>(), Usage());
        }

        events.Append("data: [DONE]\n\n");
        response.SendChunked = true;
        await WriteAsync(response, 200, "text/event-stream", events.ToString());
    }

    private object Usage() => new
    {
        prompt_tokens = PromptTokens,
        completion_tokens = CompletionTokens,
        total_tokens = PromptTokens + CompletionTokens,
        prompt_tokens_details = new { cached_tokens = CachedTokens, audio_tokens = 0 },
        completion_tokens_details = new { reasoning_tokens = ReasoningTokens, audio_tokens = 0, accepted_prediction_tokens = 0, rejected_prediction_tokens = 0 },
    };
}
