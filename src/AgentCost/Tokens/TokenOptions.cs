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
}
