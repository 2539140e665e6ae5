using System.Text;
using AgentCost.CodeAnalysis;
using AgentCost.Generators.Model;
using AgentCost.Generators.Tests.Infrastructure;

namespace AgentCost.Generators.Tests;

/// <summary>
/// Every method shape the analyzers accept — arity 0 to 8 (a receiver and seven arguments fill a tuple's first part),
/// static and instance, synchronous and asynchronous, with and without a result, generic — compiled with the generator's
/// output and run, through every way the generator reaches a method: a call, an intercepted
/// <c>AIFunctionFactory.Create</c> given the method group, and a generated <c>[AgentTool]</c> function. Each method is
/// called twice with equal arguments and says what it saw: a cached one runs once, the others run twice inside the
/// scope their attribute opens.
/// </summary>
public sealed class ShapeCompileAndRunTests
{
    private static readonly int[] s_arities = [0, 1, 2, 3, 8];

    public enum Path
    {
        Call,
        ToolFactory,
        AgentTool,
    }

    public enum Policy
    {
        None,
        Cached,
        TokenBudget,
        AgentTask,
        RouteModel,
    }

    public static TheoryData<Path, Policy> Cases
    {
        get
        {
            var cases = new TheoryData<Path, Policy>();
            foreach (var path in Enum.GetValues<Path>())
            {
                foreach (var policy in Enum.GetValues<Policy>())
                {
                    // Without a policy only [AgentTool] generates anything.
                    if (policy != Policy.None || path == Path.AgentTool)
                    {
                        cases.Add(path, policy);
                    }
                }
            }

            return cases;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task EveryAcceptedShapeCompilesAndRunsItsPolicy(Path path, Policy policy)
    {
        var shapes = Shapes(path, policy);
        var output = await RunAsync(Source(shapes, path, policy));

        var expected = string.Join("\n", shapes.Select(shape => Expected(shape, policy)));
        if (policy == Policy.AgentTask)
        {
            // Every call is a task that succeeds, a cache hit too; the report taken right after the calls has them all.
            expected += $"\nreport task:{2 * shapes.Count}/{2 * shapes.Count}";
        }

        Assert.Equal(expected, output);
    }

    [Fact]
    public async Task NearlyParameterlessShapesCompileAndRunTheirPolicy()
    {
        // Methods whose packed arguments are empty or hold no key, in containers other than a class, and tools whose
        // parameters are all bound from the invocation rather than the model's arguments.
        var output = await RunAsync(""""
            using System;
            using System.Collections.Generic;
            using System.Text.Json;
            using System.Threading;
            using System.Threading.Tasks;
            using AgentCost;
            using AgentCost.Hosting;
            using Microsoft.Extensions.AI;

            public static class Runs
            {
                public static readonly Dictionary<string, int> Count = new();

                public static string Hit(string name)
                {
                    Count[name] = Count.GetValueOrDefault(name) + 1;
                    return name;
                }
            }

            public static class Extensions
            {
                [Cached] public static string Shout(this string text) => Runs.Hit("Shout") + text;
            }

            public interface IClock
            {
                [Cached] static string Zone() => Runs.Hit("Zone");
            }

            public struct Constants
            {
                [Cached] public static int Answer() => Runs.Hit("Answer").Length;
            }

            public class Box<T>
            {
                [Cached] public static string Name() => Runs.Hit("Name" + typeof(T).Name);

                public sealed class Inner
                {
                    [Cached] public static string Nested() => Runs.Hit("Nested" + typeof(T).Name);
                }
            }

            public static class Tools
            {
                [AgentTool] [Cached] public static Task<string> TokenOnly(CancellationToken cancellationToken) => Task.FromResult(Runs.Hit("TokenOnly"));
                [AgentTool] [Cached] public static string ServicesOnly([NotCacheKey] IServiceProvider? services = null) => Runs.Hit("ServicesOnly");
                [AgentTool] [Cached] public static string ArgumentsOnly(AIFunctionArguments arguments) => Runs.Hit("ArgumentsOnly");
                [AgentTool] [TokenBudget(5000)] public static Task Nothing() { Runs.Hit("Nothing" + AgentCost.TokenBudget.Current?.Total); return Task.CompletedTask; }
                [Cached] public static string Params(params int[] values) => Runs.Hit("Params");
                [Cached] public static string Optional(int value = 1) => Runs.Hit("Optional");
                [Cached] public static string NotKey([NotCacheKey] string traceId) => Runs.Hit("NotKey");
            }

            public static class Program
            {
                public static async Task<string> Run()
                {
                    using var runtime = AgentCostRuntime.Create();
                    using var scope = AgentCostRuntime.Use(runtime);
                    var none = new AIFunctionArguments();
                    for (var i = 0; i < 2; i++)
                    {
                        "a".Shout();
                        Extensions.Shout("a");
                        IClock.Zone();
                        Constants.Answer();
                        Box<int>.Name();
                        Box<string>.Name();
                        Box<int>.Inner.Nested();
                        await Tools.TokenOnly(CancellationToken.None);
                        Tools.Params();
                        Tools.Optional();
                        Tools.Optional(1);
                        Tools.NotKey("trace" + i);
                        foreach (var function in ToolsAgentTools.Create())
                        {
                            await function.InvokeAsync(none);
                        }

                        await AIFunctionFactory.Create(Tools.TokenOnly).InvokeAsync(none);
                        await AIFunctionFactory.Create(Tools.Nothing, "nothing").InvokeAsync(none);
                        await AIFunctionFactory.Create(IClock.Zone).InvokeAsync(none);
                        await AIFunctionFactory.Create(Box<int>.Name, new AIFunctionFactoryOptions { Name = "name" }).InvokeAsync(none);
                    }

                    var schema = JsonSerializer.Serialize(ToolsAgentTools.Create()[3].JsonSchema);
                    var counts = string.Join(" ", System.Linq.Enumerable.Select(
                        System.Linq.Enumerable.OrderBy(Runs.Count, p => p.Key, StringComparer.Ordinal), p => $"{p.Key}={p.Value}"));
                    return counts + " " + schema;
                }
            }
            """");

        Assert.Equal(
            "Answer=1 ArgumentsOnly=1 NameInt32=1 NameString=1 NestedInt32=1 NotKey=1 Nothing5000=4 Optional=1 Params=1 " +
            "ServicesOnly=1 Shout=1 TokenOnly=1 Zone=1 " +
            """{"type":"object","properties":{}}""",
            output);
    }

    [Fact]
    public async Task ParametersNamedLikeTheGeneratedCodesOwnNamesCompileAndRun()
    {
        // The names the interceptors and tool functions use for their own parameters and lambdas, and keywords.
        var output = await RunAsync(""""
            using System.Collections.Generic;
            using System.Text.Json;
            using System.Threading.Tasks;
            using AgentCost;
            using AgentCost.Hosting;
            using Microsoft.Extensions.AI;

            public class Tools
            {
                public int Runs;

                [AgentTool] [Cached]
                public string Names(string args, string key, string target, string arguments, string method, string @this, string @class, string global, string value)
                    => (++Runs) + args + key + target + arguments + method + @this + @class + global + value;

                [AgentTool] [Cached]
                public static string More(string name, string description, string serializerOptions, string options, string cancellationToken, string services, string instance, string @this0)
                    => name + description + serializerOptions + options + cancellationToken + services + instance + @this0;
            }

            public static class Program
            {
                public static async Task<string> Run()
                {
                    using var runtime = AgentCostRuntime.Create();
                    using var scope = AgentCostRuntime.Use(runtime);
                    var tools = new Tools();
                    var results = new List<string?>();
                    for (var i = 0; i < 2; i++)
                    {
                        results.Add(tools.Names("a", "b", "c", "d", "e", "f", "g", "h", "i"));
                        results.Add(Tools.More("a", "b", "c", "d", "e", "f", "g", "h"));
                    }

                    var json = """{"args":"a","key":"b","target":"c","arguments":"d","method":"e","this":"f","class":"g","global":"h","value":"i"}""";
                    var arguments = new AIFunctionArguments(JsonSerializer.Deserialize<Dictionary<string, object?>>(json)!);
                    results.Add((await ToolsAgentTools.Create(tools)[0].InvokeAsync(arguments))?.ToString());
                    results.Add((await AIFunctionFactory.Create(tools.Names).InvokeAsync(arguments))?.ToString());
                    return string.Join(" ", results) + " runs=" + tools.Runs;
                }
            }
            """");

        Assert.Equal("1abcdefghi abcdefgh 1abcdefghi abcdefgh 1abcdefghi 1abcdefghi runs=1", output);
    }

    [Fact]
    public async Task ShapesTheAnalyzersRejectGetNoGeneratedCodeAndRunUnchanged()
    {
        // COST004: no result to cache. COST008: a private method, a by-reference return or parameter, a ref struct
        // parameter, a struct instance method, a generic tool. Each is called twice and runs twice.
        var compilation = GeneratorHarness.CreateCompilation("""
            using System;
            using System.Threading.Tasks;
            using AgentCost;

            public class Shapes
            {
                public static int Runs;
                private static int s_field;

                [Cached] public static void CachedVoid() => Runs++;
                [Cached] public static async Task CachedTask() { await Task.Yield(); Runs++; }
                [Cached] public static ValueTask CachedValueTask() { Runs++; return default; }
                [Cached] private static string CachedPrivate() { Runs++; return "r"; }
                [Cached] public static ref int CachedRefReturn() { Runs++; return ref s_field; }
                [Cached] public static string CachedRefParameter(ref int x) { Runs++; return "r"; }
                [TokenBudget(5000)] public static void BudgetSpan(Span<int> x) => Runs++;
                [AgentTool] public static string GenericTool<T>() => typeof(T).Name;
                [AgentTool] public static string SpanTool(ReadOnlySpan<char> x) => "r";

                public static string CallPrivate() => CachedPrivate();
            }

            public struct Point
            {
                [AgentTask] public readonly void Move() => Shapes.Runs++;
            }

            public static class Program
            {
                public static async Task<string> Run()
                {
                    var x = 0;
                    for (var i = 0; i < 2; i++)
                    {
                        Shapes.CachedVoid();
                        await Shapes.CachedTask();
                        await Shapes.CachedValueTask();
                        Shapes.CallPrivate();
                        Shapes.CachedRefReturn();
                        Shapes.CachedRefParameter(ref x);
                        Shapes.BudgetSpan(stackalloc int[1]);
                        default(Point).Move();
                    }

                    return "runs=" + Shapes.Runs;
                }
            }
            """);
        var refused = (await AgentCostAnalyzers.GetErrorsAsync(compilation))
            .Select(d => $"{d.Id} {d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan)}")
            .Order(StringComparer.Ordinal);
        Assert.Equal(
            [
                "COST004 CachedTask", "COST004 CachedValueTask", "COST004 CachedVoid",
                "COST008 BudgetSpan", "COST008 CachedPrivate", "COST008 CachedRefParameter", "COST008 CachedRefReturn",
                "COST008 GenericTool", "COST008 Move", "COST008 SpanTool",
            ],
            refused);

        var run = GeneratorHarness.Run(compilation);

        Assert.Null(run.Result.Exception);
        Assert.Empty(run.Result.GeneratedSources);
        Assert.Empty(run.CompilationProblems);
        Assert.Equal("runs=16", await ProgramRunner.RunAsync(run.OutputCompilation));
    }

    [Fact]
    public async Task RouteWhosePromptTheAnalyzerReportsClassifiesNoArgument()
    {
        // COST009: two prompt candidates and no [Prompt], or [Prompt] on a number. The route still opens, with no prompt,
        // as the rule's page says, from a call and from a factory function.
        var compilation = GeneratorHarness.CreateCompilation(""""
            using System.Collections.Generic;
            using System.Text.Json;
            using System.Threading.Tasks;
            using AgentCost;
            using AgentCost.Hosting;
            using AgentCost.Routing;
            using Microsoft.Extensions.AI;

            public static class Shapes
            {
                public static string Seen = "";

                private static void See() => Seen += ModelRouting.Current is { } route ? $"{route.Name}|{route.Prompt};" : "none;";

                [RouteModel] public static void Ambiguous(string a, string b) => See();
                [RouteModel] public static string NotAPrompt([Prompt] int n) { See(); return "r"; }
            }

            public static class Program
            {
                public static async Task<string> Run()
                {
                    using var runtime = AgentCostRuntime.Create();
                    using var scope = AgentCostRuntime.Use(runtime);
                    Shapes.Ambiguous("a", "b");
                    Shapes.NotAPrompt(1);
                    var function = AIFunctionFactory.Create(Shapes.NotAPrompt);
                    await function.InvokeAsync(new(JsonSerializer.Deserialize<Dictionary<string, object?>>("""{"n":1}""")!));
                    return Shapes.Seen;
                }
            }
            """");
        Assert.Equal(["COST009", "COST009"], (await AgentCostAnalyzers.GetErrorsAsync(compilation)).Select(d => d.Id));

        var run = GeneratorHarness.Run(compilation);

        Assert.Null(run.Result.Exception);
        Assert.Empty(run.CompilationProblems);
        Assert.Equal("Shapes.Ambiguous|;Shapes.NotAPrompt|;Shapes.NotAPrompt|;", await ProgramRunner.RunAsync(run.OutputCompilation));
    }

    private static async Task<string> RunAsync(string source)
    {
        var compilation = GeneratorHarness.CreateCompilation(source);
        Assert.Empty(await AgentCostAnalyzers.GetErrorsAsync(compilation));
        return await ProgramRunner.GenerateAndRunAsync(compilation);
    }

    /// <summary>One method: its arity, whether it is static, what it returns and whether it is generic.</summary>
    private sealed record Shape(int Arity, bool IsStatic, ReturnKind Result, bool IsGeneric)
    {
        public string Name => $"{(IsStatic ? "S" : "I")}{(IsGeneric ? "G" : string.Empty)}_{Result}_{Arity}";

        // A generic method's first parameter is its type parameter, called with string.
        public string Call(string receiver) => $"{receiver}.{Name}{(IsGeneric ? "<string>" : string.Empty)}";
    }

    private static List<Shape> Shapes(Path path, Policy policy)
    {
        var shapes = new List<Shape>();
        foreach (var isStatic in new[] { true, false })
        {
            foreach (var result in Enum.GetValues<ReturnKind>())
            {
                // [Cached] needs a result to store (COST004).
                if (policy == Policy.Cached && !result.HasResult())
                {
                    continue;
                }

                foreach (var arity in s_arities)
                {
                    shapes.Add(new Shape(arity, isStatic, result, IsGeneric: false));
                }

                // A generated tool function is not generic (COST008).
                if (path != Path.AgentTool && result is ReturnKind.Value or ReturnKind.Task or ReturnKind.Void)
                {
                    shapes.Add(new Shape(0, isStatic, result, IsGeneric: true));
                    shapes.Add(new Shape(2, isStatic, result, IsGeneric: true));
                }
            }
        }

        return shapes;
    }

    // What a method saw, after two equal calls: how often it ran, and the scopes it ran in.
    private static string Expected(Shape shape, Policy policy)
    {
        var runs = policy == Policy.Cached ? 1 : 2;
        var budget = policy == Policy.TokenBudget ? "5000" : string.Empty;
        var task = policy == Policy.AgentTask ? "task" : string.Empty;

        // The prompt is the only string parameter; a generic method's first parameter is no string where it is declared.
        var route = policy == Policy.RouteModel ? "on|" + (shape.Arity > 0 && !shape.IsGeneric ? "x" : string.Empty) : string.Empty;
        return $"{shape.Name} runs={runs} budget={budget} task={task} route={route}";
    }

    private static string Source(List<Shape> shapes, Path path, Policy policy)
    {
        var source = new StringBuilder("""
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Text.Json;
            using System.Threading.Tasks;
            using AgentCost;
            using AgentCost.Hosting;
            using Microsoft.Extensions.AI;

            public static class Probe
            {
                public static readonly Dictionary<string, int> Runs = new();
                public static readonly Dictionary<string, string> Seen = new();

                public static void Hit(string name)
                {
                    Runs[name] = Runs.GetValueOrDefault(name) + 1;
                    var route = AgentCost.Routing.ModelRouting.Current;
                    Seen[name] = $"budget={AgentCost.TokenBudget.Current?.Total} task={AgentTask.Current?.Name} route={(route is null ? "" : "on|" + route.Prompt)}";
                }
            }

            public class Shapes
            {

            """);

        var attribute = policy switch
        {
            Policy.Cached => "[Cached] ",
            Policy.TokenBudget => "[TokenBudget(5000)] ",
            Policy.AgentTask => "[AgentTask(\"task\")] ",
            Policy.RouteModel => "[RouteModel] ",
            _ => string.Empty,
        };
        if (path == Path.AgentTool)
        {
            attribute = "[AgentTool] " + attribute;
        }

        foreach (var shape in shapes)
        {
            source.Append("    ").Append(attribute).Append("public ").Append(shape.IsStatic ? "static " : string.Empty);
            source.Append(shape.Result switch
            {
                ReturnKind.Value => "string ",
                ReturnKind.Task => "async Task<string> ",
                ReturnKind.ValueTask => "async ValueTask<string> ",
                ReturnKind.Void => "void ",
                ReturnKind.TaskVoid => "async Task ",
                _ => "async ValueTask ",
            });
            source.Append(shape.Name).Append(shape.IsGeneric ? "<T>(" : "(").Append(string.Join(", ", Parameters(shape))).Append(") { ");
            if (shape.Result is not (ReturnKind.Value or ReturnKind.Void))
            {
                source.Append("await Task.Yield(); ");
            }

            source.Append($"Probe.Hit(\"{shape.Name}\"); ");
            source.Append(shape.Result.HasResult() ? "return \"r\"; }\n" : "}\n");
        }

        source.Append("""
            }

            public static class Program
            {
                public static async Task<string> Run()
                {
                    using var runtime = AgentCostRuntime.Create();
                    using var scope = AgentCostRuntime.Use(runtime);
                    var from = DateTimeOffset.UtcNow.AddMinutes(-1);
                    var shapes = new Shapes();

            """);

        if (path == Path.AgentTool)
        {
            source.AppendLine("        var tools = ShapesAgentTools.Create(shapes);");
        }

        for (var i = 0; i < shapes.Count; i++)
        {
            var shape = shapes[i];
            var receiver = shape.IsStatic ? "Shapes" : "shapes";
            switch (path)
            {
                case Path.Call:
                    var call = $"{shape.Call(receiver)}({string.Join(", ", Arguments(shape))})";
                    var statement = shape.Result is ReturnKind.Value or ReturnKind.Void ? call : "await " + call;
                    source.AppendLine($"        {statement}; {statement};");
                    break;
                case Path.ToolFactory:
                    source.AppendLine($"        var f{i} = AIFunctionFactory.Create({shape.Call(receiver)});");
                    source.AppendLine($"        await f{i}.InvokeAsync(Arguments({Json(shape)})); await f{i}.InvokeAsync(Arguments({Json(shape)}));");
                    break;
                default:
                    source.AppendLine($"        await tools[{i}].InvokeAsync(Arguments({Json(shape)})); await tools[{i}].InvokeAsync(Arguments({Json(shape)}));");
                    break;
            }
        }

        source.AppendLine("        var lines = new List<string>();");
        foreach (var shape in shapes)
        {
            source.AppendLine($"        lines.Add(\"{shape.Name} runs=\" + Probe.Runs.GetValueOrDefault(\"{shape.Name}\") + \" \" + Probe.Seen.GetValueOrDefault(\"{shape.Name}\"));");
        }

        if (policy == Policy.AgentTask)
        {
            source.Append("""
                        var report = await runtime.Spending.GetReportAsync(from, DateTimeOffset.UtcNow.AddMinutes(1));
                        lines.AddRange(report.Tasks.Select(t => $"report {t.Name}:{t.Succeeded}/{t.Tasks}"));

                """);
        }

        source.Append("""
                    return string.Join("\n", lines);
                }

                private static AIFunctionArguments Arguments(string json)
                    => new(JsonSerializer.Deserialize<Dictionary<string, object?>>(json)!);
            }

            """);
        return source.ToString();
    }

    // The first parameter is the only string (the prompt of a [RouteModel] method), the others are numbers.
    private static IEnumerable<string> Parameters(Shape shape)
        => Enumerable.Range(0, shape.Arity).Select(i => i == 0 ? (shape.IsGeneric ? "T p0" : "string p0") : $"int p{i}");

    private static IEnumerable<string> Arguments(Shape shape)
        => Enumerable.Range(0, shape.Arity).Select(i => i == 0 ? "\"x\"" : i.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static string Json(Shape shape)
    {
        var members = Enumerable.Range(0, shape.Arity).Select(i => i == 0 ? "\"p0\":\"x\"" : $"\"p{i}\":{i}");
        return SymbolLiteral("{" + string.Join(",", members) + "}");
    }

    private static string SymbolLiteral(string value) => Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(value, quote: true);
}
