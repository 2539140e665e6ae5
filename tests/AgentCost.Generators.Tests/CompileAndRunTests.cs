using AgentCost.Generators.Tests.Infrastructure;

namespace AgentCost.Generators.Tests;

/// <summary>
/// Intercepted programs run: a second call with equal key arguments is served from the cache without running the
/// method again. Each program counts its method's executions and isolates itself with its own runtime.
/// </summary>
public sealed class CompileAndRunTests
{
    private const string Usings = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using AgentCost;
        using AgentCost.Hosting;

        """;

    [Fact]
    public async Task InstanceTaskMethod()
    {
        var output = await RunAsync("""
            public sealed class Tools
            {
                public int Executions;

                [Cached]
                public async Task<string> AskAsync(string prompt, CancellationToken cancellationToken)
                {
                    Executions++;
                    await Task.Yield();
                    return prompt.ToUpperInvariant();
                }
            }

            public static class Program
            {
                public static async Task<string> Run()
                {
                    using var runtime = AgentCostRuntime.Create();
                    using var scope = AgentCostRuntime.Use(runtime);
                    var tools = new Tools();
                    using var cancellation = new CancellationTokenSource();
                    var first = await tools.AskAsync("hello", cancellation.Token);
                    var second = await tools.AskAsync("hello", CancellationToken.None);
                    var other = await tools.AskAsync("other", default);
                    var statistics = runtime.Cache.GetStatistics("Tools.AskAsync");
                    return $"{first} {second} {other} executions={tools.Executions} hits={statistics.Hits}";
                }
            }
            """);

        Assert.Equal("HELLO HELLO OTHER executions=2 hits=1", output);
    }

    [Fact]
    public async Task CancellingTheFirstCallerOfAMissFailsOnlyThatCaller()
    {
        // Twenty callers wait for one run; the first cancels while it runs. The method runs with the cache's shared
        // token, so the other nineteen still get its result; a synchronous method waits in the same way.
        var output = await RunAsync("""
            using System.Linq;

            public sealed class Tools
            {
                public int Executions;
                public CancellationToken Seen;
                public readonly TaskCompletionSource Started = new(TaskCreationOptions.RunContinuationsAsynchronously);
                public readonly TaskCompletionSource Gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

                [Cached]
                public async Task<string> ResearchAsync(string topic, CancellationToken cancellationToken)
                {
                    Interlocked.Increment(ref Executions);
                    Seen = cancellationToken;
                    Started.TrySetResult();
                    await Gate.Task.WaitAsync(cancellationToken);
                    return "report on " + topic;
                }

                [Cached]
                public int Measure(string text, CancellationToken cancellationToken)
                {
                    Interlocked.Increment(ref Executions);
                    Seen = cancellationToken;
                    return text.Length;
                }
            }

            public static class Program
            {
                public static async Task<string> Run()
                {
                    using var runtime = AgentCostRuntime.Create();
                    using var scope = AgentCostRuntime.Use(runtime);
                    var tools = new Tools();
                    using var first = new CancellationTokenSource();
                    var firstCall = tools.ResearchAsync("agents", first.Token);
                    await tools.Started.Task;
                    var others = Enumerable.Range(0, 19).Select(_ => new CancellationTokenSource()).ToList();
                    var otherCalls = others.Select(cts => tools.ResearchAsync("agents", cts.Token)).ToList();
                    first.Cancel();
                    string firstOutcome;
                    try
                    {
                        await firstCall;
                        firstOutcome = "completed";
                    }
                    catch (OperationCanceledException ex)
                    {
                        firstOutcome = ex.CancellationToken == first.Token ? "cancelled by its own token" : "cancelled by another token";
                    }

                    var bodyCancelled = tools.Seen.IsCancellationRequested;
                    tools.Gate.SetResult();
                    var results = await Task.WhenAll(otherCalls);
                    using var caller = new CancellationTokenSource();
                    var length = tools.Measure("twelve chars", caller.Token);
                    return $"first {firstOutcome}; body cancelled={bodyCancelled}; {results.Count(r => r == "report on agents")} results; executions={tools.Executions}; length={length}";
                }
            }
            """);

        Assert.Equal("first cancelled by its own token; body cancelled=False; 19 results; executions=2; length=12", output);
    }

    [Fact]
    public async Task StaticSynchronousMethod()
    {
        var output = await RunAsync("""
            public static class Calculator
            {
                public static int Executions;

