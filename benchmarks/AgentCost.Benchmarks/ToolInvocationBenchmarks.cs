using System.ComponentModel;
using System.Text.Json;
using AgentCost;
using AgentCost.Hosting;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;

namespace AgentCost.Benchmarks;

/// <summary>
/// One tool invocation as <c>FunctionInvokingChatClient</c> makes it — the arguments a model sent, parsed to
/// <see cref="JsonElement"/>s, bound, the method run, its result marshalled to JSON — through the function the
/// generator writes for an <c>[AgentTool]</c> method and through <c>AIFunctionFactory.Create</c>'s reflection-based one.
/// </summary>
[MemoryDiagnoser]
public class ToolInvocationBenchmarks
{
    private const string ArgumentsJson = """{"query":"token budget","limit":3,"unit":"Imperial","exact":true}""";

    private readonly AgentCostRuntime _runtime = AgentCostRuntime.Create();
    private readonly AIFunctionArguments _arguments = new(JsonSerializer.Deserialize<Dictionary<string, object?>>(ArgumentsJson)!);
    private readonly AIFunction _generated;
    private readonly AIFunction _reflection;
    private readonly AIFunction _generatedCached;
    private readonly AIFunction _interceptedCached;

    public ToolInvocationBenchmarks()
    {
        var tools = new BenchmarkTools();
        var functions = BenchmarkToolsAgentTools.Create(tools);
        _generated = functions.Single(f => f.Name == "Search");
        _generatedCached = functions.Single(f => f.Name == "SearchCached");
        _reflection = AIFunctionFactory.Create(tools.Search);

        // An annotated method group: the generator intercepts this call and wraps the factory's function.
        _interceptedCached = AIFunctionFactory.Create(tools.SearchCached);
    }

    [GlobalSetup]
    public void Warm()
    {
        AgentCostRuntime.Global = _runtime;
        var expected = _reflection.InvokeAsync(_arguments).AsTask().GetAwaiter().GetResult()!.ToString();
        foreach (var function in new[] { _generated, _generatedCached, _interceptedCached })
        {
            var actual = function.InvokeAsync(_arguments).AsTask().GetAwaiter().GetResult()!.ToString();
            if (actual != expected)
            {
                throw new InvalidOperationException($"'{function.Name}' returned {actual}, the factory's function {expected}.");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        AgentCostRuntime.Global = null;
        _runtime.Dispose();
    }

    [Benchmark(Baseline = true, Description = "AIFunctionFactory.Create (reflection)")]
    public ValueTask<object?> Reflection() => _reflection.InvokeAsync(_arguments);

    [Benchmark(Description = "[AgentTool] generated")]
    public ValueTask<object?> Generated() => _generated.InvokeAsync(_arguments);

    [Benchmark(Description = "[AgentTool] + [Cached], hit")]
    public ValueTask<object?> GeneratedCachedHit() => _generatedCached.InvokeAsync(_arguments);

    [Benchmark(Description = "intercepted Create + [Cached], hit")]
    public ValueTask<object?> InterceptedCachedHit() => _interceptedCached.InvokeAsync(_arguments);
}

public enum SearchUnit
{
    Metric,
    Imperial,
}

/// <summary>The benchmarked tools: the same method with and without <c>[Cached]</c>.</summary>
public sealed class BenchmarkTools
{
    [AgentTool]
    [Description("Searches the library.")]
    public string Search([Description("What to look for")] string query, int limit = 5, SearchUnit unit = SearchUnit.Metric, bool exact = false)
        => Answer(query, limit, unit, exact);

    [AgentTool]
    [Cached]
    [Description("Searches the library.")]
    public string SearchCached([Description("What to look for")] string query, int limit = 5, SearchUnit unit = SearchUnit.Metric, bool exact = false)
        => Answer(query, limit, unit, exact);

    private static string Answer(string query, int limit, SearchUnit unit, bool exact)
        => exact ? $"{limit} passages about {query} ({unit})" : query;
}
