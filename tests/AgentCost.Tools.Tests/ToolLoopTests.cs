using AgentCost.Hosting;
using Microsoft.Extensions.AI;

namespace AgentCost.Tools.Tests;

/// <summary>
/// Tools in a <see cref="FunctionInvokingChatClient"/> loop, as a model calls them: policies apply to every call, the
/// cache key is built from the arguments the model passed, and bad arguments are told to the model.
/// </summary>
public sealed class ToolLoopTests : IDisposable
{
    private readonly AgentCostRuntime _runtime = AgentCostRuntime.Create();
    private readonly IDisposable _scope;

    public ToolLoopTests()
    {
        _scope = AgentCostRuntime.Use(_runtime);
    }

    public void Dispose()
    {
        _scope.Dispose();
        _runtime.Dispose();
    }

    [Fact]
    public async Task Intercepted_factory_tool_called_three_times_alike_and_once_differently_runs_twice()
    {
        var tools = new CachedTools();
        var model = new ScriptedToolModel(
            [("Search", """{"query":"token budget"}""")],
            [("Search", """{"query":"token budget"}"""), ("Search", """{"query":"token budget"}""")],
            [("Search", """{"query":"result cache"}""")]);
        using var client = new ChatClientBuilder(model).UseFunctionInvocation().Build();

        var response = await client.GetResponseAsync("Research budgets.", new ChatOptions { Tools = [AIFunctionFactory.Create(tools.SearchAsync)] });

        Assert.Equal(2, tools.Searches);
        var results = model.ToolResults(model.Requests[^1]).Select(r => r.Result?.ToString()).ToList();
        Assert.Equal(["passages about token budget", "passages about token budget", "passages about token budget", "passages about result cache"], results);
        var statistics = _runtime.Cache.GetStatistics("AgentCost.Tools.Tests.CachedTools.SearchAsync");
        Assert.Equal((2, 2), (statistics.Hits, statistics.Misses));
        Assert.Contains("passages about result cache", response.Text);
    }

    [Fact]
    public async Task Generated_tool_called_three_times_alike_and_once_differently_runs_twice()
    {
        var tools = new CachedTools();
        var model = new ScriptedToolModel(
            [("LookUp", """{"term":"budget"}""")],
            [("LookUp", """{"term":"budget","senses":1}"""), ("LookUp", """{"term":"budget","senses":"1"}""")],
            [("LookUp", """{"term":"cache"}""")]);
        using var client = new ChatClientBuilder(model).UseFunctionInvocation().Build();

        await client.GetResponseAsync("Define.", new ChatOptions { Tools = [.. CachedToolsAgentTools.Create(tools)] });

        Assert.Equal(2, tools.LookUps);
        Assert.Equal(4, model.ToolResults(model.Requests[^1]).Count());
    }

    [Fact]
    public async Task Direct_call_and_tool_call_with_equal_arguments_share_one_cache_entry()
    {
        var tools = new CachedTools();
        var direct = await tools.SearchAsync("token budget", CancellationToken.None);
        var model = new ScriptedToolModel([("Search", """{"query":"token budget"}""")]);
        using var client = new ChatClientBuilder(model).UseFunctionInvocation().Build();

        await client.GetResponseAsync("Research.", new ChatOptions { Tools = [AIFunctionFactory.Create(tools.SearchAsync)] });
        var lookUp = tools.LookUp("cache");
        var function = CachedToolsAgentTools.Create(tools).Single(f => f.Name == "LookUp");
        await function.InvokeAsync(SchemaEquivalenceTests.Arguments("""{"term":"cache","senses":1}"""));

        Assert.Equal(1, tools.Searches);
        Assert.Equal(1, tools.LookUps);
        Assert.Equal(direct, model.ToolResults(model.Requests[^1]).Single().Result?.ToString());
        Assert.Equal("cache: 1 sense(s)", lookUp);
    }

    [Fact]
    public async Task A_lambda_that_forwards_to_a_cached_method_is_cached_through_its_call()
    {
        var tools = new CachedTools();
        var model = new ScriptedToolModel([("search", """{"query":"q"}""")], [("search", """{"query":"q"}""")]);
        using var client = new ChatClientBuilder(model).UseFunctionInvocation().Build();
        var function = AIFunctionFactory.Create((string query, CancellationToken cancellationToken) => tools.SearchAsync(query, cancellationToken), "search");

        await client.GetResponseAsync("Go.", new ChatOptions { Tools = [function] });

        Assert.Equal(1, tools.Searches);
    }

    [Fact]
    public async Task A_budgeted_tool_runs_in_its_budget_scope()
    {
        var tools = new CachedTools();
        var model = new ScriptedToolModel([("Summarize", """{"text":"a long text to summarize"}""")]);
        using var client = new ChatClientBuilder(model).UseFunctionInvocation().Build();

        await client.GetResponseAsync("Summarize.", new ChatOptions { Tools = [.. CachedToolsAgentTools.Create(tools)] });

        Assert.Equal([3000], tools.BudgetsSeen);
    }

    [Fact]
    public async Task Bad_arguments_come_back_to_the_model_as_clear_errors_and_the_loop_goes_on()
    {
        var tools = new CachedTools();

        // More consecutive failures than FunctionInvokingChatClient tolerates before it rethrows (3 by default).
        var model = new ScriptedToolModel(
            [("LookUp", """{"senses":2}""")],
            [("LookUp", """{"term":"budget","senses":"many"}""")],
            [("Search", "{}")],
            [("Search", """{"query":42}""")],
            [("LookUp", """{"term":["a"]}""")],
            [("LookUp", """{"term":"budget"}""")]);
        using var client = new ChatClientBuilder(model).UseFunctionInvocation().Build();
        var options = new ChatOptions { Tools = [.. CachedToolsAgentTools.Create(tools), AIFunctionFactory.Create(tools.SearchAsync)] };

        var response = await client.GetResponseAsync("Define.", options);

        var results = model.ToolResults(model.Requests[^1]).ToList();
        Assert.Equal(6, results.Count);
        Assert.Equal("Error: Invalid arguments for tool 'LookUp': argument 'term' is required but missing; expected a string.", results[0].Result);
        Assert.Equal("Error: Invalid arguments for tool 'LookUp': argument 'senses' must be an integer, but the value was a string (\"many\").", results[1].Result);
        Assert.Equal("Error: Invalid arguments for tool 'Search': argument 'query' is required but missing.", results[2].Result);
        Assert.StartsWith("Error: Invalid arguments for tool 'Search': argument 'query' must be a JSON value of type 'String', but the value was a number (42)", (string?)results[3].Result);
        Assert.Equal("Error: Invalid arguments for tool 'LookUp': argument 'term' must be a string, but the value was an array.", results[4].Result);
        Assert.All(results.Take(5), r => Assert.IsType<ToolArgumentException>(r.RawRepresentation));
        Assert.Equal("budget: 1 sense(s)", results[5].Result?.ToString());
        Assert.Equal(1, tools.LookUps);
        Assert.Equal(0, tools.Searches);
        Assert.Contains("budget: 1 sense(s)", response.Text);
    }
}
