using Microsoft.ML.Tokenizers;

namespace AgentCost.Tokens;

/// <summary>
/// Chooses the tokenizer for a model id and keeps one loaded <see cref="Tokenizer"/> per encoding for the process.
/// </summary>
/// <remarks>
/// Built-in table: gpt-4o, chatgpt-4o, gpt-4.1, gpt-4.5, gpt-5, gpt-oss and the o-series (o1, o3, o4-mini, ...) use
/// <c>o200k_base</c>; gpt-4, gpt-3.5-turbo and the OpenAI embedding models use <c>cl100k_base</c>. A provider prefix
/// (<c>openai/gpt-4o</c>) and a fine-tune prefix (<c>ft:gpt-4o-mini:org::id</c>) are ignored. Any other model is
/// counted with <see cref="TokenOptions.FallbackEncoding"/> and its counts are marked as estimates.
/// </remarks>
public sealed class TokenizerRegistry
{
    // Longest prefixes first within each family, so that gpt-4o is never taken for gpt-4.
    private static readonly (string Prefix, TokenEncoding Encoding)[] s_builtIn =
    [
        ("gpt-4o", TokenEncoding.O200kBase),
        ("chatgpt-4o", TokenEncoding.O200kBase),
        ("gpt-4.1", TokenEncoding.O200kBase),
        ("gpt-4.5", TokenEncoding.O200kBase),
        ("gpt-5", TokenEncoding.O200kBase),
        ("gpt-oss", TokenEncoding.O200kBase),
        ("codex-mini", TokenEncoding.O200kBase),
        ("gpt-4", TokenEncoding.Cl100kBase),
        ("gpt-3.5", TokenEncoding.Cl100kBase),
        ("gpt-35", TokenEncoding.Cl100kBase),
        ("text-embedding-3", TokenEncoding.Cl100kBase),
        ("text-embedding-ada-002", TokenEncoding.Cl100kBase),
    ];

    // Loading a vocabulary takes a few hundred milliseconds: once per encoding and process.
    private static readonly Lazy<Tokenizer> s_o200k = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));
    private static readonly Lazy<Tokenizer> s_cl100k = new(() => TiktokenTokenizer.CreateForEncoding("cl100k_base"));

    private readonly (string Prefix, TokenEncoding Encoding)[] _configured;
    private readonly TokenEncoding _fallback;

    /// <summary>Creates a registry from settings.</summary>
    /// <param name="options">The fallback encoding and any extra model-id prefixes.</param>
    public TokenizerRegistry(TokenOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _fallback = options.FallbackEncoding;
        _configured = (options.ModelEncodings ?? [])
            .Where(static pair => !string.IsNullOrEmpty(pair.Key))
            .Select(static pair => (pair.Key, pair.Value))
            .OrderByDescending(static pair => pair.Key.Length)
            .ToArray();
    }

    /// <summary>A registry with the default settings: no extra prefixes, <c>o200k_base</c> as fallback.</summary>
    public static TokenizerRegistry Default { get; } = new(new TokenOptions());

    /// <summary>The encoding used for models with no known tokenizer.</summary>
    public TokenEncoding FallbackEncoding => _fallback;

    /// <summary>The counter for <paramref name="modelId"/>: exact for a known model, else the fallback marked as an estimate.</summary>
    /// <param name="modelId">The model id as sent to the provider; <see langword="null"/> when unknown.</param>
    public TokenCounter GetCounter(string? modelId)
    {
        if (modelId is not null)
        {
            foreach (var (prefix, encoding) in _configured)
            {
                if (modelId.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                {
                    return TokenCounter.For(encoding);
                }
            }

            if (TryGetBuiltInEncoding(modelId, out var builtIn))
            {
                return TokenCounter.For(builtIn);
            }
        }

        return TokenCounter.For(_fallback, isEstimate: true);
    }

    /// <summary>Looks <paramref name="modelId"/> up in the built-in table only.</summary>
    /// <param name="modelId">A model id such as <c>gpt-4o-mini</c> or <c>openai/o3</c>.</param>
    /// <param name="encoding">The model's encoding when known.</param>
    /// <returns><see langword="true"/> when the model's tokenizer is known.</returns>
    public static bool TryGetBuiltInEncoding(string? modelId, out TokenEncoding encoding)
    {
        encoding = default;
        if (string.IsNullOrWhiteSpace(modelId))
        {
            return false;
        }

        var id = modelId.AsSpan().Trim();
        var slash = id.LastIndexOf('/');
        if (slash >= 0)
        {
            id = id[(slash + 1)..];
        }

        if (id.StartsWith("ft:", StringComparison.OrdinalIgnoreCase))
        {
            id = id[3..];
        }

        foreach (var (prefix, candidate) in s_builtIn)
        {
            if (id.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                encoding = candidate;
                return true;
            }
        }

        // The o-series: o1, o1-mini, o3-pro, o4-mini-2025-04-16, ... but not a model that merely starts with "o".
        if (id.Length >= 2 && (id[0] is 'o' or 'O') && char.IsAsciiDigit(id[1]) && (id.Length == 2 || id[2] == '-'))
        {
            encoding = TokenEncoding.O200kBase;
            return true;
        }

        return false;
    }

    /// <summary>Whether <paramref name="tokenizer"/> is the process-wide tokenizer of a shipped encoding.</summary>
    internal static bool IsShippedTokenizer(Tokenizer tokenizer)
        => (s_o200k.IsValueCreated && ReferenceEquals(tokenizer, s_o200k.Value))
        || (s_cl100k.IsValueCreated && ReferenceEquals(tokenizer, s_cl100k.Value));

    /// <summary>The process-wide tokenizer of <paramref name="encoding"/>, loaded on first use from the shipped data.</summary>
    /// <param name="encoding">The encoding.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="encoding"/> is not a defined value.</exception>
    public static Tokenizer GetTokenizer(TokenEncoding encoding) => encoding switch
    {
        TokenEncoding.O200kBase => s_o200k.Value,
        TokenEncoding.Cl100kBase => s_cl100k.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "Unknown token encoding."),
    };
}
