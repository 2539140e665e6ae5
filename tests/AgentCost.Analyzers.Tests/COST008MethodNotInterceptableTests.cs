using AgentCost.Analyzers.CodeFixes;
using AgentCost.Analyzers.Tests.Infrastructure;
using Verify = AgentCost.Analyzers.Tests.Infrastructure.Verifier<AgentCost.Analyzers.Rules.COST008MethodNotInterceptable>;

namespace AgentCost.Analyzers.Tests;

public sealed class COST008MethodNotInterceptableTests
{
    public static TheoryData<string, string> Reported => new()
    {
        { "private", "public class Tools { [Cached] private string {|COST008:Lookup|}(string q) => q; }" },
        { "protected", "public class Tools { [Cached] protected string {|COST008:Lookup|}(string q) => q; }" },
        { "private protected", "public class Tools { [Cached] private protected string {|COST008:Lookup|}(string q) => q; }" },
        { "private [TokenBudget]", "public class Agent { [TokenBudget(8000)] private Task<string> {|COST008:RunAsync|}(string q) => Task.FromResult(q); }" },
        { "member of a private nested type", "public class Outer { private sealed class Tools { [Cached] public static string {|COST008:Lookup|}(string q) => q; } }" },
        { "member of a file-local type", "file static class Tools { [Cached] public static string {|COST008:Lookup|}(string q) => q; }" },
        { "ref parameter", "public class Tools { [Cached] public string {|COST008:Lookup|}(ref int q) => \"\"; }" },
        { "out parameter", "public class Tools { [Cached] public string {|COST008:Lookup|}(out int q) { q = 1; return \"\"; } }" },
        { "in parameter", "public class Tools { [Cached] public string {|COST008:Lookup|}(in int q) => \"\"; }" },
        { "ref return", "public class Tools { private int _value; [Cached] public ref int {|COST008:Lookup|}() => ref _value; }" },
        { "span parameter", "public class Tools { [Cached] public string {|COST008:Lookup|}(Span<int> q) => \"\"; }" },
        { "ref struct return", "public class Tools { [Cached] public Span<int> {|COST008:Lookup|}(int q) => default; }" },
        { "struct instance method", "public struct Tools { [Cached] public string {|COST008:Lookup|}(string q) => q; }" },
        { "static abstract interface member", "public interface ITools { [Cached] static abstract string {|COST008:Lookup|}(string q); }" },
        { "obsolete with an error", "public class Tools { [Obsolete(\"old\", true), Cached] public string {|COST008:Lookup|}(string q) => q; }" },
        { "local function", "public class Tools { public string Run() { return Lookup(\"x\"); [Cached] static string {|COST008:Lookup|}(string q) => q; } }" },
    };

    public static TheoryData<string, string> NotReported => new()
    {
        { "public", "public class Tools { [Cached] public string Lookup(string q) => q; }" },
        { "internal", "internal class Tools { [Cached] internal string Lookup(string q) => q; }" },
        { "protected internal", "public class Tools { [Cached] protected internal string Lookup(string q) => q; }" },
        { "static method of a struct", "public struct Tools { [Cached] public static string Lookup(string q) => q; }" },
        { "generic method", "public class Tools { [Cached] public T Echo<T>(T value) => value; }" },
        { "interface method", "public interface ITools { [Cached] string Lookup(string q); }" },
        { "unannotated private method", "public class Tools { private string Lookup(string q) => q; }" },
        { "pointer parameter, which COST003 reports", "public class Tools { [Cached] public unsafe string Lookup(int* q) => \"\"; }" },
    };

    [Theory]
    [MemberData(nameof(Reported))]
    public Task ReportsMethodNoInterceptorCanCall(string shape, string declarations)
    {
        _ = shape;
        return Verify.AnalyzeAsync(Sources.Usings + "namespace Sample;\n\n" + declarations);
    }

    [Theory]
    [MemberData(nameof(NotReported))]
    public Task IgnoresInterceptableMethod(string shape, string declarations)
    {
        _ = shape;
        return Verify.AnalyzeAsync(Sources.Usings + "namespace Sample;\n\n" + declarations);
    }

    private const string AgentToolAttribute = """

        namespace AgentCost
        {
            [System.AttributeUsage(System.AttributeTargets.Method)]
            public sealed class AgentToolAttribute : System.Attribute { }
        }
        """;

    [Fact]
    public Task ReportsGenericAgentTool()
        => Verify.AnalyzeAsync(
            [Sources.Usings + "namespace Sample { public class Tools { [AgentTool] public T {|COST008:Echo|}<T>(T value) => value; } }", AgentToolAttribute],
            editorConfig: null,
            Microsoft.CodeAnalysis.OutputKind.DynamicallyLinkedLibrary);

    [Fact]
    public Task ReportsAgentToolOfAGenericType()
        => Verify.AnalyzeAsync(
            [Sources.Usings + "namespace Sample { public class Tools<T> { [AgentTool] public string {|COST008:Describe|}(string topic) => topic; } }", AgentToolAttribute],
            editorConfig: null,
            Microsoft.CodeAnalysis.OutputKind.DynamicallyLinkedLibrary);

    [Fact]
    public Task ReportsPrivateAgentTool()
        => Verify.AnalyzeAsync(
            [Sources.Usings + "namespace Sample { public class Tools { [AgentTool] private string {|COST008:Describe|}(string topic) => topic; } }", AgentToolAttribute],
            editorConfig: null,
            Microsoft.CodeAnalysis.OutputKind.DynamicallyLinkedLibrary);

    [Fact]
    public Task IgnoresAgentToolThatCanBeGenerated()
        => Verify.AnalyzeAsync(
            [Sources.Usings + "namespace Sample { public class Tools { [AgentTool] public string Describe(string topic) => topic; } }", AgentToolAttribute],
            editorConfig: null,
            Microsoft.CodeAnalysis.OutputKind.DynamicallyLinkedLibrary);

    [Fact]
    public Task MessageSaysWhy()
        => Verify.AnalyzeAsync(
            Sources.Usings + "namespace Sample;\n\npublic class Tools { [Cached] private string {|#0:Lookup|}(string q) => q; }",
            Verify.Diagnostic("COST008").WithLocation(0).WithArguments(
                "Cached", "Lookup", "it is private, and the generated interceptors in another file of the project cannot call it"));

    [Fact]
    public Task FixMakesPrivateMethodInternal()
        => Verify.FixAsync<COST008CodeFixProvider>(
            """
            using AgentCost;

            namespace Sample;

            public class Tools
            {
                [Cached]
                private string {|COST008:Lookup|}(string q) => q;
            }
            """,
            """
            using AgentCost;

            namespace Sample;

            public class Tools
            {
                [Cached]
                internal string Lookup(string q) => q;
            }
            """);

    [Fact]
    public Task FixMakesProtectedMethodProtectedInternal()
        => Verify.FixAsync<COST008CodeFixProvider>(
            """
            using AgentCost;

            namespace Sample;

            public class Tools
            {
                [Cached]
                protected virtual string {|COST008:Lookup|}(string q) => q;
            }
            """,
            """
            using AgentCost;

            namespace Sample;

            public class Tools
            {
                [Cached]
                protected internal virtual string Lookup(string q) => q;
            }
            """);
}
