using System.ComponentModel;

namespace AgentCost.Interception;

/// <summary>The settings of a <see cref="TokenBudgetAttribute"/> as a generated descriptor carries them.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TokenBudgetPolicy
{
    /// <summary>Creates a policy. The arguments are checked when a budget scope opens with it, as <see cref="TokenBudget.Begin(string, int, int, int, BudgetOverflowPolicy)"/> checks them.</summary>
    /// <param name="totalTokens">The limit, in tokens; positive.</param>
    /// <param name="finalAnswerReserve">Tokens kept for the final answer; at least 0 and less than <paramref name="totalTokens"/>.</param>
    /// <param name="minStepTokens">The smallest step worth taking; at least 0 and at most <paramref name="totalTokens"/>.</param>
    /// <param name="overflowPolicy">What the chat client does with a prompt that does not fit.</param>
    public TokenBudgetPolicy(
        int totalTokens,
        int finalAnswerReserve = TokenBudget.DefaultFinalAnswerReserve,
        int minStepTokens = TokenBudget.DefaultMinStepTokens,
        BudgetOverflowPolicy overflowPolicy = BudgetOverflowPolicy.Throw)
    {
        // Checked when a scope opens, where the error can name the method: a descriptor is a static field of the
        // generated code, and a throwing initializer there would break every interceptor in the file.
        TotalTokens = totalTokens;
        FinalAnswerReserve = finalAnswerReserve;
        MinStepTokens = minStepTokens;
        OverflowPolicy = overflowPolicy;
    }

    /// <summary>The limit, in tokens.</summary>
    public int TotalTokens { get; }

    /// <summary>Tokens kept for the final answer.</summary>
    public int FinalAnswerReserve { get; }

    /// <summary>The smallest step worth taking.</summary>
    public int MinStepTokens { get; }

    /// <summary>What the chat client does with a prompt that does not fit.</summary>
    public BudgetOverflowPolicy OverflowPolicy { get; }

    internal static void Validate(int totalTokens, int finalAnswerReserve, int minStepTokens, BudgetOverflowPolicy overflowPolicy, string? budgetName)
    {
        var of = budgetName is null ? string.Empty : $" of token budget '{budgetName}'";
        if (totalTokens <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(totalTokens), totalTokens, $"The total{of} must be positive.");
        }

        if (finalAnswerReserve < 0 || finalAnswerReserve >= totalTokens)
        {
            throw new ArgumentOutOfRangeException(
                nameof(finalAnswerReserve), finalAnswerReserve, $"The final-answer reserve{of} must be at least 0 and less than the total ({totalTokens}).");
        }

        if (minStepTokens < 0 || minStepTokens > totalTokens)
        {
            throw new ArgumentOutOfRangeException(
                nameof(minStepTokens), minStepTokens, $"The minimum step{of} must be at least 0 and at most the total ({totalTokens}).");
        }

        if (!Enum.IsDefined(overflowPolicy))
        {
            throw new ArgumentOutOfRangeException(nameof(overflowPolicy), overflowPolicy, $"Unknown overflow policy{of}.");
        }
    }
}
