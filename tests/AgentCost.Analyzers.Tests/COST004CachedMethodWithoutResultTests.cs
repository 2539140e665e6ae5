using AgentCost.Analyzers.Tests.Infrastructure;
using Verify = AgentCost.Analyzers.Tests.Infrastructure.Verifier<AgentCost.Analyzers.Rules.COST004CachedMethodWithoutResult>;

namespace AgentCost.Analyzers.Tests;

public sealed class COST004CachedMethodWithoutResultTests
{
    public static TheoryData<string, string> Reported => new()
    {
        { "void", "[Cached] public void {|COST004:Warm|}(string key) { }" },
        { "Task", "[Cached] public Task {|COST004:WarmAsync|}(string key) => Task.CompletedTask;" },
        { "ValueTask", "[Cached] public ValueTask {|COST004:WarmAsync|}(string key) => default;" },
        { "IAsyncEnumerable", "[Cached] public async IAsyncEnumerable<string> {|COST004:StreamAsync|}(string key) { await Task.Yield(); yield return key; }" },
        { "IAsyncEnumerator", "[Cached] public IAsyncEnumerator<string> {|COST004:Enumerate|}(string key) => null!;" },
        { "a task type of its own", "[Cached] public AnswerTask {|COST004:Answer|}(string key) => new(() => key);" },
        { "nullable ValueTask", "[Cached] public ValueTask<int>? {|COST004:Maybe|}(string key) => null;" },
    };

    public static TheoryData<string, string> NotReported => new()
    {
        { "a value", "[Cached] public string Answer(string key) => key;" },
        { "Task<T>", "[Cached] public Task<string> AnswerAsync(string key) => Task.FromResult(key);" },
        { "ValueTask<T>", "[Cached] public ValueTask<string> AnswerAsync(string key) => new(key);" },
        { "a list", "[Cached] public IReadOnlyList<string> Answers(string key) => [key];" },
        { "not [Cached]", "public void Warm(string key) { }" },
    };

    [Theory]
    [MemberData(nameof(Reported))]
    public Task ReportsCachedMethodWithoutResult(string shape, string members)
    {
        _ = shape;
        return Verify.AnalyzeAsync(Sources.Tools(members, "public sealed class AnswerTask(Func<string> f) : Task<string>(f);"));
    }

    [Theory]
    [MemberData(nameof(NotReported))]
    public Task IgnoresMethodsWithResults(string shape, string members)
    {
        _ = shape;
        return Verify.AnalyzeAsync(Sources.Tools(members));
    }

    [Fact]
    public Task MessageNamesTheReturnType()
        => Verify.AnalyzeAsync(
            Sources.Tools("[Cached] public Task {|#0:WarmAsync|}(string key) => Task.CompletedTask;"),
            Verify.Diagnostic("COST004").WithLocation(0).WithArguments("WarmAsync", "Task"));
}
