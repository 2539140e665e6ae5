using System.ClientModel;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCost.Embeddings;
using AgentCost.Testing;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using OpenAI;

namespace AgentCost.Benchmarks;

/// <summary>
/// What a semantic cache hit costs against the model call it replaces: the official OpenAI .NET client calling a
/// loopback server that speaks the Chat Completions wire format (the cheapest a real model call can be: no network, no
/// inference), bare, and through <c>UseSemanticCache()</c> with the embedded MiniLM embedder, asked a paraphrase of a
/// question it answered before. The hit embeds the prompt, searches the partition, runs the false-hit guard and
/// replays the stored response; it never reaches the server.
/// </summary>
[MemoryDiagnoser]
public class SemanticCacheBenchmarks
{
    private const string Question = "How do I reset my password?";
    private const string Paraphrase = "What are the steps to reset my password?";

    private static readonly ChatOptions s_options = new() { ModelId = "gpt-4o-mini", Temperature = 0 };

    private AnsweringServer _server = null!;
    private MiniLmEmbeddingGenerator _embedder = null!;
    private IChatClient _model = null!;
    private IChatClient _cached = null!;
    private readonly List<ChatMessage> _paraphrase = [new(ChatRole.User, Paraphrase)];

    [GlobalSetup]
    public void Setup()
    {
        _server = new AnsweringServer();
        var openAI = new OpenAIClient(new ApiKeyCredential("benchmark-key"), new OpenAIClientOptions { Endpoint = _server.Endpoint });
        _model = openAI.GetChatClient("gpt-4o-mini").AsIChatClient();
        _embedder = new MiniLmEmbeddingGenerator();
        _cached = new ChatClientBuilder(_model).UseSemanticCache(_embedder).Build();

        // The question is answered by the model once; the paraphrase must then be a hit, or the benchmark measures nothing.
        _cached.GetResponseAsync([new(ChatRole.User, Question)], s_options).GetAwaiter().GetResult();
        var before = _server.Requests;
        _cached.GetResponseAsync(_paraphrase, s_options).GetAwaiter().GetResult();
        if (_server.Requests != before)
        {
            throw new InvalidOperationException("The paraphrase was not served from the semantic cache.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cached.Dispose();
        _embedder.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "model call (OpenAI client, loopback server)")]
    public async Task<string> ModelCall() => (await _model.GetResponseAsync(_paraphrase, s_options)).Text;

    [Benchmark(Description = "UseSemanticCache() hit of a paraphrase (MiniLM)")]
    public async Task<string> SemanticHit() => (await _cached.GetResponseAsync(_paraphrase, s_options)).Text;

    /// <summary>Answers every request at once with a fixed text and usage, counting the requests.</summary>
    private sealed class AnsweringServer : LoopbackChatServer
    {
        private static readonly string s_body = JsonSerializer.Serialize(new
        {
            id = "chatcmpl-1",
            @object = "chat.completion",
            created = 1_700_000_000,
            model = "gpt-4o-mini",
            choices = new[] { new { index = 0, message = new { role = "assistant", content = "Open Settings, choose Security, then Reset password, and follow the link we email you." }, finish_reason = "stop" } },
            usage = new { prompt_tokens = 14, completion_tokens = 18, total_tokens = 32 },
        });

        private int _requests;

        public AnsweringServer() => Start();

        public int Requests => Volatile.Read(ref _requests);

        protected override Task RespondAsync(HttpListenerResponse response, JsonNode request)
        {
            Interlocked.Increment(ref _requests);
            return WriteAsync(response, 200, "application/json", s_body);
        }
    }
}
