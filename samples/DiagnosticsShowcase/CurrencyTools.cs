using System.ComponentModel;
using AgentCost;
using Microsoft.Extensions.AI;

namespace DiagnosticsShowcase;

/// <summary>COST002-COST005 and COST008: tools and annotated methods that the cache and budgets cannot serve.</summary>
public sealed class CurrencyTools
{
    // COST002: a deterministic tool the agent calls through AIFunctionFactory.Create, paid for on every call. Fix: [Cached].
    [Description("Converts an amount between two currencies at a day's fixed rate."), Deterministic]
    public decimal Convert(decimal amount, string from, string to, DateOnly day) => amount * 1.1m;

    // COST003: a delegate cannot be part of a cache key. Fix: [NotCacheKey] if it does not change the result.
    [Cached]
    public string Format(decimal amount, Func<decimal, string> formatter) => formatter(amount);

    // COST004: nothing to cache. Fix: return the result, or drop [Cached].
    [Cached]
    public Task WarmUpAsync(string currency) => Task.CompletedTask;

    // COST005: the default final-answer reserve (2,000 tokens) does not fit a 1,000-token budget.
    [TokenBudget(1000)]
    public Task<string> ExplainAsync(string question) => Task.FromResult(question);

    // COST005: a negative time to live.
    [Cached(TtlSeconds = -60)]
    public decimal Rate(string from, string to) => 1.1m;

    // COST008: the generated interceptors cannot call a private method. Fix: make it internal.
    [Cached]
    private decimal LookUpRate(string currency) => currency.Length;

    public decimal Total(string currency) => LookUpRate(currency);

    public static IList<AITool> Tools(CurrencyTools tools) => [AIFunctionFactory.Create(tools.Convert)];
}
