using AgentCost.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Verify = AgentCost.Analyzers.Tests.Infrastructure.Verifier<AgentCost.Analyzers.Rules.COST006AnnotatedMethodAsDelegate>;

namespace AgentCost.Analyzers.Tests;

public sealed class COST006AnnotatedMethodAsDelegateTests
{
    private const string Members = """
        [Cached] public Task<string> SearchAsync(string query) => Task.FromResult(query);
        [TokenBudget(8000)] public Task<string> ResearchAsync(string question) => Task.FromResult(question);
        [Cached] public static string Normalise(string text) => text.Trim();
        """;

    public static TheoryData<string, string> Reported => new()
    {
        { "a delegate variable", "Func<string, Task<string>> search = {|COST006:tools.SearchAsync|};" },
        { "a delegate constructor", "var search = new Func<string, Task<string>>({|COST006:tools.SearchAsync|});" },
        { "a method group passed to LINQ", "var names = new[] { \" a \" }.Select({|COST006:Tools.Normalise|}).ToList();" },
        { "a budgeted method as a delegate", "Func<string, Task<string>> research = {|COST006:tools.ResearchAsync|};" },
        { "a method group in a collection", "List<Func<string, string>> steps = [{|COST006:Tools.Normalise|}];" },
    };

    public static TheoryData<string, string> NotReported => new()
    {
        { "AIFunctionFactory.Create", "var tool = AIFunctionFactory.Create(tools.SearchAsync);" },
        { "AIFunctionFactory.Create with a static method", "var tool = AIFunctionFactory.Create(Tools.Normalise, \"normalise\");" },
        { "a lambda that calls the method", "Func<string, Task<string>> search = q => tools.SearchAsync(q);" },
        { "a direct call", "var result = tools.SearchAsync(\"x\");" },
        { "nameof", "var name = nameof(Tools.SearchAsync);" },
    };

    [Theory]
    [MemberData(nameof(Reported))]
    public Task ReportsDelegateUse(string shape, string statement)
    {
        _ = shape;
        return Verify.AnalyzeAsync(Sources.Tools(Members, Use(statement)));
    }

    [Theory]
    [MemberData(nameof(NotReported))]
    public Task IgnoresInterceptableUse(string shape, string statement)
    {
        _ = shape;
        return Verify.AnalyzeAsync(Sources.Tools(Members, Use(statement)));
    }

    [Fact]
    public Task ReportsExtensionMethodGroupHandedToTheFactory()
        => Verify.AnalyzeAsync(Sources.Tools(
            "public string Name { get; set; } = \"\";",
            """
            public static class ToolExtensions
            {
                [Cached] public static string Describe(this Tools tools, string topic) => tools.Name + topic;
            }

            public static class Registration
            {
                public static AIFunction Create(Tools tools) => AIFunctionFactory.Create({|COST006:tools.Describe|});
            }
            """));

    [Fact]
    public Task ReportsBaseMethodGroupHandedToTheFactory()
        => Verify.AnalyzeAsync(Sources.Tools(
            "[Cached] public virtual string Lookup(string isbn) => isbn;",
            """
            public sealed class LoggingTools : Tools
            {
                public override string Lookup(string isbn) => base.Lookup(isbn).Trim();

                public AIFunction Create() => AIFunctionFactory.Create({|COST006:base.Lookup|});
            }
            """));

    [Fact]
    public Task ReportsAToolClassThatListsItsOwnMethods()
        => Verify.AnalyzeAsync("using System.Reflection;\n" + Sources.Tools(
            """
            [Cached, Description("Searches the library.")] public Task<string> SearchAsync(string query) => Task.FromResult(query);

            public IList<AITool> AsTools()
                => [.. GetType().GetMethods().Where(m => m.IsDefined(typeof(DescriptionAttribute))).Select(m => AIFunctionFactory.{|COST006:Create|}(m, this))];
            """));

    [Fact]
    public Task ReportsSemanticKernelPluginFromType()
        => Verify.AnalyzeAsync(Sources.Tools(
            "[Microsoft.SemanticKernel.KernelFunction, Cached] public string Lookup(string isbn) => isbn;",
            """
            public static class Plugins
            {
                public static object Create() => Microsoft.SemanticKernel.KernelPluginFactory.{|COST006:CreateFromType|}<Tools>();
            }
            """));

