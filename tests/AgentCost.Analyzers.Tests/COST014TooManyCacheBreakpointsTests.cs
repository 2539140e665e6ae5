using AgentCost.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Verify = AgentCost.Analyzers.Tests.Infrastructure.Verifier<AgentCost.Analyzers.Rules.COST014TooManyCacheBreakpoints>;

namespace AgentCost.Analyzers.Tests;

public sealed class COST014TooManyCacheBreakpointsTests
{
    // The shape of the Anthropic SDK's extension for Microsoft.Extensions.AI content, in its root namespace.
    internal const string AnthropicStub = """

        namespace Anthropic
        {
            public static class AIContentCacheExtensions
            {
                public static T WithCacheControl<T>(this T content, string? ttl = null) where T : Microsoft.Extensions.AI.AIContent => content;
            }
        }

        namespace Elsewhere
        {
            public static class LookAlike
            {
                public static T WithCacheControl<T>(this T content) where T : Microsoft.Extensions.AI.AIContent => content;
            }
        }
        """;

    private const string Members = """
        private static TextContent Text(string text) => new(text);
        private static void Mark(ChatMessage message) => (message.AdditionalProperties ??= [])["cache_control"] = "ephemeral";

        """;

    public static TheoryData<string, string> Reported => new()
    {
        { "five calls", "var a = Text(\"1\").WithCacheControl(); var b = Text(\"2\").WithCacheControl(); var c = Text(\"3\").WithCacheControl(); var d = Text(\"4\").WithCacheControl(); var e = {|COST014:Text(\"5\").WithCacheControl()|};" },
        { "a call in a loop over a list", "foreach (var m in messages) m.Contents[0] = {|COST014:m.Contents[0].WithCacheControl()|};" },
        { "a call in a while loop", "var i = 0; while (i < messages.Count) { _ = {|COST014:messages[i].Contents[0].WithCacheControl()|}; i++; }" },
        { "a for loop over a non-constant count", "for (var i = 0; i < messages.Count; i++) _ = {|COST014:Text(\"x\").WithCacheControl()|};" },
        { "a constant loop of 3 after two more", "_ = Text(\"a\").WithCacheControl(); _ = Text(\"b\").WithCacheControl(); for (var i = 0; i < 3; i++) _ = {|COST014:Text(\"x\").WithCacheControl()|};" },
        // Modelled on a middleware that writes the SDK's own key by hand on every content of the history.
        { "the SDK's key written by hand in a loop", "foreach (var m in messages) foreach (var c in m.Contents) { c.AdditionalProperties ??= []; {|COST014:c.AdditionalProperties[\"anthropic:cache_control\"] = \"ephemeral\"|}; }" },
        { "cache_control entries in AdditionalProperties", "for (var i = 0; i < 5; i++) { var t = Text(\"x\"); t.AdditionalProperties = new(); {|COST014:t.AdditionalProperties[\"cache_control\"] = \"ephemeral\"|}; }" },
        { "calls and Add of cache_control together", "var p = new AdditionalPropertiesDictionary(); p.Add(\"cache_control\", 1); p.Add(\"cache_control\", 2); _ = Text(\"a\").WithCacheControl(); _ = Text(\"b\").WithCacheControl(); {|COST014:p.Add(\"cache_control\", 3)|};" },
    };

    public static TheoryData<string, string> NotReported => new()
    {
        // Modelled on an LLM call that marks its system message once when the descriptor asks for a cache hint.
        { "one hinted system message", "var system = new ChatMessage(ChatRole.System, \"rules\"); if (messages.Count > 0) { system.AdditionalProperties ??= new AdditionalPropertiesDictionary(); system.AdditionalProperties[\"cache_control\"] = new Dictionary<string, object?> { [\"type\"] = \"ephemeral\" }; }" },
        // Modelled on a provider adapter's per-message hook that marks a system message.
        { "a per-message hook", "var message = messages[0]; if (message.Role == ChatRole.System) { message.AdditionalProperties ??= new AdditionalPropertiesDictionary(); message.AdditionalProperties[\"cache_control\"] = new { type = \"ephemeral\" }; }" },
        // Modelled on a caching middleware that calls a one-line marking helper in a loop over the user messages: the
        // helper is not followed, so this is a known miss, not a verdict that the request is safe.
        { "a marking helper called in a loop (not followed)", "foreach (var m in messages) Mark(m);" },
        { "four calls", "_ = Text(\"1\").WithCacheControl(); _ = Text(\"2\").WithCacheControl(); _ = Text(\"3\").WithCacheControl(); _ = Text(\"4\").WithCacheControl();" },
        { "a constant loop of four", "for (var i = 0; i < 4; i++) _ = Text(\"x\").WithCacheControl();" },
        { "a foreach over an array of three", "foreach (var s in new[] { \"a\", \"b\", \"c\" }) _ = Text(s).WithCacheControl();" },
        { "a foreach over a collection expression of two, twice", "foreach (var s in (string[])[\"a\", \"b\"]) { _ = Text(s).WithCacheControl(); _ = Text(s).WithCacheControl(); }" },
        { "a method of the same name outside Anthropic", "foreach (var m in messages) _ = Elsewhere.LookAlike.WithCacheControl(m.Contents[0]);" },
        { "other AdditionalProperties keys", "var p = new AdditionalPropertiesDictionary(); for (var i = 0; i < messages.Count; i++) p[\"tag\" + i] = i;" },
        { "calls in a lambda", "messages.ForEach(m => m.Contents[0] = m.Contents[0].WithCacheControl());" },
    };

