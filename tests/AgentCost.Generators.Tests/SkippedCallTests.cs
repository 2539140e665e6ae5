using AgentCost.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace AgentCost.Generators.Tests;

/// <summary>
/// Calls the generator cannot intercept get no interceptor and no diagnostic from the generator (the analyzers
/// explain them), and the generator does not throw, whether or not the code compiles.
/// </summary>
public sealed class SkippedCallTests
{
    public static TheoryData<string, string> Cases => new()
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
        { "inaccessible parameter type", Members("private sealed class P { } [Cached] internal static string M(object? p) => \"\"; [Cached] private static string N(P p) => \"\";", "N(new P())") },
        { "dynamic argument", Members("[Cached] public static string M(string x) => x;", "M((dynamic)\"a\")") },
        { "dynamic parameter", Members("[Cached] public static string M(dynamic x) => \"\";", "M(1)") },
        { "pointer parameter", Members("[Cached] public static unsafe string M(int* x) => \"\";", "M(null)") },
        { "span parameter", Members("[Cached] public static string M(System.Span<int> x) => \"\";", "M(default)") },
        { "unknown parameter type", Members("[Cached] public static string M(Missing x) => \"\";", "M(null!)") },
        { "missing argument", Members("[Cached] public static string M(int x, int y) => \"\";", "M(1)") },
        { "extra argument", Members("[Cached] public static string M(int x) => \"\";", "M(1, 2)") },
        { "ambiguous call", Members("[Cached] public static string M(long x, int y) => \"\"; [Cached] public static string M(int x, long y) => \"\";", "M(1, 1)") },
        { "expression tree", Members("[Cached] public static string M(int x) => \"\";", "((System.Linq.Expressions.Expression<System.Func<string>>)(() => M(1))).ToString()") },
        { "query on IQueryable", Members("[Cached] public static string M(int x) => \"\";", "(from x in System.Linq.Queryable.AsQueryable(new[] { 1 }) select M(x)).ToString()").Replace("using System.Collections.Generic;", "using System.Linq;") },
        { "negative TTL", Members("[Cached(TtlSeconds = -1)] public static string M(int x) => \"\";", "M(1)") },
        { "error obsolete method", Members("[System.Obsolete(\"no\", true)] [Cached] public static string M(int x) => \"\";", "M(1)") },
        { "local function", Members(string.Empty, "L(1); [Cached] static string L(int x) => \"\";") },
        { "static abstract interface member", "public interface I { [AgentCost.Cached] static abstract string M(); } static class Program { static string Run<T>() where T : I => T.M(); }" },
        { "nameof", Members("[Cached] public static string M(int x) => \"\";", "nameof(M)") },
        { "delegate", Members("[Cached] public static string M(int x) => \"\";", "new System.Func<int, string>(M)(1)") },
        { "unannotated", Members("public static string M(int x) => \"\";", "M(1)") },
        { "void return with a budget and a cache", Members("[Cached] [TokenBudget(100)] public static void M(int x) { }", "M(1)", statement: true) },
        { "factory: unannotated method group", Factory("public string M(int x) => \"\";", "M") },
        { "factory: extension method group", Factory(string.Empty, "this.M") + "public static class E { [AgentCost.Cached] public static string M(this Sample.Tools t, int x) => \"\"; }\n" },
        { "factory: base method group", Factory("public override string M(int x) => \"\";", "base.M").Replace("public class Tools", "public class Tools : B") + "public class B { [AgentCost.Cached] public virtual string M(int x) => \"\"; }\n" },
        { "factory: struct receiver", Factory(string.Empty, "default(S).M") + "public struct S { [AgentCost.Cached] public string M(int x) => \"\"; }\n" },
        { "factory: private method group", Factory("[Cached] private string M(int x) => \"\";", "M") },
        { "factory: delegate in a variable", Factory("[Cached] public string M(int x) => \"\";", "Pick()") + " public static class Holder { }" },
        { "factory: MethodInfo overload", Factory("[Cached] public string M(int x) => \"\";", "typeof(Tools).GetMethod(\"M\")!, this") },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void IsNotIntercepted(string description, string source)
    {
        var compilation = GeneratorHarness.CreateCompilation(source)
            .WithOptions(GeneratorHarness.CompilationOptions.WithAllowUnsafe(true));

        var run = GeneratorHarness.Run(compilation);

        Assert.Null(run.Result.Exception);
        Assert.Empty(run.Result.Diagnostics);
        Assert.True(run.GeneratedText is null, $"{description}: {run.GeneratedText}");
    }

    public static TheoryData<string, string> FactoryCases
    {
        get
        {
            var cases = new TheoryData<string, string>();
            foreach (var row in Cases)
            {
                if (((string)row[0]).StartsWith("factory:", StringComparison.Ordinal))
                {
                    cases.Add((string)row[0], (string)row[1]);
                }
            }

            return cases;
        }
    }

    [Theory]
    [MemberData(nameof(FactoryCases))]
    public void FactoryCasesAreSkippedForTheirShapeNotForBrokenCode(string description, string source)
    {
        var errors = GeneratorHarness.CreateCompilation(source).GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, $"{description}: {string.Join(Environment.NewLine, errors)}");
    }

    // A class with the given members, and a method that hands the given delegate expression to AIFunctionFactory.Create.
    private static string Factory(string members, string argument) => $$"""
        using System;
        using AgentCost;
        using Microsoft.Extensions.AI;

        namespace Sample;

        public class Tools
        {
            {{members}}

            public Delegate Pick() => new Func<int, string>(x => x.ToString());

            public AIFunction Run() => AIFunctionFactory.Create({{argument}});
        }
        """;

    // A class with the given members, and a method that makes the given call.
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