    [Fact]
    public Task ReportsSemanticKernelPluginFromObject()
        => Verify.AnalyzeAsync(Sources.Tools(
            "[Microsoft.SemanticKernel.KernelFunction, Cached] public string Lookup(string isbn) => isbn;",
            """
            public static class Plugins
            {
                public static object Create(Microsoft.SemanticKernel.Kernel kernel) => Microsoft.SemanticKernel.KernelExtensions.{|COST006:ImportPluginFromObject|}(kernel, new Tools());
            }
            """));

    [Fact]
    public Task ReportsMcpWithTools()
        => Verify.AnalyzeAsync(Sources.Tools(
            "[ModelContextProtocol.Server.McpServerTool, Cached] public string Lookup(string isbn) => isbn;",
            """
            public static class Server
            {
                public static void Configure(Microsoft.Extensions.DependencyInjection.IMcpServerBuilder builder) => Microsoft.Extensions.DependencyInjection.McpServerBuilderExtensions.{|COST006:WithTools|}<Tools>(builder);
            }
            """));

    [Fact]
    public Task IgnoresPluginWhoseCachedMethodsAreNotFunctions()
        => Verify.AnalyzeAsync(Sources.Tools(
            """
            [Microsoft.SemanticKernel.KernelFunction] public string Lookup(string isbn) => Fetch(isbn);
            [Cached] public string Fetch(string isbn) => isbn;
            """,
            """
            public static class Plugins
            {
                public static object Create() => Microsoft.SemanticKernel.KernelPluginFactory.CreateFromType<Tools>();
            }
            """));

    // Tool classes as agents write them for reflection-built tool lists: [Description] on the tools, a policy on some.
    private const string ReflectedMembers = """
        [Cached, Description("Searches the library.")] public Task<string> SearchAsync(string query) => Task.FromResult(query);
        [Description("Greets a reader.")] public string Greet(string name) => "hello " + name;
        """;

    private const string OtherTypes = """
        public sealed class Plain
        {
            [Description("Says hello.")] public string Hello(string name) => name;
        }

        public sealed class Internals
        {
            [Cached] internal string Secret(string key) => key;
            public string Open(string key) => key;
        }
        """;