                [Cached]
                public static int Add(int left, int right)
                {
                    Executions++;
                    return left + right;
                }
            }

            public static class Program
            {
                public static Task<string> Run()
                {
                    using var runtime = AgentCostRuntime.Create();
                    using var scope = AgentCostRuntime.Use(runtime);
                    var sum = Calculator.Add(1, 2) + Calculator.Add(1, 2) + Calculator.Add(2, 1);
                    return Task.FromResult($"{sum} executions={Calculator.Executions}");
                }
            }
            """);

        Assert.Equal("9 executions=2", output);
    }

    [Fact]
    public async Task ValueTaskMethod()
    {
        var output = await RunAsync("""
            public sealed class Lookup
            {
                public int Executions;

                [Cached(TtlSeconds = 60, Version = 3)]
                public async ValueTask<int> LengthAsync(string text, [NotCacheKey] string correlationId)
                {
                    Executions++;
                    await Task.Yield();
                    return text.Length;
                }
            }

            public static class Program
            {
                public static async Task<string> Run()
                {
                    using var runtime = AgentCostRuntime.Create();
                    using var scope = AgentCostRuntime.Use(runtime);
                    var lookup = new Lookup();
                    var total = await lookup.LengthAsync("four", "a") + await lookup.LengthAsync("four", "b");
                    return $"{total} executions={lookup.Executions}";
                }
            }
            """);

        Assert.Equal("8 executions=1", output);
    }

    [Fact]
    public async Task GenericMethod()
    {
        var output = await RunAsync("""
            public static class Echo
            {
                public static int Executions;

                [Cached]
                public static T[] Twice<T>(T value)
                {
                    Executions++;
                    return new[] { value, value };
                }
            }

            public static class Program
            {
                public static Task<string> Run()
                {
                    using var runtime = AgentCostRuntime.Create();
                    using var scope = AgentCostRuntime.Use(runtime);
                    var numbers = Echo.Twice(7).Length + Echo.Twice<int>(7).Length;
                    var words = string.Join(",", Echo.Twice("a")) + string.Join(",", Echo.Twice("a"));

                    // Different type arguments are different methods, even where the argument encodes alike.
                    var longs = Echo.Twice(7L).Length;
                    return Task.FromResult($"{numbers} {words} {longs} executions={Echo.Executions}");
                }
            }
            """);

        Assert.Equal("4 a,aa,a 2 executions=3", output);
    }

    [Fact]
    public async Task ExtensionMethodInBothForms()
    {
        var output = await RunAsync("""
            public static class TextExtensions
            {
                public static int Executions;

                [Cached]
                public static string Shout(this string text, int times)
                {
                    Executions++;
                    return text.ToUpperInvariant() + new string('!', times);
                }
            }

            public static class Program
            {
                public static Task<string> Run()
                {
                    using var runtime = AgentCostRuntime.Create();
                    using var scope = AgentCostRuntime.Use(runtime);
                    var text = "hi".Shout(2) + TextExtensions.Shout("hi", 2);
                    return Task.FromResult($"{text} executions={TextExtensions.Executions}");
                }
            }
            """);

        Assert.Equal("HI!!HI!! executions=1", output);
    }

    [Fact]
    public async Task CallsInLambdasAndLocalFunctions()
    {
        var output = await RunAsync("""
            public sealed class Tools
            {
                public int Executions;

                [Cached]
                public string Describe(int id)
                {
                    Executions++;
                    return "#" + id;
                }
            }

