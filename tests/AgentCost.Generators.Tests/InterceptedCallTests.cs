using System.Text.RegularExpressions;
using AgentCost.Generators.Tests.Infrastructure;

namespace AgentCost.Generators.Tests;

/// <summary>
/// Less common shapes of call and signature are intercepted, and the generated code compiles without a warning
/// under warnings-as-errors with nullable reference types enabled.
/// </summary>
public sealed partial class InterceptedCallTests
{
    public static TheoryData<string, string, int> Cases => new()
    {
        { "params array", Members("[Cached] public static int M(params int[] values) => values.Length;", "M(1, 2, 3) + M()"), 2 },
        { "keyword parameter names", Members("[Cached] public static string M(string @class, int @event) => @class;", "M(\"a\", 1)"), 1 },
        { "parameter named this", Members("[Cached] public string M(string @this) => @this;", "M(\"a\")"), 1 },
        { "nine parameters", Members("[Cached] public static int M(int a, int b, int c, int d, int e, int f, int g, int h, int i) => a + i;", "M(1, 2, 3, 4, 5, 6, 7, 8, 9)"), 1 },
        { "named arguments out of order", Members("[Cached] public static int M(int x, string y) => x;", "M(y: \"a\", x: 1)"), 1 },
        { "optional and caller-info parameters", Members("[Cached] public static string M(int x = 1, [System.Runtime.CompilerServices.CallerMemberName] string caller = \"\") => caller;", "M()"), 1 },
        { "nullable value type parameter", Members("[Cached] public static int M(int? x, System.DateTime? at) => x ?? 0;", "M(null, null)"), 1 },
        { "tuple parameter with names", Members("[Cached] public static int M((int Id, string? Name) item) => item.Id;", "M((1, null))"), 1 },
        { "overloads", Members("[Cached] public static int M(int x) => x; [Cached] public static int M(string x) => 0;", "M(1) + M(\"a\")"), 2 },
        { "implicit this receiver", Members("[Cached] public int M(int x) => x;", "M(1) + this.M(2)"), 2 },
        { "protected internal method", Members("[Cached] protected internal int M(int x) => x;", "M(1)"), 1 },
        { "internal method", Members("[Cached] internal static int M(int x) => x;", "M(1)"), 1 },
        { "method named with a keyword", Members("[Cached] public static int @class(int x) => x;", "@class(1)"), 1 },
        { "annotated nullable task", Members("[Cached] public static Task<string?>? M(int x) => Task.FromResult<string?>(null);", "M(1)!.Result!"), 1 },
        { "nullable type arguments", Members("[Cached] public static T M<T>(T value) => value;", "M<string?>(null) + M(\"a\") + M(Field)"), 3 },
        { "oblivious call site", Members("[Cached] public static T M<T>(T value) => value;", "Oblivious(); }\n#nullable disable\nstatic string Oblivious() { string s = null; return M(s);\n#nullable restore\n"), 1 },
        { "generic method of a generic type", Members("public sealed class Box<T> { [Cached] public static TOut Map<TOut>(T value, TOut result) => result; }", "Box<int>.Map(1, \"a\")"), 1 },
        { "struct static method", "public struct S { [AgentCost.Cached] public static int M(int x) => x; } static class Program { static int Run() => S.M(1); }", 1 },
        { "extension method on a value type", "public static class E { [AgentCost.Cached] public static int Twice(this int x) => x * 2; } static class Program { static int Run() => 2.Twice() + E.Twice(3); }", 2 },
        { "interface receiver", "public interface ITools { [AgentCost.Cached] int M(int x); } static class Program { static int Run(ITools tools) => tools.M(1); }", 1 },
        { "static interface method", "public interface ITools { [AgentCost.Cached] static int M(int x) => x; } static class Program { static int Run() => ITools.M(1); }", 1 },
        { "derived receiver", "public class B { [AgentCost.Cached] public virtual int M(int x) => x; } public sealed class D : B { } static class Program { static int Run(D d) => d.M(1); }", 1 },
        { "type in the global namespace", "public static class Tools { [AgentCost.Cached] public static int M(int x) => x; } static class Program { static int Run() => Tools.M(1); }", 1 },
        { "nested type", "namespace Sample { public static class Outer { public static class Inner { [AgentCost.Cached] public static int M(int x) => x; } } static class Program { static int Run() => Outer.Inner.M(1); } }", 1 },
        { "await in an async lambda", Members("[Cached] public static Task<int> M(int x) => Task.FromResult(x);", "new System.Func<Task<int>>(async () => await M(1))().Result"), 1 },
        { "conditional access", Members("[Cached] public int M(int x) => x;", "(this as Tools)?.M(1)"), 1 },
        { "obsolete method and type", "[System.Obsolete] public static class T1 { [AgentCost.Cached] public static int M(int x) => x; } public static class T2 { [System.Obsolete(\"old\")] [AgentCost.Cached] public static int M(int x) => x; [System.Obsolete(\"old\", DiagnosticId = \"SAMPLE0001\")] [AgentCost.Cached] public static int N(int x) => x; }\n#pragma warning disable CS0612, CS0618, SAMPLE0001\nstatic class Program { static int Run() => T1.M(1) + T2.M(2) + T2.N(3); }", 3 },
        { "experimental method", "public static class T { [System.Diagnostics.CodeAnalysis.Experimental(\"SAMPLE0002\")] [AgentCost.Cached] public static int M(int x) => x; }\n#pragma warning disable SAMPLE0002\nstatic class Program { static int Run() => T.M(1); }", 1 },
        { "names that shadow framework types", "namespace System.Runtime.CompilerServices { public sealed class InterceptsLocationAttribute(int version, string data) : Attribute { public int Version => version; public string Data => data; } } namespace Sample { public sealed class System { } public sealed class ValueTuple { } public sealed class AgentCost { } public static class Tools { [global::AgentCost.Cached] public static string M(string x) => x; } static class Program { static string Run() => Tools.M(\"a\"); } }", 1 },
        { "nullable attributes", Members("[Cached] [return: System.Diagnostics.CodeAnalysis.MaybeNull] public static T M<T>([System.Diagnostics.CodeAnalysis.DisallowNull] T? x, [System.Diagnostics.CodeAnalysis.AllowNull] string y) => default; [Cached] [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(x))] public static string? N(string? x) => x; [Cached] [return: System.Diagnostics.CodeAnalysis.MaybeNull] public static string O([System.Diagnostics.CodeAnalysis.DisallowNull] string? x) => null;", "M<string>(\"a\", null) + N(\"b\").Length + O(\"c\")"), 3 },
    };

