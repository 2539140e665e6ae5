namespace AgentCost.Spending;

/// <summary>
/// What a model costs, in US dollars per million tokens. The built-in catalogue has one per model; configuration
/// (<c>AgentCost:Pricing:Models:&lt;model-id&gt;</c>) overrides any of its fields or adds models.
/// </summary>
/// <remarks>
/// <para>A field left unset falls back as documented on it; <see cref="Input"/> and <see cref="Output"/> are required
/// for a model that is not in the catalogue. A model that really costs nothing (a local model) is priced with an
/// explicit <c>Input = 0</c> and <c>Output = 0</c>: a model without a price is never treated as free.</para>
/// </remarks>
public sealed class ModelPrice
{
    /// <summary>The provider, for reports and telemetry (<c>openai</c>, <c>anthropic</c>, <c>google</c>, ...). Optional.</summary>
    public string? Provider { get; set; }

    /// <summary>Input tokens that are neither read from nor written to the prompt cache; required.</summary>
    public decimal? Input { get; set; }

    /// <summary>Output tokens, reasoning included unless <see cref="Reasoning"/> is set; required.</summary>
    public decimal? Output { get; set; }

    /// <summary>Input tokens read from the provider's prompt cache; unset means <see cref="Input"/> (no discount).</summary>
    public decimal? CachedInput { get; set; }

    /// <summary>
    /// Input tokens written to the provider's prompt cache with its default time to live (Anthropic: five minutes,
    /// 1.25 × input); unset means <see cref="Input"/> (OpenAI and Gemini charge no premium for implicit caching).
    /// </summary>
    public decimal? CacheWrite { get; set; }

    /// <summary>Input tokens written to the prompt cache with a one-hour time to live (Anthropic: 2 × input); unset means <see cref="CacheWrite"/>.</summary>
    public decimal? CacheWrite1h { get; set; }

    /// <summary>
    /// Reasoning ("thinking") tokens, for a provider that bills them differently from other output; unset means
    /// <see cref="Output"/>, which is how OpenAI, Anthropic and Google bill them.
    /// </summary>
    public decimal? Reasoning { get; set; }

    /// <summary>
    /// The most output tokens the model can produce in one call. Inside a spend budget, a call that sets no output
    /// limit reserves this many; unset, such a call is sent with <c>AgentCost:Spending:FallbackMaxOutputTokens</c>.
    /// </summary>
    public int? MaxOutputTokens { get; set; }

    /// <summary>Higher prices for prompts above a size (Gemini 2.5 Pro, Claude Sonnet with the 1M context); optional.</summary>
    public LongContextPrice? LongContext { get; set; }

    /// <summary>Returns a copy in which every field set on <paramref name="overrides"/> replaces this one's.</summary>
    /// <param name="overrides">The fields to change.</param>
    /// <returns>The merged price.</returns>
    public ModelPrice With(ModelPrice? overrides)
    {
        if (overrides is null)
        {
            return Clone();
        }

        return new ModelPrice
        {
            Provider = overrides.Provider ?? Provider,
            Input = overrides.Input ?? Input,
            Output = overrides.Output ?? Output,
            CachedInput = overrides.CachedInput ?? CachedInput,
            CacheWrite = overrides.CacheWrite ?? CacheWrite,
            CacheWrite1h = overrides.CacheWrite1h ?? CacheWrite1h,
            Reasoning = overrides.Reasoning ?? Reasoning,
            MaxOutputTokens = overrides.MaxOutputTokens ?? MaxOutputTokens,
            LongContext = LongContext is null ? overrides.LongContext?.Clone() : LongContext.With(overrides.LongContext),
        };
    }

    /// <summary>Returns a copy.</summary>
    /// <returns>A copy with the same fields.</returns>
    public ModelPrice Clone() => new()
    {
        Provider = Provider,
        Input = Input,
        Output = Output,
        CachedInput = CachedInput,
        CacheWrite = CacheWrite,
        CacheWrite1h = CacheWrite1h,
        Reasoning = Reasoning,
        MaxOutputTokens = MaxOutputTokens,
        LongContext = LongContext?.Clone(),
    };
}

/// <summary>
/// The prices of a <see cref="ModelPrice"/> for prompts of more than <see cref="AboveInputTokens"/> input tokens, in US
/// dollars per million tokens. Unset fields fall back to the base price's.
/// </summary>
public sealed class LongContextPrice
{
    /// <summary>The prompt size (all input tokens) above which these prices apply, for example 200,000; required.</summary>
    public int? AboveInputTokens { get; set; }

    /// <summary>Full-price input tokens.</summary>
    public decimal? Input { get; set; }

    /// <summary>Output tokens.</summary>
    public decimal? Output { get; set; }

    /// <summary>Input tokens read from the prompt cache.</summary>
    public decimal? CachedInput { get; set; }

    /// <summary>Input tokens written to the prompt cache with the default time to live.</summary>
    public decimal? CacheWrite { get; set; }

    /// <summary>Input tokens written to the prompt cache with a one-hour time to live.</summary>
    public decimal? CacheWrite1h { get; set; }

    /// <summary>Returns a copy in which every field set on <paramref name="overrides"/> replaces this one's.</summary>
    /// <param name="overrides">The fields to change.</param>
    /// <returns>The merged tier.</returns>
    public LongContextPrice With(LongContextPrice? overrides) => overrides is null ? Clone() : new LongContextPrice
    {
        AboveInputTokens = overrides.AboveInputTokens ?? AboveInputTokens,
        Input = overrides.Input ?? Input,
        Output = overrides.Output ?? Output,
        CachedInput = overrides.CachedInput ?? CachedInput,
        CacheWrite = overrides.CacheWrite ?? CacheWrite,
        CacheWrite1h = overrides.CacheWrite1h ?? CacheWrite1h,
    };

    /// <summary>Returns a copy.</summary>
    /// <returns>A copy with the same fields.</returns>
    public LongContextPrice Clone() => new()
    {
        AboveInputTokens = AboveInputTokens,
        Input = Input,
        Output = Output,
        CachedInput = CachedInput,
        CacheWrite = CacheWrite,
        CacheWrite1h = CacheWrite1h,
    };
}
