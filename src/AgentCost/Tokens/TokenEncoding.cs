namespace AgentCost.Tokens;

/// <summary>The tiktoken encodings AgentCost ships the data for (no download at run time).</summary>
public enum TokenEncoding
{
    /// <summary><c>o200k_base</c>: gpt-4o, gpt-4.1, gpt-4.5, gpt-5, the o-series and gpt-oss.</summary>
    O200kBase = 0,

    /// <summary><c>cl100k_base</c>: gpt-4, gpt-3.5-turbo and the text-embedding-3 / ada-002 models.</summary>
    Cl100kBase = 1,
}
