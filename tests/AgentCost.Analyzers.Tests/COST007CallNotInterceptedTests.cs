using AgentCost.Analyzers.Tests.Infrastructure;
using Verify = AgentCost.Analyzers.Tests.Infrastructure.Verifier<AgentCost.Analyzers.Rules.COST007CallNotIntercepted>;

namespace AgentCost.Analyzers.Tests;

public sealed class COST007CallNotInterceptedTests
{
    public static TheoryData<string, string> Reported => new()
    {
        {
            "a call through base",
            """
            public class Base { [Cached] public virtual string Lookup(string q) => q; }
            public class Derived : Base { public override string Lookup(string q) => base.{|COST007:Lookup|}(q).ToUpperInvariant(); }
            """
        },
        {
            "a type-parameter receiver",
            """
            public class Tools { [Cached] public string Lookup(string q) => q; }
            public static class Use { public static string Run<T>(T tools) where T : Tools => tools.{|COST007:Lookup|}("x"); }
            """
        },
        {
            "an expression tree",
            """
            public class Tools { [Cached] public static string Lookup(string q) => q; }
            public static class Use { public static object Run() => (System.Linq.Expressions.Expression<Func<string>>)(() => Tools.{|COST007:Lookup|}("x")); }
            """
        },
        {
            "an open type argument",
            """
            public class Tools { [Cached] public static T Echo<T>(T value) => value; }
            public static class Use { public static T Run<T>(T value) => Tools.{|COST007:Echo|}(value); }
            """
        },
        {
            "an anonymous type argument",
            """
            public class Tools { [Cached] public static T Echo<T>(T value) => value; }
            public static class Use { public static object Run() => Tools.{|COST007:Echo|}(new { A = 1 }); }
            """
        },
        {
            "a private type argument",
            """
            public class Tools
            {
                [Cached] public static T Echo<T>(T value) => value;
                private sealed class Secret { public int A { get; set; } }
                public object Run() => {|COST007:Echo|}(new Secret());
            }
            """
        },
        {
            "a call inside an open generic type",
            """
            public class Repository<T>
            {
                [Cached] public string Describe(int id) => id.ToString();
                public string Run() => {|COST007:Describe|}(1);
            }
            """
        },
        {
            "a dynamic argument",
            """
            public class Tools { [TokenBudget(8000)] public static string Research(string q) => q; }
            public static class Use { public static object Run(dynamic q) => Tools.{|COST007:Research|}(q); }
            """
        },
    };

    public static TheoryData<string, string> NotReported => new()
    {
        {
            "an instance call",
            """
            public class Tools { [Cached] public string Lookup(string q) => q; }
            public static class Use { public static string Run(Tools tools) => tools.Lookup("x"); }
            """
        },
        {
            "a conditional call",
            """
            public class Tools { [Cached] public string Lookup(string q) => q; }
            public static class Use { public static string? Run(Tools? tools) => tools?.Lookup("x"); }
            """
        },
        {
            "an extension call",
            """
            public static class Tools { [Cached] public static string Shout(this string q) => q.ToUpperInvariant(); }
            public static class Use { public static string Run() => "x".Shout(); }
            """
        },
        {
            "a closed generic call",
            """
            public class Tools { [Cached] public static T Echo<T>(T value) => value; }
            public static class Use { public static int Run() => Tools.Echo(1); }
            """
        },
        {
            "a call in a lambda",
            """
            public class Tools { [Cached] public static string Lookup(string q) => q; }
            public static class Use { public static Func<string> Run() => () => Tools.Lookup("x"); }
            """
        },
        {
            "a method the declaration rules already report",
            """
            public class Tools
            {
                [Cached] private string Lookup(string q) => q;
                public string Run() => Lookup("x");
            }
            """
        },
    };

    [Theory]
    [MemberData(nameof(Reported))]
    public Task ReportsCallThatCannotBeIntercepted(string shape, string declarations)
    {
        _ = shape;
        return Verify.AnalyzeAsync(Sources.Usings + "namespace Sample;\n\n" + declarations);
    }

    [Theory]
    [MemberData(nameof(NotReported))]
    public Task IgnoresInterceptableCall(string shape, string declarations)
    {
        _ = shape;
        return Verify.AnalyzeAsync(Sources.Usings + "namespace Sample;\n\n" + declarations);
    }

    [Fact]
    public Task MessageSaysWhy()
        => Verify.AnalyzeAsync(
            Sources.Usings + """
                namespace Sample;

                public class Base { [Cached] public virtual string Lookup(string q) => q; }
                public class Derived : Base { public override string Lookup(string q) => base.{|#0:Lookup|}(q); }
                """,
            Verify.Diagnostic("COST007").WithLocation(0).WithArguments("Lookup", "it is called through 'base'", "Cached"));
}
