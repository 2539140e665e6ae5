using Microsoft.Extensions.AI;

namespace AgentCost.Spending;

/// <summary>The tokens of one model call (or a sum of calls), split the way providers bill them.</summary>
/// <param name="Input">Input tokens billed at the full input price: neither read from nor written to the provider's prompt cache.</param>
/// <param name="CachedInput">Input tokens read from the provider's prompt cache.</param>
/// <param name="CacheWrite">Input tokens written to the provider's prompt cache with its default time to live (Anthropic: five minutes).</param>
/// <param name="CacheWrite1h">Input tokens written to the provider's prompt cache with the one-hour time to live (Anthropic).</param>
/// <param name="Output">Output tokens, reasoning tokens included.</param>
/// <param name="Reasoning">Of <paramref name="Output"/>, those the model spent on reasoning.</param>
public readonly record struct SpendTokens(long Input, long CachedInput, long CacheWrite, long CacheWrite1h, long Output, long Reasoning)
{
    // Keys under which adapters report prompt-cache writes in UsageDetails.AdditionalCounts.
    private static readonly string[] s_cacheWriteKeys = ["CacheCreationInputTokens", "cache_creation_input_tokens"];
    private static readonly string[] s_cacheWrite5mKeys = ["CacheCreationEphemeral5mInputTokens", "ephemeral_5m_input_tokens"];
    private static readonly string[] s_cacheWrite1hKeys = ["CacheCreationEphemeral1hInputTokens", "CacheCreation1hInputTokens", "ephemeral_1h_input_tokens"];

    /// <summary>
    /// The most tokens of one kind a single call is charged for (2⁴⁰, a thousand times any context window): a larger
    /// report is a provider's error, and is charged as this many so that sums and prices cannot overflow.
    /// </summary>
    internal const long MaxCallTokens = 1L << 40;

    /// <summary>All input tokens: full-price, cached and written to the cache.</summary>
    public long TotalInput => Input + CachedInput + CacheWrite + CacheWrite1h;

    /// <summary>All tokens, input and output.</summary>
    public long Total => TotalInput + Output;

    /// <summary>Adds two tallies.</summary>
    /// <param name="left">The first tally.</param>
    /// <param name="right">The second tally.</param>
    public static SpendTokens operator +(SpendTokens left, SpendTokens right) => new(
        left.Input + right.Input,
        left.CachedInput + right.CachedInput,
        left.CacheWrite + right.CacheWrite,
        left.CacheWrite1h + right.CacheWrite1h,
        left.Output + right.Output,
        left.Reasoning + right.Reasoning);

    /// <summary>Adds two tallies.</summary>
    /// <param name="left">The first tally.</param>
    /// <param name="right">The second tally.</param>
    /// <returns>The sum.</returns>
    public static SpendTokens Add(SpendTokens left, SpendTokens right) => left + right;

    /// <summary>
    /// Splits a provider's usage report by how each part is billed.
    /// </summary>
    /// <remarks>
    /// <para>Microsoft.Extensions.AI's convention is followed: <see cref="UsageDetails.InputTokenCount"/> includes cached
    /// input and <see cref="UsageDetails.OutputTokenCount"/> includes reasoning. Prompt-cache writes are read from
    /// <see cref="UsageDetails.AdditionalCounts"/> (<c>CacheCreationInputTokens</c> or <c>cache_creation_input_tokens</c>
    /// for all writes; <c>ephemeral_1h_input_tokens</c> and <c>ephemeral_5m_input_tokens</c>, or
    /// <c>CacheCreationEphemeral1hInputTokens</c> and <c>CacheCreationEphemeral5mInputTokens</c>, for the split by time to live).</para>
    /// <para>A negative count is not believed: the local count (or 0) is used instead. A count above 2⁴⁰ is held there.</para>
    /// <para>An adapter that reports the provider's raw figures instead is recognised where the figures show it: when
    /// cached input and cache writes exceed the input count they are added to it (Anthropic's <c>input_tokens</c>
    /// excludes them), and when reasoning exceeds the output count it is added to it (Gemini's <c>candidatesTokenCount</c>
    /// excludes thoughts).</para>
    /// </remarks>
    /// <param name="usage">The provider's report.</param>
    /// <param name="promptTokens">The input count to use when the report has none (a local count).</param>
    /// <param name="outputTokens">The output count to use when the report has none (a local count).</param>
    /// <returns>The split.</returns>
    public static SpendTokens FromUsage(UsageDetails? usage, long promptTokens = 0, long outputTokens = 0)
    {
        var input = Reported(usage?.InputTokenCount) ?? Saturate(promptTokens);
        var cached = Reported(usage?.CachedInputTokenCount) ?? 0;
        var output = Reported(usage?.OutputTokenCount) ?? Saturate(outputTokens);
        var reasoning = Reported(usage?.ReasoningTokenCount) ?? 0;
        long writes = 0, writes1h = 0;
        if (usage?.AdditionalCounts is { Count: > 0 } additional)
        {
            var total = Reported(Find(additional, s_cacheWriteKeys));
            var fiveMinutes = Reported(Find(additional, s_cacheWrite5mKeys));
            writes1h = Reported(Find(additional, s_cacheWrite1hKeys)) ?? 0;
            var all = total ?? ((fiveMinutes ?? 0) + writes1h);
            writes1h = Math.Min(writes1h, all);
            writes = all - writes1h;
        }

        if (cached + writes + writes1h > input)
        {
            input += cached + writes + writes1h;
        }

        if (reasoning > output)
        {
            output += reasoning;
        }

        return new SpendTokens(Math.Max(0, input - cached - writes - writes1h), cached, writes, writes1h, Math.Max(0, output), reasoning);
    }

    /// <summary>
    /// A provider's count as it can be trusted: <see langword="null"/> (use the local count) when it is negative, and
    /// at most <see cref="MaxCallTokens"/>, so that no sum or price of counts can overflow.
    /// </summary>
    internal static long? Reported(long? count) => count switch
    {
        null or < 0 => null,
        > MaxCallTokens => MaxCallTokens,
        _ => count,
    };

    /// <summary>The tokens counted with each count held to [0, <see cref="MaxCallTokens"/>].</summary>
    internal SpendTokens Saturated() => new(
        Saturate(Input), Saturate(CachedInput), Saturate(CacheWrite), Saturate(CacheWrite1h), Saturate(Output), Saturate(Reasoning));

    private static long Saturate(long count) => Math.Clamp(count, 0, MaxCallTokens);

    private static long? Find(AdditionalPropertiesDictionary<long> counts, string[] keys)
    {
        foreach (var key in keys)
        {
            if (counts.TryGetValue(key, out var value))
            {
                return value;
            }
        }

        return null;
    }
}