    public static TheoryData<string, string, int> FactoryCases => new()
    {
        { "implicit this method group", Factory("[Cached] public string M(int x) => \"\";", "AIFunctionFactory.Create(M)"), 1 },
        { "static method group", Factory("[Cached] public static string M(int x) => \"\";", "AIFunctionFactory.Create(Tools.M, \"m\")"), 1 },
        { "generic method group", Factory("[Cached] public static T M<T>(T x) => x;", "AIFunctionFactory.Create(M<int>)"), 1 },
        { "explicit delegate creation", Factory("[Cached] public string M(int x) => \"\";", "AIFunctionFactory.Create(new System.Func<int, string>(this.M))"), 1 },
        { "options overload", Factory("[Cached] public string M(int x) => \"\";", "AIFunctionFactory.Create(M, new AIFunctionFactoryOptions { Name = \"m\" })"), 1 },
        { "named arguments", Factory("[Cached] public string M(int x) => \"\";", "AIFunctionFactory.Create(description: \"d\", method: M)"), 1 },
        { "interface receiver", Factory("public interface ITools { [Cached] string M(int x); }", "AIFunctionFactory.Create(((ITools)null!).M)"), 1 },
        { "sync, Task and ValueTask results", Factory("[Cached] public int A(int x) => x; [Cached] public Task<string?> B() => Task.FromResult<string?>(null); [Cached] public ValueTask<int?> C(int? x) => new(x);", "new[] { AIFunctionFactory.Create(A), AIFunctionFactory.Create(B), AIFunctionFactory.Create(C) }"), 3 },
        { "budget only, no result", Factory("[TokenBudget(100)] public void A(string x) { } [TokenBudget(100)] public Task B() => Task.CompletedTask; [TokenBudget(100)] public ValueTask C() => default;", "new[] { AIFunctionFactory.Create(A), AIFunctionFactory.Create(B), AIFunctionFactory.Create(C) }"), 3 },
        { "special parameters", Factory("[Cached] public string M(AIFunctionArguments a, System.IServiceProvider? s, System.Threading.CancellationToken c, [NotCacheKey] string? trace = null) => \"\";", "AIFunctionFactory.Create(M)"), 1 },
        { "method group in a lambda", Factory("[Cached] public string M(int x) => \"\";", "new System.Func<AIFunction>(() => AIFunctionFactory.Create(M))()"), 1 },
    };

    [Theory]
    [MemberData(nameof(FactoryCases))]
    public void FactoryCallIsInterceptedAndCompiles(string description, string source, int calls)
        => IsInterceptedAndCompiles(description, source, calls);

    [Theory]
    [MemberData(nameof(Cases))]
    public void IsInterceptedAndCompiles(string description, string source, int calls)
    {
        var run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(source));

        Assert.Null(run.Result.Exception);
        Assert.Empty(run.Result.Diagnostics);
        var text = Assert.IsType<string>(run.GeneratedText);
        Assert.True(calls == InterceptsLocation().Count(text), $"{description}: {text}");
        Assert.True(run.CompilationProblems.Count == 0, $"{description}: {string.Join(Environment.NewLine, run.CompilationProblems)}{Environment.NewLine}{text}");
    }

    [GeneratedRegex(@"InterceptsLocationAttribute\(1, ")]
    private static partial Regex InterceptsLocation();

    private static string Factory(string members, string expression) => $$"""
        using System.Threading.Tasks;
        using AgentCost;
        using Microsoft.Extensions.AI;

        namespace Sample;

        public class Tools
        {
            {{members}}

            public object? Run() => {{expression}};
        }
        """;

    private static string Members(string members, string expression) => $$"""
        using System.Threading.Tasks;
        using AgentCost;

        namespace Sample;

        public class Tools
        {
            public string Field = "x";

            {{members}}

            public object? Run()
            {
                return {{expression}};
            }
        }
        """;
}
