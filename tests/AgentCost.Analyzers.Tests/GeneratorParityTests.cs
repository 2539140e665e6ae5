using AgentCost.Analyzers.Tests.Infrastructure;
using AgentCost.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AgentCost.Analyzers.Tests;

/// <summary>
/// The misuse rules report exactly the calls the generator does not intercept: every annotated call is either
/// intercepted, or explained by COST003–COST008; and no intercepted call draws a rule that says it is not.
/// </summary>
public sealed class GeneratorParityTests
{
    private static readonly string[] s_notInterceptedRules = ["COST004", "COST005", "COST006", "COST007", "COST008", "COST011"];

    public static TheoryData<string, string> Skipped => new()
    {
        { "private method", Members("[Cached] private string M(int x) => \"\";", "M(1)") },
        { "protected method", Members("[Cached] protected string M(int x) => \"\";", "M(1)") },
        { "private protected method", Members("[Cached] private protected string M(int x) => \"\";", "M(1)") },
        { "method of a private nested type", Members("private sealed class Inner { [Cached] public static string M() => \"\"; }", "Inner.M()") },
        { "method of a file-local type", "file static class Hidden { [AgentCost.Cached] public static string M() => \"\"; } static class Program { static string Run() => Hidden.M(); }" },
        { "ref parameter", Members("[Cached] public static string M(ref int x) => \"\";", "M(ref field)") },
        { "out parameter", Members("[Cached] public static string M(out int x) { x = 1; return \"\"; }", "M(out _)") },
        { "in parameter", Members("[Cached] public static string M(in int x) => \"\";", "M(in field)") },
        { "ref readonly parameter", Members("[Cached] public static string M(ref readonly int x) => \"\";", "M(in field)") },
        { "ref return", Members("[Cached] public ref int M() => ref field;", "M()") },
        { "ref readonly return", Members("[Cached] public ref readonly int M() => ref field;", "M()") },
        { "void return", Members("[Cached] public static void M(int x) { }", "M(1)", statement: true) },
        { "Task return", Members("[Cached] public static Task M(int x) => Task.CompletedTask;", "M(1)") },
        { "ValueTask return", Members("[Cached] public static ValueTask M(int x) => default;", "M(1)") },
        { "IAsyncEnumerable return", Members("[Cached] public static async IAsyncEnumerable<int> M() { await Task.Yield(); yield return 1; }", "M()") },
        { "nullable ValueTask return", Members("[Cached] public static ValueTask<int>? M() => null;", "M()") },
        { "derived Task return", Members("[Cached] public static MyTask M() => new();", "M()") + " public sealed class MyTask() : Task<int>(() => 1);" },
        { "struct instance method", "public struct S { [AgentCost.Cached] public string M(int x) => \"\"; } static class Program { static string Run(S s) => s.M(1); }" },
        { "type parameter receiver", "public class C { [AgentCost.Cached] public string M(int x) => \"\"; } static class Program { static string Run<T>(T t) where T : C => t.M(1); }" },
        { "base receiver", "public class B { [AgentCost.Cached] public virtual string M() => \"\"; } public class D : B { public override string M() => base.M(); }" },
        { "type parameter type argument", Members("[Cached] public static T M<T>(T x) => x;", "G(1); } static T G<T>(T t) { return M(t);") },
        { "inaccessible type argument", Members("[Cached] public static T M<T>(T x) => x; private sealed class P { }", "M(new P()).ToString()") },
        { "anonymous type argument", Members("[Cached] public static T M<T>(T x) => x;", "M(new { A = 1 }).ToString()") },
        { "open generic containing type", "public class Repo<T> { [AgentCost.Cached] public string M(int x) => \"\"; public string Run() => M(1); }" },
        { "inaccessible parameter type", Members("private sealed class P { } [Cached] private static string N(P p) => \"\";", "N(new P())") },
        { "dynamic argument", Members("[Cached] public static string M(string x) => x;", "M((dynamic)\"a\")") },
        { "dynamic parameter", Members("[Cached] public static string M(dynamic x) => \"\";", "M(1)") },
        { "pointer parameter", Members("[Cached] public static unsafe string M(int* x) => \"\";", "M(null)") },
        { "span parameter", Members("[Cached] public static string M(System.Span<int> x) => \"\";", "M(default)") },
        { "expression tree", Members("[Cached] public static string M(int x) => \"\";", "((System.Linq.Expressions.Expression<System.Func<string>>)(() => M(1))).ToString()") },
        { "query on IQueryable", Members("[Cached] public static string M(int x) => \"\";", "(from x in System.Linq.Queryable.AsQueryable(new[] { 1 }) select M(x)).ToString()").Replace("using System.Collections.Generic;", "using System.Linq;") },
        { "negative TTL", Members("[Cached(TtlSeconds = -1)] public static string M(int x) => \"\";", "M(1)") },
        { "error obsolete method", Members("[System.Obsolete(\"no\", true)] [Cached] public static string M(int x) => \"\";", "M(1)") },
        { "local function", Members(string.Empty, "L(1); [Cached] static string L(int x) => \"\";") },
        { "static abstract interface member", "public interface I { [AgentCost.Cached] static abstract string M(); } static class Program { static string Run<T>() where T : I => T.M(); }" },
        { "delegate", Members("[Cached] public static string M(int x) => \"\";", "new System.Func<int, string>(M)(1)") },
        { "[SemanticCached] with no prompt", Members("[SemanticCached] public static string M(int x) => \"\";", "M(1)") },
        { "[SemanticCached] with two prompts", Members("[SemanticCached] public static string M(string a, string b) => a;", "M(\"a\", \"b\")") },
        { "[SemanticCached] on a ChatMessage prompt", Members("[SemanticCached] public static string M(List<Microsoft.Extensions.AI.ChatMessage> history) => \"\";", "M(new())") },
        { "[SemanticCached] on an int [Prompt]", Members("[SemanticCached] public static string M([Prompt] int x, string y) => y;", "M(1, \"y\")") },
        { "[SemanticCached] and [Cached]", Members("[SemanticCached] [Cached] public static string M(string x) => x;", "M(\"x\")") },
        { "[SemanticCached] with no result", Members("[SemanticCached] public static Task M(string x) => Task.CompletedTask;", "M(\"x\")") },
        { "[SemanticCached] with a negative TTL", Members("[SemanticCached(TtlSeconds = -1)] public static string M(string x) => x;", "M(\"x\")") },
        { "[SemanticCached] with a threshold above 1", Members("[SemanticCached(Threshold = 1.5)] public static string M(string x) => x;", "M(\"x\")") },
        { "[SemanticCached] private method", Members("[SemanticCached] private string M(string x) => x;", "M(\"x\")") },
        { "[SemanticCached] base receiver", "public class B { [AgentCost.SemanticCached] public virtual string M(string x) => x; } public class D : B { public override string M(string x) => base.M(x); }" },
    };

