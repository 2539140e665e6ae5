using System.ClientModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCost.Hosting;
using Microsoft.Extensions.AI;
using OpenAI;

namespace AgentCost.Tools.Tests;

/// <summary>
/// Cached tools behind the official OpenAI .NET client, adapted by Microsoft.Extensions.AI.OpenAI, over a loopback
/// server that returns <c>tool_calls</c>: the server sees each tool's schema, and a repeated call's result — served
/// from the cache — goes back in the next request exactly as the first one did.
/// </summary>
public sealed class OpenAIToolCallingTests : IDisposable
{
    private readonly AgentCostRuntime _runtime = AgentCostRuntime.Create();
    private readonly IDisposable _scope;

    public OpenAIToolCallingTests()
    {
        _scope = AgentCostRuntime.Use(_runtime);
    }

    public void Dispose()
    {
        _scope.Dispose();
        _runtime.Dispose();
    }

    [Fact]
    public async Task Cached_tool_results_go_back_to_the_model_and_repeated_calls_do_not_run_the_tool()
    {
        await using var server = new ToolCallingServer(
            [("Search", """{"query":"token budget"}""")],
            [("Search", """{"query":"token budget"}"""), ("LookUp", """{"term":"cache"}""")],
            [("LookUp", """{"term":"cache","senses":1}""")]);
        var tools = new CachedTools();
        var search = AIFunctionFactory.Create(tools.SearchAsync);
        var lookUp = CachedToolsAgentTools.Create(tools).Single(f => f.Name == "LookUp");
        var openAI = new OpenAIClient(new ApiKeyCredential("test-key"), new OpenAIClientOptions { Endpoint = server.Endpoint, NetworkTimeout = TimeSpan.FromSeconds(10) });
        using var client = new ChatClientBuilder(openAI.GetChatClient("gpt-4o-mini").AsIChatClient()).UseFunctionInvocation().Build();

        var response = await client.GetResponseAsync("How do budgets and caches save money?", new ChatOptions { Tools = [search, lookUp] });

        Assert.Equal("Done.", response.Text);
        Assert.Equal(1, tools.Searches);
        Assert.Equal(1, tools.LookUps);

        var requests = server.Requests.ToArray();
        Assert.Equal(4, requests.Length);

        // The server saw each tool as the factory describes it (the OpenAI adapter closes the object to other properties).
        var declared = requests[0]["tools"]!.AsArray().ToDictionary(t => (string)t!["function"]!["name"]!, t => t!["function"]!);
        var plainSearch = AIFunctionFactory.Create(typeof(CachedTools).GetMethod(nameof(CachedTools.SearchAsync))!, tools);
        var plainLookUp = AIFunctionFactory.Create(typeof(CachedTools).GetMethod(nameof(CachedTools.LookUp))!, tools);
        Assert.True(JsonNode.DeepEquals(AsSent(plainSearch), declared["Search"]["parameters"]), declared["Search"].ToJsonString());
        Assert.Equal("Searches the document library.", (string?)declared["Search"]["description"]);
        Assert.True(JsonNode.DeepEquals(AsSent(plainLookUp), declared["LookUp"]["parameters"]), declared["LookUp"].ToJsonString());
        Assert.Equal("Looks a term up in the glossary.", (string?)declared["LookUp"]["description"]);

        // The first result, computed, and the repeated call's result, from the cache, are sent back alike.
        var first = ToolMessage(requests[1], "call_0_0");
        var repeated = ToolMessage(requests[2], "call_1_0");
        Assert.Equal(JsonSerializer.Serialize("passages about token budget"), first);
        Assert.Equal(first, repeated);
        Assert.Equal(ToolMessage(requests[2], "call_1_1"), ToolMessage(requests[3], "call_2_0"));
        Assert.Equal(JsonSerializer.Serialize("cache: 1 sense(s)"), ToolMessage(requests[3], "call_2_0"));
    }

    private static JsonNode AsSent(AIFunction function)
    {
        var schema = JsonNode.Parse(function.JsonSchema.GetRawText())!.AsObject();
        schema["additionalProperties"] = false;
        return schema;
    }

    private static string? ToolMessage(JsonNode request, string callId)
        => request["messages"]!.AsArray()
            .Single(m => (string?)m!["role"] == "tool" && (string?)m["tool_call_id"] == callId)!["content"] switch
        {
            JsonValue text => (string?)text,
            JsonArray parts => string.Concat(parts.Select(p => (string?)p!["text"])),
            _ => null,
        };
}
