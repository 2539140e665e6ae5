namespace AgentCost.Tokens;

/// <summary>Settings of token counting; configuration section <c>AgentCost:Tokens</c>.</summary>
public sealed class TokenOptions
{
    /// <summary>
    /// The encoding used for a model with no known tokenizer; its counts are reported as estimates.
    /// Key <c>AgentCost:Tokens:FallbackEncoding</c> (<c>O200kBase</c> or <c>Cl100kBase</c>); default <c>O200kBase</c>.
    /// </summary>
    public TokenEncoding FallbackEncoding { get; set; } = TokenEncoding.O200kBase;

    /// <summary>
    /// Extra model-id prefixes and their encoding, checked before the built-in table; counts for them are exact.
    /// For example an Azure OpenAI deployment named <c>prod-chat</c> that runs gpt-4o:
    /// key <c>AgentCost:Tokens:ModelEncodings:prod-chat</c> = <c>O200kBase</c>. Prefixes are matched ignoring case,
    /// the longest first; an empty prefix is invalid.
    /// </summary>
    public Dictionary<string, TokenEncoding> ModelEncodings { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The fraction of an estimated prompt count (a model with no known tokenizer, counted with
    /// <see cref="FallbackEncoding"/>) that budgets reserve on top of it, so that a provider that counts more tokens than
    /// the estimate does not take a budget past its limit. Once a model has had a few calls, the margin its reports show
    /// replaces this one (<see cref="LearnEstimateMargin"/>). Key <c>AgentCost:Tokens:EstimateMargin</c>; from 0 to 3;
    /// default 0.1 (10 %). Exact counts get no margin.
    /// </summary>
    public double EstimateMargin { get; set; } = 0.1;

    /// <summary>
    /// Whether the margin of an estimated model is learned from the ratio of the input tokens its provider reports to the
    /// local count (<see cref="PromptCountCalibration"/>). Key <c>AgentCost:Tokens:LearnEstimateMargin</c>; default
    /// <see langword="true"/>; <see langword="false"/> always reserves <see cref="EstimateMargin"/>.
    /// </summary>
    public bool LearnEstimateMargin { get; set; } = true;
}