    public static TheoryData<string, string> Intercepted => new()
    {
        { "instance method", Members("[Cached] public string M(int x) => \"\";", "M(1)") },
        { "static method", Members("[Cached] public static string M(int x) => \"\";", "M(1)") },
        { "internal method", Members("[Cached] internal static int M(int x) => x;", "M(1)") },
        { "protected internal method", Members("[Cached] protected internal int M(int x) => x;", "M(1)") },
        { "Task<T> method", Members("[Cached] public static Task<int> M(int x) => Task.FromResult(x);", "M(1)") },
        { "ValueTask<T> method", Members("[Cached] public static ValueTask<int> M(int x) => new(x);", "M(1)") },
        { "generic method with a known type argument", Members("[Cached] public static T M<T>(T x) => x;", "M(1).ToString()") },
        { "generic method of a generic type", Members("public sealed class Box<T> { [Cached] public static TOut Map<TOut>(T value, TOut result) => result; }", "Box<int>.Map(1, \"a\")") },
        { "struct static method", "public struct S { [AgentCost.Cached] public static int M(int x) => x; } static class Program { static int Run() => S.M(1); }" },
        { "extension method in both forms", "public static class E { [AgentCost.Cached] public static int Twice(this int x) => x * 2; } static class Program { static int Run() => 2.Twice() + E.Twice(3); }" },
        { "interface receiver", "public interface ITools { [AgentCost.Cached] int M(int x); } static class Program { static int Run(ITools tools) => tools.M(1); }" },
        { "derived receiver", "public class B { [AgentCost.Cached] public virtual int M(int x) => x; } public sealed class D : B { } static class Program { static int Run(D d) => d.M(1); }" },
        { "conditional access", Members("[Cached] public int M(int x) => x;", "(this as Tools)?.M(1)") },
        { "call in a lambda", Members("[Cached] public static int M(int x) => x;", "new System.Func<int>(() => M(1))()") },
        { "NotCacheKey and CancellationToken", Members("[Cached] public static int M(int x, [NotCacheKey] string tag, System.Threading.CancellationToken ct) => x;", "M(1, \"t\", default)") },
        { "[SemanticCached] method", Members("[SemanticCached] public string M(string question, int limit) => question;", "M(\"q\", 1)") },
        { "[SemanticCached] with a marked prompt", Members("[SemanticCached(Threshold = 0.9)] public static Task<string> M(string locale, [Prompt] string text) => Task.FromResult(text);", "M(\"fr\", \"t\")") },
        { "[SemanticCached] with a token budget", Members("[SemanticCached] [TokenBudget(8000)] public static ValueTask<int> M(string q) => new(1);", "M(\"q\")") },
        { "obsolete method with a pragma", "public static class T2 { [System.Obsolete(\"old\")] [AgentCost.Cached] public static int M(int x) => x; }\n#pragma warning disable CS0618\nstatic class Program { static int Run() => T2.M(2); }" },
    };