            public static class Program
            {
                public static Task<string> Run()
                {
                    using var runtime = AgentCostRuntime.Create();
                    using var scope = AgentCostRuntime.Use(runtime);
                    var tools = new Tools();
                    Func<int, string> lambda = id => tools.Describe(id);
                    var text = lambda(1) + Local(1) + tools.Describe(1);
                    return Task.FromResult($"{text} executions={tools.Executions}");

                    string Local(int id) => tools.Describe(id);
                }
            }
            """);

        Assert.Equal("#1#1#1 executions=1", output);
    }

    [Fact]
    public async Task MethodFromReferencedAssembly()
    {
        var library = GeneratorHarness.CreateLibraryReference("""
            using System.Threading.Tasks;
            using AgentCost;

            namespace Library;

            public class Catalog
            {
                public int Executions;

                [Cached]
                public Task<string> TitleAsync(int id)
                {
                    Executions++;
                    return Task.FromResult("title " + id);
                }
            }
            """, "Library", out var image);

        var output = await RunAsync("""
            public static class Program
            {
                public static async Task<string> Run()
                {
                    using var runtime = AgentCostRuntime.Create();
                    using var scope = AgentCostRuntime.Use(runtime);
                    var catalog = new Library.Catalog();
                    var titles = await catalog.TitleAsync(1) + ", " + await catalog.TitleAsync(1);
                    return $"{titles} executions={catalog.Executions}";
                }
            }
            """, library, image);

        Assert.Equal("title 1, title 1 executions=1", output);
    }

    [Fact]
    public async Task TokenBudgetMethodsRunInTheirScope()
    {
        var output = await RunAsync("""
            public sealed class Agent
            {
                public string Seen = "";

                [TokenBudget(3000, FinalAnswerReserve = 500)]
                public void Note() => Seen += AgentCost.TokenBudget.Current?.Total + ";";

                [TokenBudget(2000, FinalAnswerReserve = 500)]
                public async Task PlanAsync()
                {
                    await Task.Yield();
                    Seen += AgentCost.TokenBudget.Current?.Total + ";";
                }

                [TokenBudget(1000, FinalAnswerReserve = 100)]
                [Cached]
                public int Step(int n)
                {
                    Seen += AgentCost.TokenBudget.Current?.Total + ";";
                    return n;
                }
            }

            public static class Program
            {
                public static async Task<string> Run()
                {
                    using var runtime = AgentCostRuntime.Create();
                    using var scope = AgentCostRuntime.Use(runtime);
                    var agent = new Agent();
                    agent.Note();
                    await agent.PlanAsync();
                    agent.Step(1);
                    agent.Step(1);
                    return agent.Seen + (AgentCost.TokenBudget.Current is null ? "closed" : "open");
                }
            }
            """);

        Assert.Equal("3000;2000;1000;closed", output);
    }

    [Fact]
    public async Task RouteModelMethodsRunInsideTheirRoute()
    {
        var output = await RunAsync("""
            using System.Collections.Generic;
            using AgentCost.Routing;
            using Microsoft.Extensions.AI;

            public sealed class Agent
            {
                public string Seen = "";
                public int Executions;

                private void See()
                {
                    var route = ModelRouting.Current;
                    Seen += route is null
                        ? "none;"
                        : $"{route.Name}|{route.Policy.Tier}|{route.Policy.MinTier}|{route.Policy.MaxTier}|{route.Prompt};";
                }

                [RouteModel]
                public async Task<string> AnswerAsync(string question, CancellationToken cancellationToken)
                {
                    await Task.Yield();
                    See();
                    return question;
                }

                [RouteModel(MinTier = "medium", MaxTier = "complex")]
                public int Chat(int depth, IList<ChatMessage> history)
                {
                    See();
                    return depth;
                }

                [RouteModel(Tier = "reasoning")]
                public void Prove(string context, [Prompt] string claim) => See();

                [RouteModel]
                public void Plan(int steps) => See();

                [RouteModel]
                [Cached]
                public string Summarize(string text)
                {
                    Executions++;
                    See();
                    return text;
                }
            }