    [Theory]
    [MemberData(nameof(Reported))]
    public Task ReportsMoreThanFourBreakpoints(string shape, string body)
    {
        _ = shape;
        return AnalyzeAsync(Source(body));
    }

    [Theory]
    [MemberData(nameof(NotReported))]
    public Task IgnoresFourOrFewer(string shape, string body)
    {
        _ = shape;
        return AnalyzeAsync(Source(body));
    }

    [Fact]
    public Task MessageCountsTheBreakpoints()
        => AnalyzeAsync(
            Source("_ = Text(\"a\").WithCacheControl(); for (var i = 0; i < 5; i++) _ = {|#0:Text(\"x\").WithCacheControl()|};"),
            Verify.Diagnostic("COST014").WithLocation(0)
                .WithMessage("This method sets 6 prompt-cache breakpoints; this one is past the 4th; Anthropic rejects a request with more than 4 cache_control breakpoints"));

    [Fact]
    public Task MessageSaysALoopMayExceedTheLimit()
        => AnalyzeAsync(
            Source("foreach (var m in messages) _ = {|#0:m.Contents[0].WithCacheControl()|};"),
            Verify.Diagnostic("COST014").WithLocation(0)
                .WithMessage("This cache breakpoint is set in a loop whose count is not a constant, so the request may carry more than 4; Anthropic rejects a request with more than 4 cache_control breakpoints"));

    // The Anthropic package (13.15.0) declares the extension in Microsoft.Extensions.AI, not under Anthropic.
    [Fact]
    public Task ReportsTheSdkExtensionWhereThePackageDeclaresIt()
        => Verify.AnalyzeAsync(
            [
                Sources.Tools(Members + "public void Build(List<ChatMessage> messages)\n{\n    foreach (var m in messages) m.Contents[0] = {|COST014:m.Contents[0].WithCacheControl(null)|};\n}"),
                """
                namespace Anthropic.Models.Messages { public sealed class CacheControlEphemeral { } }

                namespace Microsoft.Extensions.AI
                {
                    public static class AIContentCacheExtensions
                    {
                        public static T WithCacheControl<T>(this T content, Anthropic.Models.Messages.CacheControlEphemeral? cacheControl) where T : AIContent => content;
                    }
                }
                """,
            ],
            editorConfig: null,
            OutputKind.DynamicallyLinkedLibrary);

    [Fact]
    public Task IgnoresALookAlikeWhenNoAnthropicNamespaceExists()
        => Verify.AnalyzeAsync(
            [
                Sources.Tools(Members + "public void Build(List<ChatMessage> messages)\n{\n    foreach (var m in messages) _ = Elsewhere.LookAlike.WithCacheControl(m.Contents[0]);\n}"),
                "namespace Elsewhere { public static class LookAlike { public static T WithCacheControl<T>(this T c) where T : Microsoft.Extensions.AI.AIContent => c; } }",
            ],
            editorConfig: null,
            OutputKind.DynamicallyLinkedLibrary);

    internal static string Source(string body)
        => Sources.Tools(Members + "public void Build(List<ChatMessage> messages)\n{\n    " + body + "\n}").Replace("using Microsoft.Extensions.AI;", "using Microsoft.Extensions.AI;\nusing Anthropic;");

    private static Task AnalyzeAsync(string source, params DiagnosticResult[] expected)
        => Verify.AnalyzeAsync([source, AnthropicStub], editorConfig: null, OutputKind.DynamicallyLinkedLibrary, expected);
}