    public static TheoryData<string, string> ReflectionReported => new()
    {
        {
            "a loop over GetMethods() that filters by attribute",
            """
            foreach (var method in typeof(Tools).GetMethods())
            {
                if (method.GetCustomAttribute<DescriptionAttribute>() is not null)
                {
                    list.Add(AIFunctionFactory.{|COST006:Create|}(method, tools));
                }
            }
            """
        },
        {
            "LINQ over GetMethods()",
            "list.AddRange(typeof(Tools).GetMethods().Where(m => m.IsDefined(typeof(DescriptionAttribute))).Select(m => AIFunctionFactory.{|COST006:Create|}(m, tools)));"
        },
        {
            "GetMethod(nameof(...)) in a local",
            """
            var method = typeof(Tools).GetMethod(nameof(Tools.SearchAsync))!;
            list.Add(AIFunctionFactory.{|COST006:Create|}(method, tools));
            """
        },
        {
            "GetMethod(\"Name\") with factory options",
            "list.Add(AIFunctionFactory.{|COST006:Create|}(typeof(Tools).GetMethod(\"SearchAsync\")!, tools, new AIFunctionFactoryOptions { Name = \"search\" }));"
        },
        {
            "the overload that creates the instance per call",
            "list.Add(AIFunctionFactory.{|COST006:Create|}(typeof(Tools).GetMethod(\"SearchAsync\")!, _ => new Tools(), null));"
        },
        {
            "GetRuntimeMethods()",
            "foreach (var m in typeof(Tools).GetRuntimeMethods().Where(m => m.DeclaringType == typeof(Tools))) list.Add(AIFunctionFactory.{|COST006:Create|}(m, tools));"
        },
        {
            "GetTypeInfo().DeclaredMethods",
            "foreach (var m in typeof(Tools).GetTypeInfo().DeclaredMethods) list.Add(AIFunctionFactory.{|COST006:Create|}(m, tools, name: m.Name));"
        },
        {
            "GetTypeInfo().GetDeclaredMethod(\"Name\")",
            "list.Add(AIFunctionFactory.{|COST006:Create|}(typeof(Tools).GetTypeInfo().GetDeclaredMethod(\"SearchAsync\")!, tools));"
        },
        {
            "GetMethods() of the instance's GetType() with binding flags",
            "foreach (var m in tools.GetType().GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)) list.Add(AIFunctionFactory.{|COST006:Create|}(m, tools));"
        },
        {
            "a Type variable and an indexed array of methods",
            """
            var type = typeof(Tools);
            var methods = type.GetMethods();
            for (var i = 0; i < methods.Length; i++)
            {
                list.Add(AIFunctionFactory.{|COST006:Create|}(methods[i], tools));
            }
            """
        },
        {
            "MethodInfo.CreateDelegate<T>",
            """
            var method = typeof(Tools).GetMethod(nameof(Tools.SearchAsync))!;
            list.Add(AIFunctionFactory.{|COST006:Create|}(method.CreateDelegate<Func<string, Task<string>>>(tools)));
            """
        },
        {
            "Delegate.CreateDelegate of a MethodInfo",
            """
            var method = typeof(Tools).GetMethod(nameof(Tools.SearchAsync))!;
            var search = (Func<string, Task<string>>)Delegate.CreateDelegate(typeof(Func<string, Task<string>>), tools, method);
            list.Add(AIFunctionFactory.{|COST006:Create|}(search));
            """
        },
        {
            "Delegate.CreateDelegate by name",
            "list.Add(AIFunctionFactory.{|COST006:Create|}(Delegate.CreateDelegate(typeof(Func<string, Task<string>>), tools, \"SearchAsync\")));"
        },
        {
            "a MethodInfo from elsewhere, bound to an instance of the annotated type",
            """
            AITool ToTool(MethodInfo method) => AIFunctionFactory.{|COST006:Create|}(method, tools);
            list.Add(ToTool(null!));
            """
        },
        {
            "Type.GetType by name",
            "list.Add(AIFunctionFactory.{|COST006:Create|}(Type.GetType(\"Sample.Tools\")!.GetMethod(\"SearchAsync\")!, tools));"
        },
        {
            "a List<MethodInfo> filled from GetMethods() and read with First",
            """
            var found = new List<MethodInfo>(typeof(Tools).GetMethods());
            list.Add(AIFunctionFactory.{|COST006:Create|}(found.Where(m => m.Name.EndsWith("Async")).First(), tools));
            """
        },
        {
            "a List<MethodInfo> that methods are added to",
            """
            var found = new List<MethodInfo>();
            found.Add(typeof(Tools).GetMethod(nameof(Tools.SearchAsync))!);
            foreach (var m in found) list.Add(AIFunctionFactory.{|COST006:Create|}(m, tools));
            """
        },
        {
            "GetMethod(\"Name\") then Invoke",
            """
            var method = typeof(Tools).{|COST006:GetMethod|}("SearchAsync");
            _ = method?.Invoke(tools, ["x"]);
            """
        },
        {
            "GetMethods() kept for later",
            "Registry.Methods = typeof(Tools).{|COST006:GetMethods|}();"
        },
        {
            "GetMethod with a name known only at run time",
            "Registry.Methods = [typeof(Tools).{|COST006:GetMethod|}(Registry.Name)!];"
        },
        {
            "GetMethods(NonPublic) that finds an internal annotated method",
            "Registry.Methods = typeof(Internals).{|COST006:GetMethods|}(BindingFlags.NonPublic | BindingFlags.Instance);"
        },
    };

    public static TheoryData<string, string> ReflectionNotReported => new()
    {
        { "a type without annotated methods", "foreach (var m in typeof(Plain).GetMethods()) list.Add(AIFunctionFactory.Create(m, new Plain()));" },
        { "a method that is not annotated", "list.Add(AIFunctionFactory.Create(typeof(Tools).GetMethod(nameof(Tools.Greet))!, tools));" },
        { "a method of an unrelated type, with an annotated target", "list.Add(AIFunctionFactory.Create(typeof(Plain).GetMethod(nameof(Plain.Hello))!, tools));" },
        { "a framework method", "list.Add(AIFunctionFactory.Create(typeof(string).GetMethod(nameof(string.Trim), Type.EmptyTypes)!, \"x\"));" },
        { "the intercepted method group", "list.Add(AIFunctionFactory.Create(tools.SearchAsync));" },
        { "a lambda that calls the method", "list.Add(AIFunctionFactory.Create((string q) => tools.SearchAsync(q)));" },
        { "attributes read from the MethodInfo", "_ = typeof(Tools).GetMethod(nameof(Tools.SearchAsync))?.GetCustomAttribute<CachedAttribute>();" },
        { "the name of the MethodInfo", "_ = typeof(Tools).GetMethod(nameof(Tools.SearchAsync))!.Name;" },
        { "public GetMethods() that cannot find an internal annotated method", "Registry.Methods = typeof(Internals).GetMethods();" },
        { "a MethodInfo from elsewhere, with no target", "AITool ToTool(MethodInfo method) => AIFunctionFactory.Create(method, (object?)null); list.Add(ToTool(null!));" },
        { "properties, not methods", "_ = typeof(Tools).GetProperties();" },
    };