            public static class Program
            {
                public static async Task<string> Run()
                {
                    using var runtime = AgentCostRuntime.Create();
                    using var scope = AgentCostRuntime.Use(runtime);
                    var agent = new Agent();
                    await agent.AnswerAsync("what is 2+2?", CancellationToken.None);
                    agent.Chat(1, new List<ChatMessage> { new(ChatRole.System, "be brief"), new(ChatRole.User, "hello"), new(ChatRole.User, "there") });
                    agent.Prove("axioms", "P=NP");
                    agent.Plan(3);
                    agent.Summarize("long text");
                    agent.Summarize("long text");
                    return agent.Seen + "executions=" + agent.Executions + ";" + (ModelRouting.Current is null ? "closed" : "open");
                }
            }
            """);

        Assert.Equal(
            "Agent.AnswerAsync||||what is 2+2?;" +
            "Agent.Chat||medium|complex|hello\nthere;" +
            "Agent.Prove|reasoning|||P=NP;" +
            "Agent.Plan||||;" +
            "Agent.Summarize||||long text;" +
            "executions=1;closed",
            output);
    }

    [Fact]
    public async Task AgentTaskMethodsRunAsTasksThatSucceedOrFail()
    {
        var output = await RunAsync("""
            public sealed class Agent
            {
                public string Seen = "";

                [AgentTask("research")]
                public async Task<string> ResearchAsync(bool fail)
                {
                    await Task.Yield();
                    Seen += AgentCost.AgentTask.Current?.Name + ";";
                    if (fail)
                    {
                        throw new InvalidOperationException("no answer");
                    }

                    return "answer";
                }

                [AgentTask]
                public void Tidy() => Seen += AgentCost.AgentTask.Current?.Name + ";";
            }

            public static class Program
            {
                public static async Task<string> Run()
                {
                    using var runtime = AgentCostRuntime.Create();
                    using var scope = AgentCostRuntime.Use(runtime);
                    var from = DateTimeOffset.UtcNow.AddMinutes(-1);
                    var agent = new Agent();
                    await agent.ResearchAsync(false);
                    try { await agent.ResearchAsync(true); } catch (InvalidOperationException) { }
                    agent.Tidy();
                    var report = await runtime.Spending.GetReportAsync(from, DateTimeOffset.UtcNow.AddMinutes(1));
                    var tasks = string.Join(",", System.Linq.Enumerable.Select(
                        System.Linq.Enumerable.OrderBy(report.Tasks, t => t.Name, StringComparer.Ordinal),
                        t => $"{t.Name}:{t.Succeeded}/{t.Tasks}"));
                    return agent.Seen + (AgentCost.AgentTask.Current is null ? "closed " : "open ") + tasks;
                }
            }
            """);

        Assert.Equal("research;research;Agent.Tidy;closed Agent.Tidy:1/1,research:1/2", output);
    }

    [Fact]
    public async Task WithoutTheGeneratorEveryCallRuns()
    {
        // The control for the tests above: the same kind of program, compiled without interceptors.
        var compilation = GeneratorHarness.CreateCompilation(Usings + """
            public static class Calculator
            {
                public static int Executions;

                [Cached]
                public static int Add(int left, int right) => ++Executions + left + right;
            }

            public static class Program
            {
                public static Task<string> Run()
                {
                    Calculator.Add(1, 2);
                    Calculator.Add(1, 2);
                    return Task.FromResult($"executions={Calculator.Executions}");
                }
            }
            """);

        Assert.Equal("executions=2", await ProgramRunner.RunAsync(compilation));
    }

    private static Task<string> RunAsync(string source, Microsoft.CodeAnalysis.MetadataReference? library = null, byte[]? image = null)
    {
        var compilation = library is null
            ? GeneratorHarness.CreateCompilation(Usings + source)
            : GeneratorHarness.CreateCompilation(Usings + source, library);
        var run = GeneratorHarness.Run(compilation);
        Assert.Null(run.Result.Exception);
        Assert.NotNull(run.GeneratedText);
        Assert.Empty(run.CompilationProblems);
        return ProgramRunner.RunAsync(run.OutputCompilation, image is null ? [] : [image]);
    }
}