    [Theory]
    [MemberData(nameof(Skipped))]
    public async Task EveryCallTheGeneratorSkipsIsReported(string description, string source)
    {
        var (intercepted, diagnostics) = await RunBothAsync(source);

        Assert.Equal(0, intercepted);
        Assert.True(
            diagnostics.Any(d => d.Id.StartsWith("COST", StringComparison.Ordinal) && d.Id != "COST001" && d.Id != "COST002"),
            $"{description}: the generator skips the call, and no rule says so");
    }

    [Theory]
    [MemberData(nameof(Intercepted))]
    public async Task NoInterceptedCallIsReportedAsNotIntercepted(string description, string source)
    {
        var (intercepted, diagnostics) = await RunBothAsync(source);

        Assert.True(intercepted > 0, $"{description}: the generator did not intercept the call");
        Assert.DoesNotContain(diagnostics, d => s_notInterceptedRules.Contains(d.Id));
    }

    private static async Task<(int Intercepted, IReadOnlyList<Diagnostic> Diagnostics)> RunBothAsync(string source)
    {
        var compilation = AnalyzerRunner.Compile(source);
        var driver = CSharpGeneratorDriver.Create([new InterceptorGenerator().AsSourceGenerator()], parseOptions: AnalyzerRunner.ParseOptions)
            .RunGenerators(compilation);
        var generated = driver.GetRunResult().GeneratedTrees.Select(tree => tree.ToString()).FirstOrDefault() ?? string.Empty;
        var intercepted = CountOccurrences(generated, "CompilerServices.InterceptsLocation");

        var (diagnostics, exceptions) = await AnalyzerRunner.RunAsync(compilation);
        Assert.Empty(exceptions);
        return (intercepted, diagnostics);
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var index = text.IndexOf(value, StringComparison.Ordinal); index >= 0; index = text.IndexOf(value, index + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    // A class with the given members, and a method that makes the given call (the generator tests' shape).
    private static string Members(string members, string call, bool statement = false) => $$"""
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using AgentCost;

        namespace Sample;

        public class Tools
        {
            private int field;

            {{members}}

            public object? Run()
            {
                {{(statement ? call + ";" : "return " + call + ";")}}
                {{(statement ? "return null;" : string.Empty)}}
            }
        }
        """;
}
