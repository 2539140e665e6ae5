namespace AgentCost.Spending;

/// <summary>Model prices; configuration section <c>AgentCost:Pricing</c>.</summary>
public sealed class PricingOptions
{
    /// <summary>
    /// Whether the built-in catalogue (<see cref="PriceCatalog.BuiltIn"/>: current OpenAI, Anthropic and Google models)
    /// is the starting point. Key <c>AgentCost:Pricing:UseBuiltInCatalog</c>; default <see langword="true"/>.
    /// </summary>
    public bool UseBuiltInCatalog { get; set; } = true;

    /// <summary>
    /// Prices by model id, in US dollars per million tokens: new models, or fields that replace the catalogue's for a
    /// model it has. Key <c>AgentCost:Pricing:Models:&lt;model-id&gt;:&lt;field&gt;</c>, for example
    /// <c>AgentCost:Pricing:Models:gpt-4o:Input</c> = <c>2.50</c>, or <c>AgentCost:Pricing:Models:llama3:Input</c> =
    /// <c>0</c> and <c>...:Output</c> = <c>0</c> for a free local model. Model ids are matched ignoring case.
    /// </summary>
    public Dictionary<string, ModelPrice> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Model ids (deployment names, routed names) priced as another model. Key
    /// <c>AgentCost:Pricing:Aliases:&lt;model-id&gt;</c> = <c>&lt;priced model id&gt;</c>, for example
    /// <c>AgentCost:Pricing:Aliases:prod-chat</c> = <c>gpt-4o</c>.
    /// </summary>
    public Dictionary<string, string> Aliases { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Whether a call to a model without a price is refused when a spend budget applies to it. Key
    /// <c>AgentCost:Pricing:RefuseUnpricedInBudgets</c>; default <see langword="true"/>: a budget cannot hold a call
    /// whose cost is unknown. <see langword="false"/> lets such calls through; they are recorded as unpriced, counted in
    /// <c>agentcost.calls.unpriced</c> and charge no budget. Outside spend budgets, unpriced calls are always allowed and
    /// recorded that way.
    /// </summary>
    public bool RefuseUnpricedInBudgets { get; set; } = true;
}
