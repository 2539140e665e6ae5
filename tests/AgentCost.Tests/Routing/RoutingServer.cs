using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentCost.Tests.Routing;

/// <summary>
/// A loopback server speaking OpenAI's Chat Completions wire format (non-streamed) that answers with the model it was
/// asked for, and refuses the models in <see cref="Refuse"/> with the status and <c>Retry-After</c> set there.
/// </summary>
internal sealed class RoutingServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;

    public RoutingServer()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public Uri Endpoint => new($"http://127.0.0.1:{Port}/v1");

    public ConcurrentDictionary<string, (int Status, string? RetryAfter)> Refuse { get; } = new();

    public ConcurrentQueue<string> Models { get; } = new();

    public int PromptTokens { get; set; } = 1000;

    public int CompletionTokens { get; set; } = 100;

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _serving;
        }
        catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var request = JsonNode.Parse(await reader.ReadToEndAsync())!;
            var model = (string?)request["model"] ?? "";
            Models.Enqueue(model);
            string body;
            var response = context.Response;
            if (Refuse.TryGetValue(model, out var refusal))
            {
                response.StatusCode = refusal.Status;
                if (refusal.RetryAfter is not null)
                {
                    response.AddHeader("Retry-After", refusal.RetryAfter);
                }

                body = JsonSerializer.Serialize(new { error = new { message = "Rate limit reached", type = "requests", code = "rate_limit_exceeded" } });
            }
            else
            {
                response.StatusCode = 200;
                body = JsonSerializer.Serialize(new
                {
                    id = "chatcmpl-1",
                    @object = "chat.completion",
                    created = 1_700_000_000,
                    model,
                    choices = new[] { new { index = 0, message = new { role = "assistant", content = "answered by " + model }, finish_reason = "stop", logprobs = (object?)null } },
                    usage = new { prompt_tokens = PromptTokens, completion_tokens = CompletionTokens, total_tokens = PromptTokens + CompletionTokens },
                });
            }

            var bytes = Encoding.UTF8.GetBytes(body);
            response.ContentType = "application/json";
            response.ContentLength64 = bytes.Length;
            await response.OutputStream.WriteAsync(bytes);
            response.Close();
        }
    }
}
