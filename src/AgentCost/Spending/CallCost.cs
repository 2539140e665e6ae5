namespace AgentCost.Spending;

/// <summary>What one model call cost, by kind of token, in US dollars.</summary>
/// <param name="Model">The catalogue's name of the model whose prices were applied.</param>
/// <param name="Tokens">The tokens, split by how they are billed.</param>
/// <param name="Input">Full-price input.</param>
/// <param name="CachedInput">Input read from the provider's prompt cache.</param>
/// <param name="CacheWrite">Input written to the provider's prompt cache (both times to live).</param>
/// <param name="Output">Output, reasoning included.</param>
/// <param name="Total">The cost of the call, rounded up to 10⁻¹⁰ dollars: what budgets and the ledger are charged.</param>
/// <param name="PromptCacheSavings">What the cached input would have cost more at the full input price.</param>
public readonly record struct CallCost(
    string Model, SpendTokens Tokens, decimal Input, decimal CachedInput, decimal CacheWrite, decimal Output, decimal Total, decimal PromptCacheSavings);
