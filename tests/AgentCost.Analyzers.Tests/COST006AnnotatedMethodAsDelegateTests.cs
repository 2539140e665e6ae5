using AgentCost.Analyzers.Tests.Infrastructure;
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
