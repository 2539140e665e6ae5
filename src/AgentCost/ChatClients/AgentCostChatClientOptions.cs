using AgentCost.Tokens;

namespace AgentCost.ChatClients;

/// <summary>Settings of one <see cref="AgentCostChatClient"/>.</summary>
public sealed class AgentCostChatClientOptions
{
    /// <summary>
    /// The output limit of a request that sets no <c>ChatOptions.MaxOutputTokens</c> of its own, before the budget
    /// clamps it further. <see langword="null"/> (the default) lets such a request use, and so reserve, all the budget
    /// has left. Set it when several calls of one budget run at the same time, so that each reserves only its share
    /// instead of refusing the others.
    /// </summary>
    public int? DefaultMaxOutputTokens { get; set; }

    /// <summary>
    /// The smallest answer a call is worth making for: a call whose prompt leaves less room than this (or than the
    /// request's own <c>MaxOutputTokens</c>, if smaller) is refused, or trimmed under
    /// <see cref="BudgetOverflowPolicy.TrimOldest"/>. Default 1.
    /// </summary>
    public int MinOutputTokens { get; set; } = 1;

    /// <summary>
    /// Counts every request with this counter instead of the one the runtime's <see cref="TokenizerRegistry"/> picks
    /// by model id. Useful for a deployment whose name does not reveal its model.
    /// </summary>
    public TokenCounter? TokenCounter { get; set; }
}
