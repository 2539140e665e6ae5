using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace AgentCost.Testing;

/// <summary>
/// A loopback HTTP server for OpenAI's Chat Completions wire format: it listens on a free port of 127.0.0.1, reads each
/// request body as JSON and hands it to <see cref="RespondAsync"/>. The test servers derive from it and differ only in
/// what they answer. Linked into each test project that uses it.
/// </summary>
internal abstract class LoopbackChatServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private Task _serving = Task.CompletedTask;

    protected LoopbackChatServer()
    {
        // HttpListener needs a concrete port: take a free one from the operating system.
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
    }

    public int Port { get; }

    public Uri Endpoint => new($"http://127.0.0.1:{Port}/v1");

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

    /// <summary>Starts serving; derived constructors call it once their own state is set.</summary>
    protected void Start()
    {
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>Answers one request.</summary>
    protected abstract Task RespondAsync(HttpListenerResponse response, JsonNode request);

    protected static async Task WriteAsync(HttpListenerResponse response, int status, string contentType, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = status;
        response.ContentType = contentType;
        if (!response.SendChunked)
        {
            response.ContentLength64 = bytes.Length;
        }

        await response.OutputStream.WriteAsync(bytes);
        response.Close();
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
            await RespondAsync(context.Response, request);
        }
    }
}
