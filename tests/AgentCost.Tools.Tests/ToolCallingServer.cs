using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentCost.Tools.Tests;

/// <summary>
/// A loopback HTTP server that speaks OpenAI's Chat Completions wire format and follows a script: each request is
/// answered with the next turn's <c>tool_calls</c>, and when the script is done, with a text answer. It keeps every
/// request body, so tests can see the tools' schemas and the tool results the client sends back.
/// </summary>
internal sealed class ToolCallingServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;
    private readonly (string Name, string Arguments)[][] _turns;
    private int _turn;

    public ToolCallingServer(params (string Name, string Arguments)[][] turns)
    {
        _turns = turns;

        // HttpListener needs a concrete port: take a free one from the operating system.
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

    public string FinalAnswer { get; set; } = "Done.";

    public ConcurrentQueue<JsonNode> Requests { get; } = new();

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
            var body = JsonSerializer.Serialize(new
            {
                id = $"chatcmpl-{turn}",
                @object = "chat.completion",
                created = 1_700_000_000,
                model = (string?)request["model"] ?? "gpt-4o-mini",
                choices = new[] { new { index = 0, message, finish_reason = turn < _turns.Length ? "tool_calls" : "stop", logprobs = (object?)null } },
                usage = new { prompt_tokens = 100, completion_tokens = 10, total_tokens = 110 },
            });

            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }
}
