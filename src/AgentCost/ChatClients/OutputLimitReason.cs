namespace AgentCost.ChatClients;

/// <summary>What lowered (or set) the output limit a call was sent with.</summary>
internal enum OutputLimitReason
{
    /// <summary>The token budget had less room than the request asked for.</summary>
    TokenBudget,

    /// <summary>The spend budgets had less money than the request's worst case needs.</summary>
    SpendBudget,

    /// <summary>Neither request nor model bounds the answer: <c>AgentCost:Spending:FallbackMaxOutputTokens</c> does.</summary>
    FallbackMaxOutputTokens,

    /// <summary>The request set no limit: <see cref="AgentCostChatClientOptions.DefaultMaxOutputTokens"/> did.</summary>
    DefaultMaxOutputTokens,
}
