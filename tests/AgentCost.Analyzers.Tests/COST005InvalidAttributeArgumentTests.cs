using AgentCost.Analyzers.Tests.Infrastructure;
using Verify = AgentCost.Analyzers.Tests.Infrastructure.Verifier<AgentCost.Analyzers.Rules.COST005InvalidAttributeArgument>;

namespace AgentCost.Analyzers.Tests;

public sealed class COST005InvalidAttributeArgumentTests
{
    public static TheoryData<string, string> Reported => new()
    {
        { "negative TTL", "[Cached({|COST005:TtlSeconds = -1|})] public string M(string q) => q;" },
        { "zero budget", "[TokenBudget({|COST005:0|})] public Task<string> M(string q) => Task.FromResult(q);" },
        { "negative budget", "[TokenBudget({|COST005:-8000|})] public Task<string> M(string q) => Task.FromResult(q);" },
        { "reserve equal to the budget", "[TokenBudget(8000, {|COST005:FinalAnswerReserve = 8000|})] public Task<string> M(string q) => Task.FromResult(q);" },
        { "negative reserve", "[TokenBudget(8000, {|COST005:FinalAnswerReserve = -1|})] public Task<string> M(string q) => Task.FromResult(q);" },
        { "default reserve larger than a small budget", "[{|COST005:TokenBudget(1000)|}] public Task<string> M(string q) => Task.FromResult(q);" },
        { "minimum step above the budget", "[TokenBudget(8000, {|COST005:MinStepTokens = 9000|})] public Task<string> M(string q) => Task.FromResult(q);" },
        { "undefined overflow policy", "[TokenBudget(8000, {|COST005:OverflowPolicy = (BudgetOverflowPolicy)7|})] public Task<string> M(string q) => Task.FromResult(q);" },
    };

    public static TheoryData<string, string> NotReported => new()
    {
        { "default TTL", "[Cached] public string M(string q) => q;" },
        { "positive TTL and a version", "[Cached(TtlSeconds = 60, Version = 2)] public string M(string q) => q;" },
        { "a budget", "[TokenBudget(8000)] public Task<string> M(string q) => Task.FromResult(q);" },
        { "a small budget with its own reserve", "[TokenBudget(1000, FinalAnswerReserve = 200, MinStepTokens = 100)] public Task<string> M(string q) => Task.FromResult(q);" },
        { "a defined overflow policy", "[TokenBudget(8000, OverflowPolicy = BudgetOverflowPolicy.TrimOldest)] public Task<string> M(string q) => Task.FromResult(q);" },
    };

    [Theory]
    [MemberData(nameof(Reported))]
    public Task ReportsInvalidArgument(string shape, string members)
    {
        _ = shape;
        return Verify.AnalyzeAsync(Sources.Tools(members));
    }

    [Theory]
    [MemberData(nameof(NotReported))]
    public Task IgnoresValidArguments(string shape, string members)
    {
        _ = shape;
        return Verify.AnalyzeAsync(Sources.Tools(members));
    }

    [Fact]
    public Task MessageNamesTheLimit()
        => Verify.AnalyzeAsync(
            Sources.Tools("[TokenBudget(8000, {|#0:FinalAnswerReserve = 9000|})] public Task<string> M(string q) => Task.FromResult(q);"),
            Verify.Diagnostic("COST005").WithLocation(0)
                .WithArguments("[TokenBudget] FinalAnswerReserve is 9000; it must be at least 0 and less than the total (8000)"));
}
