using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AgentCost;
using Microsoft.Extensions.AI;
using ToolsAot;

// [AgentTool] functions in a native AOT application: schemas written at compile time, arguments bound without
// reflection, records through the application's JsonSerializerContext, and [Cached] applied to every call the model
// makes. The model is scripted, offline and deterministic.
// A trip the model sends without its destination or date is an argument error it is told about, not a null in the tool.
var options = new JsonSerializerOptions(AIJsonUtilities.DefaultOptions)
{
    TypeInfoResolver = JsonTypeInfoResolver.Combine(TravelJson.Default, AIJsonUtilities.DefaultOptions.TypeInfoResolver),
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
};
var tools = new TravelTools();
var functions = TravelToolsAgentTools.Create(tools, options);

// Record arguments are part of cache keys through their contracts too: the runtime gets the same options.
using var runtime = AgentCostRuntime.Create(keySerializerOptions: options);
using var scope = AgentCostRuntime.Use(runtime);
using var client = new ChatClientBuilder(new ScriptedModel()).UseFunctionInvocation(configure: c => c.IncludeDetailedErrors = true).Build();
var response = await client.GetResponseAsync("What does Oslo to Rome cost?", new ChatOptions { Tools = [.. functions] });

foreach (var function in functions)
{
    Console.WriteLine($"tool {function.Name}: {function.JsonSchema.GetRawText()}");
}

foreach (var result in response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>())
{
    Console.WriteLine($"result {result.CallId}: {result.Result}");
}

Console.WriteLine($"quotes-computed={tools.QuotesComputed}");
Console.WriteLine($"cache-hits={runtime.Cache.GetStatistics("ToolsAot.TravelTools.QuoteAsync").Hits}");
Console.WriteLine($"answer={response.Text}");

/// <summary>Calls the quote tool three times with equal arguments, once with others, then lists the cabins, then answers.</summary>
internal sealed class ScriptedModel : IChatClient
{
    private static readonly string[][] s_turns =
    [
        ["""{"trip":{"from":"Oslo","to":"Rome","date":"2025-06-01"}}""", """{"trip":{"from":"Oslo","to":"Rome","date":"2025-06-01"},"cabin":"Economy"}"""],
        ["""{"trip":{"from":"Oslo","to":"Rome","date":"2025-06-01"},"cabin":"economy"}""", """{"trip":{"from":"Oslo","to":"Rome","date":"2025-06-01"},"cabin":"Business"}"""],
        ["{}"],
        ["""{"trip":{"from":"Oslo"}}"""],
    ];

    private int _turn;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var turn = _turn++;
        if (turn >= s_turns.Length)
        {
            var last = messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Last();
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, $"Done after {turn} tool turns; last result: {last.Result}")));
        }

        var tool = turn == 2 ? "Cabins" : "Quote";
        var calls = s_turns[turn]
            .Select((json, i) => (AIContent)new FunctionCallContent($"call_{turn}_{i}", tool, JsonSerializer.Deserialize(json, ScriptJson.Default.DictionaryStringObject)))
            .ToList();
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, calls)));
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        => throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, object?>))]
internal sealed partial class ScriptJson : System.Text.Json.Serialization.JsonSerializerContext;
