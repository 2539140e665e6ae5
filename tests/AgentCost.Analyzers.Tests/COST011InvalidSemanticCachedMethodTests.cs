using AgentCost.Analyzers.Tests.Infrastructure;
using Verify = AgentCost.Analyzers.Tests.Infrastructure.Verifier<AgentCost.Analyzers.Rules.COST011InvalidSemanticCachedMethod>;

namespace AgentCost.Analyzers.Tests;

public sealed class COST011InvalidSemanticCachedMethodTests
{
    public static TheoryData<string, string> Reported => new()
    {
        { "no prompt parameter", "[SemanticCached] public int {|COST011:Count|}(int limit) => limit;" },
        { "no parameters", "[SemanticCached] public string {|COST011:Answer|}() => \"\";" },
        { "two unmarked prompts", "[SemanticCached] public string {|COST011:Answer|}(string question, string context) => question;" },
        { "two [Prompt] parameters", "[SemanticCached] public string {|COST011:Answer|}([Prompt] string question, [Prompt] string context) => question;" },
        { "a ChatMessage-sequence prompt", "[SemanticCached] public Task<string> {|COST011:AnswerAsync|}(List<ChatMessage> history) => Task.FromResult(\"\");" },
        { "a marked ChatMessage-sequence prompt", "[SemanticCached] public Task<string> {|COST011:AnswerAsync|}(string locale, [Prompt] IList<ChatMessage> history) => Task.FromResult(locale);" },
        { "[Prompt] on an int", "[SemanticCached] public string {|COST011:Answer|}([Prompt] int question, string context) => context;" },
        { "also [Cached]", "[SemanticCached] [Cached] public string {|COST011:Answer|}(string question) => question;" },
        { "no result", "[SemanticCached] public Task {|COST011:AnswerAsync|}(string question) => Task.CompletedTask;" },
        { "void", "[SemanticCached] public void {|COST011:Answer|}(string question) { }" },
        { "a negative TTL", "[SemanticCached(TtlSeconds = -5)] public string {|COST011:Answer|}(string question) => question;" },
        { "a threshold above 1", "[SemanticCached(Threshold = 1.01)] public string {|COST011:Answer|}(string question) => question;" },
        { "a negative threshold", "[SemanticCached(Threshold = -0.5)] public string {|COST011:Answer|}(string question) => question;" },
        { "a NaN threshold", "[SemanticCached(Threshold = double.NaN)] public string {|COST011:Answer|}(string question) => question;" },
    };

    public static TheoryData<string, string> NotReported => new()
    {
        { "the only string parameter", "[SemanticCached] public Task<string> AnswerAsync(string question, int limit, CancellationToken ct) => Task.FromResult(question);" },
        { "a marked string among strings", "[SemanticCached] public string Answer(string locale, [Prompt] string question) => question;" },
        { "a ValueTask result", "[SemanticCached] public ValueTask<int> CountAsync(string question) => new(1);" },
        { "every setting", "[SemanticCached(TtlSeconds = 60, Version = 3, Threshold = 0.92)] public string Answer(string question) => question;" },
        { "a threshold of 1", "[SemanticCached(Threshold = 1)] public string Answer(string question) => question;" },
        { "with other policies", "[SemanticCached] [TokenBudget(2000)] [RouteModel] public string Answer(string question) => question;" },
        { "[Cached] alone", "[Cached] public string Answer(string question, string context) => question;" },
    };

    [Theory]
    [MemberData(nameof(Reported))]
    public Task ReportsMethodsTheSemanticCacheCannotServe(string shape, string members)
    {
        _ = shape;
        return Verify.AnalyzeAsync(Sources.Tools(members));
    }

    [Theory]
    [MemberData(nameof(NotReported))]
    public Task IgnoresMethodsItCanServe(string shape, string members)
    {
        _ = shape;
        return Verify.AnalyzeAsync(Sources.Tools(members));
    }

    [Fact]
    public Task IgnoresCodeThatDoesNotCompile()
        => Verify.AnalyzeAsync(Sources.Tools("[SemanticCached] public string Answer([Prompt] {|CS0246:Missing|} question) => \"\";"));

    [Fact]
    public Task MessageNamesTheMethodAndTheReason()
        => Verify.AnalyzeAsync(
            Sources.Tools("[SemanticCached] [Cached] public string {|#0:Answer|}(string question) => question;"),
            Verify.Diagnostic("COST011").WithLocation(0)
                .WithMessage("[SemanticCached] method 'Answer' is not cached: it is both [Cached] and [SemanticCached]; keep one"));

    [Fact]
    public Task PromptMessageSaysWhatToMark()
        => Verify.AnalyzeAsync(
            Sources.Tools("[SemanticCached] public string {|#0:Answer|}(string question, string context) => question;"),
            Verify.Diagnostic("COST011").WithLocation(0)
                .WithMessage("[SemanticCached] method 'Answer' is not cached: its [SemanticCached] prompt is ambiguous: mark the one string parameter to compare by meaning with [Prompt]"));
}
