using AgentCost.Analyzers.CodeFixes;
using AgentCost.Analyzers.Tests.Infrastructure;
using Verify = AgentCost.Analyzers.Tests.Infrastructure.Verifier<AgentCost.Analyzers.Rules.COST003UnsupportedCacheKeyParameter>;

namespace AgentCost.Analyzers.Tests;

public sealed class COST003UnsupportedCacheKeyParameterTests
{
    public static TheoryData<string, string> Reported => new()
    {
        { "delegate", "[Cached] public string M(Func<string, string> {|COST003:transform|}) => \"\";" },
        { "stream", "[Cached] public string M(System.IO.Stream {|COST003:content|}) => \"\";" },
        { "text reader", "[Cached] public string M(System.IO.StringReader {|COST003:reader|}) => \"\";" },
        { "object", "[Cached] public string M(object {|COST003:value|}) => \"\";" },
        { "dynamic", "[Cached] public string M(dynamic {|COST003:value|}) => \"\";" },
        { "pointer", "[Cached] public unsafe string M(int* {|COST003:value|}) => \"\";" },
        { "service provider", "[Cached] public string M(string query, IServiceProvider {|COST003:services|}) => \"\";" },
        { "logger", "[Cached] public string M(string query, Microsoft.Extensions.Logging.ILogger {|COST003:logger|}) => \"\";" },
        { "chat client", "[Cached] public Task<string> M(string query, IChatClient {|COST003:client|}) => Task.FromResult(query);" },
        { "cancellation source", "[Cached] public string M(CancellationTokenSource {|COST003:source|}) => \"\";" },
        { "task", "[Cached] public string M(Task<int> {|COST003:pending|}) => \"\";" },
        { "tuple of a delegate", "[Cached] public string M((int Id, Func<int> Next) {|COST003:pair|}) => \"\";" },
        { "native integer", "[Cached] public string M(nint {|COST003:handle|}) => \"\";" },
        { "value task", "[Cached] public string M(ValueTask<int> {|COST003:pending|}) => \"\";" },
        { "async enumerable", "[Cached] public string M(IAsyncEnumerable<int> {|COST003:items|}) => \"\";" },
        { "method info", "[Cached] public string M(System.Reflection.MethodInfo {|COST003:method|}) => \"\";" },
        { "class with state in private fields only", "[Cached] public string M(Hidden {|COST003:value|}) => \"\";" },
        { "struct whose public state is all [JsonIgnore]", "[Cached] public string M(AllIgnored {|COST003:value|}) => \"\";" },
        { "type", "[Cached] public string M(Type {|COST003:type|}) => \"\";" },
        { "class with no properties", "[Cached] public string M(Opaque {|COST003:value|}) => \"\";" },
        { "list of delegates", "[Cached] public string M(List<Action> {|COST003:callbacks|}) => \"\";" },
        { "array of objects", "[Cached] public string M(object[] {|COST003:values|}) => \"\";" },
        { "[SemanticCached] exact parameter", "[SemanticCached] public Task<string> M(string question, IChatClient {|COST003:client|}) => Task.FromResult(question);" },
    };

    public static TheoryData<string, string> NotReported => new()
    {
        { "scalars", "[Cached] public string M(string a, int b, long c, bool d, double e, decimal f, char g, DateTime h) => \"\";" },
        { "other scalars", "[Cached] public string M(Guid a, DateTimeOffset b, TimeSpan c, DateOnly d, TimeOnly e, Uri f, DayOfWeek g, int? h) => \"\";" },
        { "collections", "[Cached] public string M(string[] a, List<int> b, IReadOnlyList<string> c, Dictionary<string, int> d, byte[] e) => \"\";" },
        { "record", "[Cached] public string M(Query query) => \"\";" },
        { "[SemanticCached] prompt and record", "[SemanticCached] public string M(string question, Query query) => \"\";" },
        { "class with public fields", "[Cached] public string M(FieldPoint point, FieldCell cell) => \"\";" },
        { "tuple", "[Cached] public string M((int Id, string Name) pair, (Query, List<int>) nested) => \"\";" },
        { "abstract type", "[Cached] public string M(Shape shape) => \"\";" },
        { "cancellation token", "[Cached] public Task<string> M(string q, CancellationToken cancellationToken) => Task.FromResult(q);" },
        { "[NotCacheKey]", "[Cached] public string M(string q, [NotCacheKey] System.IO.Stream log, [NotCacheKey] object tag) => q;" },
        { "not [Cached]", "public string M(object value, Func<int> f) => \"\";" },
        { "type parameter", "[Cached] public string M<T>(T value) => \"\";" },
        { "chat messages", "[Cached] public Task<string> M(IEnumerable<ChatMessage> messages) => Task.FromResult(\"\");" },
    };

    private const string Declarations = """
        public sealed class Opaque { private readonly int _value; public Opaque(int value) => _value = value; public override string ToString() => _value.ToString(); }
        public sealed record Query(string Text, int Limit);
        public sealed class Hidden { private int _x; private string _y = ""; public void Set(int x, string y) { _x = x; _y = y; } public override string ToString() => _y + _x; }
        public struct AllIgnored { [System.Text.Json.Serialization.JsonIgnore] public int X; [System.Text.Json.Serialization.JsonIgnore] public int Y { get; set; } }
        public sealed class FieldPoint { public int X, Y; public int Sum => X + Y; }
        public struct FieldCell { public int Row; }
        public abstract class Shape { protected int Sides; }
        """;

    [Theory]
    [MemberData(nameof(Reported))]
    public Task ReportsParameterThatCannotBeAKey(string shape, string members)
    {
        _ = shape;
        return Verify.AnalyzeAsync(Sources.Tools(members, Declarations));
    }

    [Theory]
    [MemberData(nameof(NotReported))]
    public Task IgnoresKeyableParameters(string shape, string members)
    {
        _ = shape;
        return Verify.AnalyzeAsync(Sources.Tools(members, Declarations));
    }

    [Fact]
    public Task MessageSaysWhy()
        => Verify.AnalyzeAsync(
            Sources.Tools("[Cached] public string Summarise(string text, Func<string, string> {|#0:transform|}) => text;"),
            Verify.Diagnostic("COST003").WithLocation(0).WithArguments("transform", "Summarise", "Func<string, string>", "a delegate is code, not a value"));

    [Fact]
    public Task FixAddsNotCacheKey()
        => Verify.FixAsync<COST003CodeFixProvider>(
            """
            using System.IO;
            using System.Threading.Tasks;

            namespace Sample;

            public class Tools
            {
                [AgentCost.Cached]
                public Task<string> SummariseAsync(string path, Stream {|COST003:log|}) => Task.FromResult(path);
            }
            """,
            """
            using System.IO;
            using System.Threading.Tasks;
            using AgentCost;

            namespace Sample;

            public class Tools
            {
                [AgentCost.Cached]
                public Task<string> SummariseAsync(string path, [NotCacheKey] Stream log) => Task.FromResult(path);
            }
            """);

    [Fact]
    public Task NoFixForPointers()
        => Verify.FixAsync<COST003CodeFixProvider>(
            Sources.Tools("[Cached] public unsafe string M(int* {|COST003:value|}) => \"\";"),
            Sources.Tools("[Cached] public unsafe string M(int* {|COST003:value|}) => \"\";"));
}
