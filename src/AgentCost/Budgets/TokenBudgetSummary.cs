namespace AgentCost.Budgets;

/// <summary>A snapshot of a <see cref="TokenBudget"/>'s tallies.</summary>
/// <param name="Name">The budget's name: the annotated method, or the name given to <see cref="TokenBudget.Begin(string, int, int, int, BudgetOverflowPolicy)"/>.</param>
/// <param name="Total">The budget's limit in tokens.</param>
/// <param name="FinalAnswerReserve">The tokens kept back for the final answer.</param>
/// <param name="PromptTokens">Prompt (input) tokens charged, cached ones included.</param>
/// <param name="CompletionTokens">Completion (output) tokens charged, reasoning ones included.</param>
/// <param name="CachedInputTokens">Of <paramref name="PromptTokens"/>, those the provider served from its prompt cache.</param>
/// <param name="ReasoningTokens">Of <paramref name="CompletionTokens"/>, those spent on reasoning.</param>
/// <param name="InFlightTokens">Tokens reserved by calls that have not finished yet.</param>
/// <param name="Calls">Model calls charged.</param>
/// <param name="RefusedCalls">Model calls refused because they did not fit.</param>
/// <param name="IsEstimated">Whether any charge was a local estimate rather than the provider's own figure.</param>
public sealed record TokenBudgetSummary(
    string Name,
    int Total,
    int FinalAnswerReserve,
    long PromptTokens,
    long CompletionTokens,
    long CachedInputTokens,
    long ReasoningTokens,
    long InFlightTokens,
    int Calls,
    int RefusedCalls,
    bool IsEstimated)
{
    /// <summary>Tokens charged: <see cref="PromptTokens"/> plus <see cref="CompletionTokens"/>.</summary>
    public long Used => PromptTokens + CompletionTokens;

    /// <summary>Tokens neither charged nor reserved; never negative.</summary>
    public long Remaining => Math.Max(0, Total - Used - InFlightTokens);

    /// <summary>The share of <see cref="Total"/> charged, from 0 (a provider that over-reports can push it past 1).</summary>
    public double Utilization => Total == 0 ? 0 : (double)Used / Total;
}
