using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace AgentCost.Tools.Tests;

/// <summary>
/// A model that follows a script: each turn it calls the listed tools (with the listed JSON arguments), and once the
/// script is done it answers with the text of the tool results it saw. It keeps every request.
/// </summary>
internal sealed class ScriptedToolModel(params (string Tool, string Arguments)[][] turns) : IChatClient
{
    private int _turn;

    public List<List<ChatMessage>> Requests { get; } = [];

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var history = messages.ToList();
        Requests.Add(history);
        var turn = _turn++;
        if (turn < turns.Length)
        {
            var calls = turns[turn]
                .Select((call, i) => (AIContent)new FunctionCallContent(
                    $"call_{turn}_{i}",
                    call.Tool,
                    JsonSerializer.Deserialize<Dictionary<string, object?>>(call.Arguments)))
                .ToList();
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, calls)));
        }

        var results = history.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Select(r => r.Result?.ToString());
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, string.Join(" / ", results))));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    /// <summary>The results the tools returned to the model, in order.</summary>
    public IEnumerable<FunctionResultContent> ToolResults(IEnumerable<ChatMessage> history)
        => history.SelectMany(m => m.Contents).OfType<FunctionResultContent>();
}
