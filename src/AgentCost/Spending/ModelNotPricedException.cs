namespace AgentCost;

/// <summary>
/// A model call was refused because a spend budget applies to it and the model has no price: its cost could not be
/// held to the budget. Nothing was sent to the provider.
/// </summary>
/// <remarks>
/// Add the price under <see cref="SettingKey"/> (<c>Input</c> and <c>Output</c>, US dollars per million tokens; 0 for
/// a free local model), map the model to a priced one with <c>AgentCost:Pricing:Aliases</c>, or allow unpriced calls
/// with <c>AgentCost:Pricing:RefuseUnpricedInBudgets</c> = <c>false</c>.
/// </remarks>
public sealed class ModelNotPricedException : InvalidOperationException
{
    /// <summary>Creates an exception with a default message.</summary>
    public ModelNotPricedException()
        : base("A model call was refused: the model has no price.")
    {
        SettingKey = "AgentCost:Pricing:Models";
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">The message.</param>
    public ModelNotPricedException(string message)
        : base(message)
    {
        SettingKey = "AgentCost:Pricing:Models";
    }

    /// <summary>Creates an exception with <paramref name="message"/> and its cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ModelNotPricedException(string message, Exception? innerException)
        : base(message, innerException)
    {
        SettingKey = "AgentCost:Pricing:Models";
    }

    /// <summary>Creates an exception for a call to <paramref name="modelId"/> inside <paramref name="budgetName"/>.</summary>
    /// <param name="modelId">The model, or <see langword="null"/> when the call named none.</param>
    /// <param name="budgetName">A spend budget that applies to the call.</param>
    public ModelNotPricedException(string? modelId, string budgetName)
        : base(Describe(modelId, budgetName))
    {
        ModelId = modelId;
        BudgetName = budgetName;
        SettingKey = "AgentCost:Pricing:Models:" + (string.IsNullOrWhiteSpace(modelId) ? "<model-id>" : modelId);
    }

    /// <summary>The model without a price; <see langword="null"/> when the call named no model.</summary>
    public string? ModelId { get; }

    /// <summary>A spend budget that applies to the call.</summary>
    public string? BudgetName { get; }

    /// <summary>The configuration key under which to add the model's price.</summary>
    public string SettingKey { get; }

    private static string Describe(string? modelId, string budgetName) => modelId switch
    {
        null => $"A model call inside spend budget '{budgetName}' was refused: it names no model (set ChatOptions.ModelId, or use a client whose metadata names its default model), so its cost is unknown. Nothing was sent to the model.",
        _ when string.IsNullOrWhiteSpace(modelId) => $"A model call inside spend budget '{budgetName}' was refused: its model id is blank ('{modelId}'), so no price applies and its cost is unknown. "
            + "Set ChatOptions.ModelId to the model's id (or use a client whose metadata names its default model). Nothing was sent to the model.",
        _ => $"A call to model '{modelId}' inside spend budget '{budgetName}' was refused: the model has no price, so its cost could not be held to the budget. "
            + $"Add AgentCost:Pricing:Models:{modelId}:Input and :Output (US dollars per million tokens; 0 for a free local model), or map it to a priced model with AgentCost:Pricing:Aliases:{modelId}. Nothing was sent to the model.",
    };
}