    [Theory]
    [MemberData(nameof(ReflectionReported))]
    public Task ReportsReflectionOverAnnotatedMethods(string shape, string body)
    {
        _ = shape;
        return Verify.AnalyzeAsync(ReflectionSource(body));
    }

    [Theory]
    [MemberData(nameof(ReflectionNotReported))]
    public Task IgnoresReflectionThatReachesNoPolicy(string shape, string body)
    {
        _ = shape;
        return Verify.AnalyzeAsync(ReflectionSource(body));
    }

    [Fact]
    public async Task ReflectionMessageNamesTheMethodAndTheFix()
    {
        var compilation = AnalyzerRunner.Compile(ReflectionSource(
            "foreach (var m in typeof(Tools).GetMethods()) list.Add(AIFunctionFactory.Create(m, tools));"));

        var (diagnostics, exceptions) = await AnalyzerRunner.RunAsync(compilation);

        Assert.Empty(exceptions);
        var message = Assert.Single(diagnostics, d => d.Id == "COST006").GetMessage();
        Assert.Contains("policies of 'Tools.SearchAsync' ([Cached]) do not apply", message, StringComparison.Ordinal);
        Assert.Contains("AIFunctionFactory.Create(tools.SearchAsync)", message, StringComparison.Ordinal);
        Assert.Contains("ToolsAgentTools.Create", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LookupMessageCountsTheOtherAnnotatedMethods()
    {
        var compilation = AnalyzerRunner.Compile("using System.Reflection;\n" + Sources.Tools(
            """
            [Cached] public string Lookup(string isbn) => isbn;
            [TokenBudget(8000)] public Task<string> ResearchAsync(string question) => Task.FromResult(question);
            [RouteModel] public static Task<string> AnswerAsync(string question) => Task.FromResult(question);
            """,
            """
            public static class Registry
            {
                public static MethodInfo[] Methods { get; } = typeof(Tools).GetMethods();
            }
            """));

        var (diagnostics, exceptions) = await AnalyzerRunner.RunAsync(compilation);

        Assert.Empty(exceptions);
        var message = Assert.Single(diagnostics, d => d.Id == "COST006").GetMessage();
        Assert.StartsWith("GetMethods finds methods of 'Tools' by reflection: the policies of 'Tools.Lookup' ([Cached]) and of 2 more methods do not apply", message, StringComparison.Ordinal);
        Assert.Contains("AIFunctionFactory.Create(tools.Lookup)", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", DiagnosticSeverity.Warning)]
    [InlineData("dotnet_diagnostic.COST006.severity = error", DiagnosticSeverity.Error)]
    [InlineData("dotnet_diagnostic.COST006.severity = none", null)]
    public async Task ReflectionSeverityComesFromEditorConfig(string setting, DiagnosticSeverity? expected)
    {
        var compilation = AnalyzerRunner.Compile(ReflectionSource(
            "foreach (var m in typeof(Tools).GetMethods()) list.Add(AIFunctionFactory.Create(m, tools));"));

        var diagnostics = await EditorConfigCompilation.AnalyzeAsync(compilation, "root = true\n\n[*.cs]\n" + setting + "\n");

        var reported = diagnostics.Where(d => d.Id == "COST006").ToList();
        if (expected is null)
        {
            Assert.Empty(reported);
        }
        else
        {
            Assert.Equal(expected, Assert.Single(reported).Severity);
        }
    }

    /// <summary>The reflection shapes as one compilable file, for the robustness test.</summary>
    public static string ReflectionShapes()
        => ReflectionSource(string.Join("\n", ReflectionReported.Concat(ReflectionNotReported).Select(row => "{\n" + (string)row[1] + "\n}")));

    private static string ReflectionSource(string body) => "using System.Reflection;\n" + Sources.Tools(ReflectedMembers, $$"""
        {{OtherTypes}}

        public static class Registry
        {
            public static MethodInfo[] Methods { get; set; } = [];

            public static string Name { get; set; } = "";
        }

        public static class Use
        {
            public static void Run(Tools tools, List<AITool> list)
            {
        {{body}}
            }
        }
        """);

    private static string Use(string statement) => $$"""
        public static class Use
        {
            public static void Run(Tools tools)
            {
                {{statement}}
            }
        }
        """;
}
