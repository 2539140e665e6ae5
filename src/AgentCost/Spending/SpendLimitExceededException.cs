using System.Globalization;
using AgentCost.Spending;

namespace AgentCost;

/// <summary>
/// A model call was refused because its worst-case cost does not fit a spend budget. Nothing was sent to the provider.
/// </summary>
/// <remarks>
/// The budget named is the tightest of those that apply to the call (global, model, tenant, method; day or month).
/// The worst case is the counted prompt at the model's dearest input price plus the smallest answer allowed at its
/// output price.
/// </remarks>
public sealed class SpendLimitExceededException : InvalidOperationException
{
    /// <summary>Creates an exception with a default message.</summary>
    public SpendLimitExceededException()
        : base("A model call did not fit its spend budget.")
    {
        BudgetName = string.Empty;
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">The message.</param>
    public SpendLimitExceededException(string message)
        : base(message)
    {
        BudgetName = string.Empty;
    }

    /// <summary>Creates an exception with <paramref name="message"/> and its cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SpendLimitExceededException(string message, Exception? innerException)
        : base(message, innerException)
    {
        BudgetName = string.Empty;
    }

    /// <summary>Creates an exception describing a refused call.</summary>
    /// <param name="budget">The budget that refused, as it stood.</param>
    /// <param name="modelId">The model the call was for.</param>
    /// <param name="needed">The least the call could cost, in US dollars.</param>
    /// <param name="promptTokens">The call's counted prompt tokens.</param>
    public SpendLimitExceededException(SpendBudgetStatus budget, string? modelId, decimal needed, int promptTokens)
        : base(Describe(budget, modelId, needed, promptTokens))
    {
        BudgetName = budget.Name;
        Scope = budget.Scope;
        Key = budget.Key;
        Period = budget.Period;
        PeriodStart = budget.PeriodStart;
        Limit = budget.Limit;
        Spent = budget.Spent;
        Reserved = budget.Reserved;
        Needed = needed;
        ModelId = modelId;
        PromptTokens = promptTokens;
    }

    /// <summary>The budget that refused: <c>global daily</c>, <c>tenant 'acme' monthly</c>, ...</summary>
    public string BudgetName { get; }

    /// <summary>What the budget limits.</summary>
    public SpendScope Scope { get; }

    /// <summary>The model, tenant or method the budget limits; <see langword="null"/> for a global budget.</summary>
    public string? Key { get; }

    /// <summary>The period the budget counts over.</summary>
    public SpendPeriod Period { get; }

    /// <summary>When the budget's current period started.</summary>
    public DateTimeOffset PeriodStart { get; }

    /// <summary>The budget's limit, in US dollars.</summary>
    public decimal Limit { get; }

    /// <summary>What the budget had spent in its period, in US dollars.</summary>
    public decimal Spent { get; }

    /// <summary>What calls in flight had reserved on it, in US dollars.</summary>
    public decimal Reserved { get; }

    /// <summary>The least the refused call could cost (its prompt and the smallest answer), in US dollars.</summary>
    public decimal Needed { get; }

    /// <summary>The model the call was for.</summary>
    public string? ModelId { get; }

    /// <summary>The call's counted prompt tokens.</summary>
    public int PromptTokens { get; }

    private static string Describe(SpendBudgetStatus budget, string? modelId, decimal needed, int promptTokens)
    {
        ArgumentNullException.ThrowIfNull(budget);
        var reserved = budget.Reserved > 0 ? $" and {Money.Format(budget.Reserved)} reserved by calls in flight" : string.Empty;
        return string.Create(
                CultureInfo.InvariantCulture,
                $"Spend budget '{budget.Name}' (limit {Money.Format(budget.Limit)} for the period from {budget.PeriodStart:yyyy-MM-dd HH:mm zzz}) refused a call to '{modelId}': ")
            + $"{Money.Format(budget.Spent)} spent{reserved}; "
            + string.Create(CultureInfo.InvariantCulture, $"the call needed at least {Money.Format(needed)} (a prompt of {promptTokens:N0} tokens and the smallest answer at the model's prices) ")
            + $"but only {Money.Format(budget.Remaining)} is left. Nothing was sent to the model.";
    }
}
