using AgentCost.Generators.Tests.Infrastructure;

namespace AgentCost.Generators.Tests;

/// <summary>
/// The generated text for tools: <c>AIFunctionFactory.Create</c> calls given an annotated method group, and the tool
/// functions of <c>[AgentTool]</c> methods. Each case also checks that the output compiles without a warning and that
/// generating twice gives the same text.
/// </summary>
public sealed class ToolSnapshotTests
{
    [Fact]
    public void FactoryCallsWithMethodGroups() => Verify("""
        using System;
        using System.ComponentModel;
        using System.Threading;
        using System.Threading.Tasks;
        using AgentCost;
        using Microsoft.Extensions.AI;

        namespace Sample;

        public sealed class Tools
        {
            [Cached(TtlSeconds = 60)]
            [Description("Searches the library.")]
            public Task<string> SearchAsync([Description("What to look for")] string query, CancellationToken cancellationToken) => Task.FromResult(query);

            [Cached]
            public static int Add(int left, int right = 2) => left + right;

            [TokenBudget(4000)]
            public ValueTask LogAsync(string message) => default;

            public AIFunction[] Functions() =>
            [
                AIFunctionFactory.Create(SearchAsync),
                AIFunctionFactory.Create(this.SearchAsync, "search", "Finds passages."),
                AIFunctionFactory.Create(Add, new AIFunctionFactoryOptions { Name = "add" }),
                AIFunctionFactory.Create(new Func<string, ValueTask>(LogAsync)),
                // A lambda that forwards: its call is an ordinary call site.
                AIFunctionFactory.Create((string query) => SearchAsync(query, CancellationToken.None)),
            ];
        }
        """);

    [Fact]
    public void AgentToolClass() => Verify("""
        using System;
        using System.Collections.Generic;
        using System.ComponentModel;
        using System.Threading;
        using System.Threading.Tasks;
        using AgentCost;
        using Microsoft.Extensions.AI;

        namespace Sample;

        public enum Unit { Metric, Imperial }

        public sealed record Place(string City, string Country);

        public sealed class WeatherTools
        {
            [AgentTool(Description = "Gets the forecast.")]
            [Cached(TtlSeconds = 600)]
            public async Task<string> GetForecastAsync(
                [Description("The city")] string city,
                int days = 3,
                Unit unit = Unit.Metric,
                string? language = null,
                CancellationToken cancellationToken = default)
            {
                await Task.Yield();
                return city + days + unit + language;
            }

            [AgentTool]
            [Description("Lists places.")]
            public IReadOnlyList<Place> Places(Place near, double[] radii, bool? open = null) => [near];

            [AgentTool(Name = "ping")]
            public static void Ping(AIFunctionArguments arguments, IServiceProvider? services = null)
            {
            }
        }

        public static class MathTools
        {
            [AgentTool]
            [Cached]
            public static long Square(long value) => value * value;
        }
        """);

    [Fact]
    public void ParameterlessStaticMethods() => Verify("""
        using System.Threading.Tasks;
        using AgentCost;
        using Microsoft.Extensions.AI;

        namespace Sample;

        public static class Clock
        {
            [AgentTool]
            public static string CurrentTimezone() => "UTC";

            [AgentTool]
            [AgentTask]
            public static Task TickAsync() => Task.CompletedTask;

            [Cached]
            public static int AnswerToEverything() => 42;

            public static AIFunction Answer() => AIFunctionFactory.Create(AnswerToEverything);

            public static int Twice() => AnswerToEverything() + AnswerToEverything();
        }
        """);

    private static void Verify(string source, [System.Runtime.CompilerServices.CallerMemberName] string name = "")
    {
        var run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(source));

        Assert.Null(run.Result.Exception);
        Assert.Empty(run.Result.Diagnostics);
        Assert.True(run.CompilationProblems.Count == 0, string.Join(Environment.NewLine, run.CompilationProblems) + Environment.NewLine + run.AllGeneratedText);
        var text = run.AllGeneratedText;

        var again = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(source));
        Assert.Equal(text, again.AllGeneratedText);

        Snapshot.Match(text, name);
    }
}
