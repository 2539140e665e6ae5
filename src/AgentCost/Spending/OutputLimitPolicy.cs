namespace AgentCost.Spending;

/// <summary>
/// What the AgentCost chat client does with a request whose own <c>ChatOptions.MaxOutputTokens</c> is more than the
/// token budget or the spend budgets leave room for. Key <c>AgentCost:Spending:OutputLimitPolicy</c>.
/// </summary>
public enum OutputLimitPolicy
{
    /// <summary>Sends the request with its output limit lowered to what fits (logged); the default.</summary>
    Clamp,

    /// <summary>
    /// Refuses the request, with <see cref="TokenBudgetExceededException"/> or
    /// <see cref="SpendLimitExceededException"/>, instead of sending it with a lower limit than it asked for. A request
    /// that sets no limit of its own is still sent with the limit the budgets leave.
    /// </summary>
    Refuse,
}
