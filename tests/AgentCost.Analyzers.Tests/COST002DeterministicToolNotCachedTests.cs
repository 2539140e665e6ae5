using AgentCost.Analyzers.CodeFixes;
using AgentCost.Analyzers.Tests.Infrastructure;
using Verify = AgentCost.Analyzers.Tests.Infrastructure.Verifier<AgentCost.Analyzers.Rules.COST002DeterministicToolNotCached>;

namespace AgentCost.Analyzers.Tests;

public sealed class COST002DeterministicToolNotCachedTests
{
    public static TheoryData<string, string, string> Reported => new()
    {
        {
            "[KernelFunction] and [Pure]",
            """
            [Microsoft.SemanticKernel.KernelFunction, System.Diagnostics.Contracts.Pure]
            public decimal {|COST002:Convert|}(decimal amount, string currency) => amount;
            """,
            ""
        },
        {
            "[McpServerTool] and [Deterministic]",
            """
            [ModelContextProtocol.Server.McpServerTool, Deterministic]
            public Task<string> {|COST002:LookUpAsync|}(string isbn) => Task.FromResult(isbn);
            """,
            ""
        },
        {
            "[Description] handed to AIFunctionFactory.Create",
            """
            [Description("Gets the capital of a country"), Deterministic]
            public static string {|COST002:Capital|}(string country) => country;

            public static AIFunction Tool() => AIFunctionFactory.Create(Capital);
            """,
            ""
        },
        {
            "[Description] handed to AIFunctionFactory.Create in another class",
            """
            [Description("Counts words"), System.Diagnostics.Contracts.Pure]
            public int {|COST002:CountWords|}(string text) => text.Split(' ').Length;
            """,
            """
            public static class Registration
            {
                public static AIFunction Create(Tools tools) => AIFunctionFactory.Create(tools.CountWords);
            }
            """
        },
    };

    public static TheoryData<string, string, string> NotReported => new()
    {
        {
            "already [Cached]",
            """
            [Microsoft.SemanticKernel.KernelFunction, Deterministic, Cached(TtlSeconds = 600)]
            public string Convert(string text) => text;
            """,
            ""
        },
        {
            "not declared deterministic",
            """
            [Microsoft.SemanticKernel.KernelFunction]
            public string Now(string zone) => DateTime.UtcNow.ToString();
            """,
            ""
        },
        {
            "deterministic but not a tool",
            """
            [Deterministic]
            public string Normalise(string text) => text.Trim();
            """,
            ""
        },
        {
            "[Description] never handed to AIFunctionFactory.Create",
            """
            [Description("Counts words"), Deterministic]
            public int CountWords(string text) => text.Split(' ').Length;
            """,
            ""
        },
        {
            "no result to cache",
            """
            [Microsoft.SemanticKernel.KernelFunction, Deterministic]
            public Task Validate(string text) => Task.CompletedTask;
            """,
            ""
        },
    };

    [Fact]
    public Task AgentToolIsMatchedByName()
        => Verify.AnalyzeAsync(
            [
                Sources.Usings + """
                    namespace Sample
                    {
                        public class Tools
                        {
                            [AgentTool, Deterministic]
                            public string {|COST002:Normalise|}(string text) => text.Trim();
                        }
                    }
                    """,
                """
                namespace AgentCost
                {
                    [System.AttributeUsage(System.AttributeTargets.Method)]
                    public sealed class AgentToolAttribute : System.Attribute { }
                }
                """,
            ],
            editorConfig: null,
            Microsoft.CodeAnalysis.OutputKind.DynamicallyLinkedLibrary);

    [Theory]
    [MemberData(nameof(Reported))]
    public Task ReportsDeterministicToolWithoutCache(string shape, string members, string after)
    {
        _ = shape;
        return Verify.AnalyzeAsync(Sources.Tools(members, after));
    }

    [Theory]
    [MemberData(nameof(NotReported))]
    public Task IgnoresOtherMethods(string shape, string members, string after)
    {
        _ = shape;
        return Verify.AnalyzeAsync(Sources.Tools(members, after));
    }

    [Fact]
    public Task FixAddsCached()
        => Verify.FixAsync<COST002CodeFixProvider>(
            """
            using System.Diagnostics.Contracts;
            using Microsoft.SemanticKernel;

            namespace Sample;

            public class Tools
            {
                /// <summary>Converts an amount.</summary>
                [KernelFunction, Pure]
                public decimal {|COST002:Convert|}(decimal amount) => amount * 2;
            }
            """,
            """
            using System.Diagnostics.Contracts;
            using AgentCost;
            using Microsoft.SemanticKernel;

            namespace Sample;

            public class Tools
            {
                /// <summary>Converts an amount.</summary>
                [KernelFunction, Pure]
                [Cached]
                public decimal Convert(decimal amount) => amount * 2;
            }
            """);
}
