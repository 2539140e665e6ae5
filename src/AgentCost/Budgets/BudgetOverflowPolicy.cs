namespace AgentCost;

/// <summary>What the AgentCost chat client does when a request's prompt does not fit what its budget has left.</summary>
public enum BudgetOverflowPolicy
{
    /// <summary>Refuse the call with a <see cref="TokenBudgetExceededException"/>; nothing is sent. The default.</summary>
    Throw = 0,

    /// <summary>
    /// Drop the oldest non-system messages (a tool call goes together with its results) until the prompt fits, leaving
    /// room for the request's <c>MaxOutputTokens</c> (but for at most half of what is available); when only the latest
    /// turn is left, truncate its text. Refuse as <see cref="Throw"/> when even that does not fit. The caller's message
    /// list is never changed: only the request sent is shortened.
    /// </summary>
    TrimOldest = 1,
}
