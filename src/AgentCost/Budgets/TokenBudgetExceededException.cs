using System.Globalization;

namespace AgentCost;

/// <summary>
/// A model call was refused because it does not fit its token budget. Nothing was sent to the provider.
/// </summary>
/// <remarks>
/// The budget named is the tightest in the chain of nested budgets: the one that refused. End the run gracefully by
/// checking <see cref="TokenBudget.CanContinue"/> before each step and calling <see cref="TokenBudget.BeginFinalAnswer"/>
/// for the last one.
/// </remarks>
public sealed class TokenBudgetExceededException : InvalidOperationException
{
    /// <summary>Creates an exception with a default message.</summary>
    public TokenBudgetExceededException()
        : base("A model call did not fit its token budget.")
    {
        BudgetName = string.Empty;
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">The message.</param>
    public TokenBudgetExceededException(string message)
        : base(message)
    {
        BudgetName = string.Empty;
    }

    /// <summary>Creates an exception with <paramref name="message"/> and its cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TokenBudgetExceededException(string message, Exception? innerException)
        : base(message, innerException)
    {
        BudgetName = string.Empty;
    }

    /// <summary>Creates an exception describing a refused call.</summary>
    /// <param name="budget">The budget that refused the call.</param>
    /// <param name="requestedTokens">The tokens the call needed at the least: its prompt plus the smallest answer allowed.</param>
    /// <param name="promptTokens">The call's counted prompt tokens.</param>
    public TokenBudgetExceededException(TokenBudget budget, int requestedTokens, int promptTokens)
        : base(Describe(budget, requestedTokens, promptTokens, out var available))
    {
        BudgetName = budget.Name;
        Limit = budget.Total;
        FinalAnswerReserve = budget.FinalAnswerReserve;
        Used = budget.Used;
        InFlight = budget.InFlight;
        RequestedTokens = requestedTokens;
        PromptTokens = promptTokens;
        AvailableTokens = available;
    }

    /// <summary>The name of the budget that refused: the annotated method, or the name its scope was given.</summary>
    public string BudgetName { get; }

    /// <summary>The budget's limit in tokens.</summary>
    public int Limit { get; }

    /// <summary>The tokens the budget keeps for the final answer.</summary>
    public int FinalAnswerReserve { get; }

    /// <summary>The tokens the budget had charged when it refused.</summary>
    public long Used { get; }

    /// <summary>The tokens reserved by calls in flight when it refused.</summary>
    public long InFlight { get; }

    /// <summary>The tokens the call needed at the least: its prompt plus the smallest answer allowed.</summary>
    public int RequestedTokens { get; }

    /// <summary>The call's counted prompt tokens.</summary>
    public int PromptTokens { get; }

    /// <summary>The tokens the budget had available for a step when it refused.</summary>
    public int AvailableTokens { get; }

    private static string Describe(TokenBudget budget, int requestedTokens, int promptTokens, out int available)
    {
        ArgumentNullException.ThrowIfNull(budget);
        available = budget.OwnAvailable;
        var mode = budget.IsFinalAnswer
            ? "in its final answer"
            : string.Create(CultureInfo.InvariantCulture, $"{budget.FinalAnswerReserve:N0} kept for the final answer");
        var inFlight = budget.InFlight > 0
            ? string.Create(CultureInfo.InvariantCulture, $" and {budget.InFlight:N0} reserved by calls in flight")
            : string.Empty;
        var availableNow = available;
        return string.Create(
                CultureInfo.InvariantCulture,
                $"Token budget '{budget.Name}' ({budget.Total:N0} tokens, {mode}) refused a model call: {budget.Used:N0} tokens used{inFlight}; ")
            + string.Create(
                CultureInfo.InvariantCulture,
                $"the call needed {requestedTokens:N0} (a prompt of {promptTokens:N0} plus the smallest answer) but only {availableNow:N0} are available. ")
            + "Nothing was sent to the model. Check TokenBudget.CanContinue before each step and call BeginFinalAnswer() for the last one.";
    }
}
