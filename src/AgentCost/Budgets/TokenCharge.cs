namespace AgentCost.Budgets;

/// <summary>The tokens one model call consumed, as charged to a budget.</summary>
/// <param name="PromptTokens">Input tokens, cached ones included.</param>
/// <param name="CompletionTokens">Output tokens, reasoning ones included.</param>
/// <param name="CachedInputTokens">Of the input, those served from the provider's prompt cache.</param>
/// <param name="ReasoningTokens">Of the output, those spent on reasoning.</param>
/// <param name="IsEstimated">Whether the figures are a local count rather than the provider's report.</param>
internal readonly record struct TokenCharge(long PromptTokens, long CompletionTokens, long CachedInputTokens, long ReasoningTokens, bool IsEstimated)
{
    public long Total => PromptTokens + CompletionTokens;
}
