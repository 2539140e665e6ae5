using AgentCost.Generators.Tests.Infrastructure;

namespace AgentCost.Generators.Tests;

/// <summary>
/// Programs that use tools run with the generator's output: a tool function invoked with equal arguments is served
/// from the cache, whether it came from an intercepted <c>AIFunctionFactory.Create</c> or from <c>[AgentTool]</c>, and a
/// direct call shares the entry.
/// </summary>
public sealed class ToolCompileAndRunTests
{
    private const string Usings = """
        using System;
        using System.ComponentModel;
        using System.Text.Json;
        using System.Threading;
        using System.Threading.Tasks;
        using AgentCost;
        using AgentCost.Hosting;
        using Microsoft.Extensions.AI;

        """;

    private const string Tools = """
        public sealed class Tools
        {
            public int Executions;

            [AgentTool]
            [Cached]
            [Description("Looks a word up.")]
            public async Task<string> LookUpAsync([Description("The word")] string word, int senses = 1, CancellationToken cancellationToken = default)
            {
                Executions++;
                await Task.Yield();
                return word.ToUpperInvariant() + senses;
            }
        }

        public static class Json
        {
            public static AIFunctionArguments Arguments(string json)
                => new(JsonSerializer.Deserialize<System.Collections.Generic.Dictionary<string, object?>>(json)!);
        }

        """;

    [Fact]
    public async Task InterceptedFactoryFunctionIsCachedAndSharesTheDirectCallsEntry()
    {
        var output = await RunAsync(Tools + """"
            public static class Program
            {
                public static async Task<string> Run()
                {
                    using var runtime = AgentCostRuntime.Create();
                    using var scope = AgentCostRuntime.Use(runtime);
                    var tools = new Tools();
                    var function = AIFunctionFactory.Create(tools.LookUpAsync);
                    var plain = AIFunctionFactory.Create(typeof(Tools).GetMethod("LookUpAsync")!, tools);

                    var first = await function.InvokeAsync(Json.Arguments("""{"word":"cache"}"""));
                    var second = await function.InvokeAsync(Json.Arguments("""{"word":"cache","senses":1}"""));
                    var other = await function.InvokeAsync(Json.Arguments("""{"word":"budget"}"""));
                    var direct = await tools.LookUpAsync("budget", 1);
                    var same = function.Name == plain.Name && function.Description == plain.Description
                        && JsonElement.DeepEquals(function.JsonSchema, plain.JsonSchema)
                        && JsonElement.DeepEquals(function.ReturnJsonSchema!.Value, plain.ReturnJsonSchema!.Value);
                    return $"{first} {second} {other} {direct} executions={tools.Executions} result={first!.GetType().Name} same={same}";
                }
            }
            """");

        Assert.Equal("CACHE1 CACHE1 BUDGET1 BUDGET1 executions=2 result=JsonElement same=True", output);
    }

    [Fact]
    public async Task GeneratedToolIsCachedAndSharesTheDirectCallsEntry()
    {
        var output = await RunAsync(Tools + """"
            public static class Program
            {
                public static async Task<string> Run()
                {
                    using var runtime = AgentCostRuntime.Create();
                    using var scope = AgentCostRuntime.Use(runtime);
                    var tools = new Tools();
                    var function = Assert.Single(ToolsAgentTools.Create(tools));

                    var direct = await tools.LookUpAsync("cache");
                    var first = await function.InvokeAsync(Json.Arguments("""{"word":"cache"}"""));
                    var second = await function.InvokeAsync(Json.Arguments("""{"word":"cache","senses":"1"}"""));
                    var other = await function.InvokeAsync(Json.Arguments("""{"word":"cache","senses":2}"""));
                    var statistics = runtime.Cache.GetStatistics("Tools.LookUpAsync");
                    return $"{function.Name} {direct} {first} {second} {other} executions={tools.Executions} hits={statistics.Hits}";
                }
            }

            public static class Assert
            {
                public static T Single<T>(T[] items) => items.Length == 1 ? items[0] : throw new InvalidOperationException(items.Length + " items");
            }
            """");

        Assert.Equal("LookUp CACHE1 CACHE1 CACHE1 CACHE2 executions=2 hits=2", output);
    }

    [Fact]
    public async Task LambdaThatForwardsIsCachedThroughItsCall()
    {
        var output = await RunAsync(Tools + """"
            public static class Program
            {
                public static async Task<string> Run()
                {
                    using var runtime = AgentCostRuntime.Create();
                    using var scope = AgentCostRuntime.Use(runtime);
                    var tools = new Tools();
                    var function = AIFunctionFactory.Create((string word) => tools.LookUpAsync(word, 1, CancellationToken.None), "look_up");
                    for (var i = 0; i < 3; i++)
                    {
                        await function.InvokeAsync(Json.Arguments("""{"word":"cache"}"""));
                    }

                    return $"executions={tools.Executions}";
                }
            }
            """");

        Assert.Equal("executions=1", output);
    }

    [Fact]
    public async Task BadArgumentsThrowAToolArgumentExceptionWhenInvokedDirectly()
    {
        var output = await RunAsync(Tools + """"
            public static class Program
            {
                public static async Task<string> Run()
                {
                    var tools = new Tools();
                    var generated = ToolsAgentTools.Create(tools)[0];
                    var intercepted = AIFunctionFactory.Create(tools.LookUpAsync);
                    var messages = new System.Collections.Generic.List<string>();
                    foreach (var function in new[] { generated, intercepted })
                    {
                        foreach (var json in new[] { """{"senses":1}""", """{"word":"a","senses":"many"}""" })
                        {
                            try
                            {
                                await function.InvokeAsync(Json.Arguments(json));
                                messages.Add("no error");
                            }
                            catch (AgentCost.ToolArgumentException exception)
                            {
                                messages.Add(exception.ArgumentName);
                            }
                        }
                    }

                    return string.Join(",", messages) + $" executions={tools.Executions}";
                }
            }
            """");

        Assert.Equal("word,senses,word,senses executions=0", output);
    }

    private static Task<string> RunAsync(string source)
        => ProgramRunner.GenerateAndRunAsync(GeneratorHarness.CreateCompilation(Usings + source));
}
