using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;

namespace AgentCost.Tokens;

/// <summary>
/// Counts and truncates tokens with a <c>Microsoft.ML.Tokenizers</c> tokenizer: plain text, chat messages with the
/// overhead OpenAI documents, and tool schemas. Thread-safe; get one from <see cref="TokenizerRegistry.GetCounter"/>,
/// <see cref="ForModel"/> or <see cref="For"/>.
/// </summary>
/// <remarks>
/// <para>Chat messages are counted as the OpenAI cookbook's <c>num_tokens_from_messages</c> does for the gpt-4o and
/// gpt-4 families: <see cref="TokensPerMessage"/> per message, plus the tokens of its role, its contents and its name
/// (and <see cref="TokensPerName"/> when it has one), plus <see cref="ReplyPrimingTokens"/> for the whole request.</para>
/// <para>Contents counted: text, tool calls (name and JSON arguments) and tool results (text or JSON). Images, audio
/// and other binary contents are priced by the provider in ways a text tokenizer cannot see and count as 0.
/// Tool schemas are counted as the JSON of each tool's name, description and parameter schema: an approximation, since
/// providers do not publish how they render tools into the prompt.</para>
/// </remarks>
public sealed class TokenCounter
{
    /// <summary>The tokens every chat message costs besides its contents (OpenAI: <c>&lt;|start|&gt;{role}\n ... &lt;|end|&gt;</c>).</summary>
    public const int TokensPerMessage = 3;

    /// <summary>The extra token a message with an author name costs.</summary>
    public const int TokensPerName = 1;

    /// <summary>The tokens every reply is primed with (<c>&lt;|start|&gt;assistant&lt;|message|&gt;</c>).</summary>
    public const int ReplyPrimingTokens = 3;

    /// <summary>The visible marker <see cref="Truncate"/> puts where text was cut.</summary>
    public const string TruncationMarker = "… [truncated]";

    private static readonly Lazy<TokenCounter>[] s_shared =
    [
        new(() => new TokenCounter(TokenizerRegistry.GetTokenizer(TokenEncoding.O200kBase), "o200k_base")),
        new(() => new TokenCounter(TokenizerRegistry.GetTokenizer(TokenEncoding.O200kBase), "o200k_base", isEstimate: true)),
        new(() => new TokenCounter(TokenizerRegistry.GetTokenizer(TokenEncoding.Cl100kBase), "cl100k_base")),
        new(() => new TokenCounter(TokenizerRegistry.GetTokenizer(TokenEncoding.Cl100kBase), "cl100k_base", isEstimate: true)),
    ];

    // AIJsonUtilities.DefaultOptions indents; a model reads and writes arguments compactly.
    private static readonly JsonSerializerOptions s_compactJson = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    // Agents send the same tool instances on every round trip: their schema is rendered and counted once.
    private readonly ConditionalWeakTable<AITool, StrongBox<int>> _toolCounts = new();
    private int _markerTokens = -1;

    // Whether the tokenizer is one of the shipped OpenAI encodings, whose pre-tokenizers start a piece at every
    // position HasTokenStarts counts (see CountTokensUpTo).
    private readonly bool _tokenStartsAtSpaces;

    /// <summary>Creates a counter over any <c>Microsoft.ML.Tokenizers</c> tokenizer.</summary>
    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="encodingName">The encoding's name, for diagnostics (for example <c>o200k_base</c>).</param>
    /// <param name="isEstimate">Whether counts are estimates because the tokenizer is not the model's own.</param>
    public TokenCounter(Tokenizer tokenizer, string encodingName, bool isEstimate = false)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentException.ThrowIfNullOrWhiteSpace(encodingName);
        Tokenizer = tokenizer;
        EncodingName = encodingName;
        IsEstimate = isEstimate;
        _tokenStartsAtSpaces = TokenizerRegistry.IsShippedTokenizer(tokenizer);
    }

    /// <summary>The underlying tokenizer.</summary>
    public Tokenizer Tokenizer { get; }

    /// <summary>The encoding's name, for example <c>o200k_base</c>.</summary>
    public string EncodingName { get; }

    /// <summary>Whether counts are estimates: the model's own tokenizer is unknown and a fallback encoding is used.</summary>
    public bool IsEstimate { get; }

    /// <summary>The shared counter of a shipped encoding.</summary>
    /// <param name="encoding">The encoding.</param>
    /// <param name="isEstimate">Whether its counts are to be reported as estimates.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="encoding"/> is not a defined value.</exception>
    public static TokenCounter For(TokenEncoding encoding, bool isEstimate = false) => encoding switch
    {
        TokenEncoding.O200kBase => s_shared[isEstimate ? 1 : 0].Value,
        TokenEncoding.Cl100kBase => s_shared[isEstimate ? 3 : 2].Value,
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "Unknown token encoding."),
    };

    /// <summary>The counter for <paramref name="modelId"/> by the built-in table (<see cref="TokenizerRegistry.Default"/>).</summary>
    /// <param name="modelId">The model id; <see langword="null"/> when unknown.</param>
    public static TokenCounter ForModel(string? modelId) => TokenizerRegistry.Default.GetCounter(modelId);

    /// <summary>The number of tokens in <paramref name="text"/>.</summary>
    /// <param name="text">The text; <see langword="null"/> counts as empty.</param>
    public int CountTokens(string? text) => string.IsNullOrEmpty(text) ? 0 : Tokenizer.CountTokens(text);

    /// <summary>The number of tokens in <paramref name="text"/>.</summary>
    /// <param name="text">The text.</param>
    public int CountTokens(ReadOnlySpan<char> text) => text.IsEmpty ? 0 : Tokenizer.CountTokens(text);

    /// <summary>
    /// The number of tokens in <paramref name="text"/> when it is below <paramref name="maxTokens"/>, else
    /// <paramref name="maxTokens"/>: the same as <c>Math.Min(CountTokens(text), maxTokens)</c>, without tokenizing past
    /// the cap.
    /// </summary>
    /// <remarks>
    /// Tokenization stops at the cap (<c>Tokenizer.GetIndexByTokenCount</c>). With the shipped encodings
    /// (<c>o200k_base</c>, <c>cl100k_base</c>) a text is first scanned for positions where a token must start — a space
    /// followed by a printable ASCII character, a line break followed by an ASCII letter or digit: the encodings'
    /// pre-tokenizers never put such a pair inside one piece after its first character, so each position starts a
    /// different token — and a text with at least <paramref name="maxTokens"/> of them is not tokenized at all.
    /// </remarks>
    /// <param name="text">The text; <see langword="null"/> counts as empty.</param>
    /// <param name="maxTokens">The cap; 0 counts nothing.</param>
    /// <returns>The token count, at most <paramref name="maxTokens"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxTokens"/> is negative.</exception>
    public int CountTokensUpTo(string? text, int maxTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxTokens);
        if (string.IsNullOrEmpty(text) || maxTokens == 0)
        {
            return 0;
        }

        // Token starts are at least two characters apart, so a text shorter than twice the cap cannot prove it.
        if (_tokenStartsAtSpaces && text.Length / 2 >= maxTokens && HasTokenStarts(text, maxTokens))
        {
            return maxTokens;
        }

        var index = Tokenizer.GetIndexByTokenCount(text, maxTokens, out var normalized, out var tokens);

        // Stopped before the end: the rest holds at least one more token, which did not fit under the cap.
        return index >= (normalized ?? text).Length ? Math.Min(tokens, maxTokens) : maxTokens;
    }

    /// <summary>The tokens one message costs in a prompt: overhead, role, name and contents.</summary>
    /// <param name="message">The message.</param>
    public int CountMessage(ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var tokens = TokensPerMessage + CountTokens(message.Role.Value);
        if (!string.IsNullOrEmpty(message.AuthorName))
        {
            tokens += TokensPerName + CountTokens(message.AuthorName);
        }

        foreach (var content in message.Contents)
        {
            tokens += CountContent(content, asOutput: false);
        }

        return tokens;
    }

    /// <summary>
    /// The tokens <paramref name="messages"/> cost as a prompt, as the OpenAI cookbook's <c>num_tokens_from_messages</c>:
    /// every message plus <see cref="ReplyPrimingTokens"/>.
    /// </summary>
    /// <param name="messages">The messages.</param>
    public int CountMessages(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var tokens = ReplyPrimingTokens;
        foreach (var message in messages)
        {
            tokens += CountMessage(message);
        }

        return tokens;
    }

    /// <summary>
    /// The tokens tool definitions add to a prompt, counted as the JSON of each tool's name, description and
    /// parameter schema (an approximation: providers do not publish their exact rendering).
    /// </summary>
    /// <param name="tools">The tools; <see langword="null"/> for none.</param>
    public int CountTools(IEnumerable<AITool>? tools)
    {
        if (tools is null)
        {
            return 0;
        }

        var tokens = 0;
        foreach (var tool in tools)
        {
            tokens += _toolCounts.GetValue(tool, CountToolUncached).Value;
        }

        return tokens;
    }

    /// <summary>
    /// The prompt tokens of a whole request: <see cref="CountMessages"/>, plus <see cref="ChatOptions.Instructions"/> as a
    /// system message, plus <see cref="CountTools"/> of <see cref="ChatOptions.Tools"/>.
    /// </summary>
    /// <param name="messages">The request's messages.</param>
    /// <param name="options">The request's options, or <see langword="null"/>.</param>
    public int CountRequest(IEnumerable<ChatMessage> messages, ChatOptions? options = null)
    {
        var tokens = CountMessages(messages);
        if (options is not null)
        {
            if (!string.IsNullOrEmpty(options.Instructions))
            {
                tokens += TokensPerMessage + CountTokens(ChatRole.System.Value) + CountTokens(options.Instructions);
            }

            tokens += CountTools(options.Tools);
        }

        return tokens;
    }

    /// <summary>
    /// The output tokens of generated messages: their text, reasoning text and tool calls, without per-message overhead.
    /// Used to estimate a response's output when the provider reports no usage.
    /// </summary>
    /// <param name="messages">The generated messages.</param>
    public int CountOutput(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var tokens = 0;
        foreach (var message in messages)
        {
            foreach (var content in message.Contents)
            {
                tokens += CountContent(content, asOutput: true);
            }
        }

        return tokens;
    }

    /// <summary>
    /// Cuts <paramref name="text"/> to at most <paramref name="maxTokens"/> tokens, marker included, without encoding
    /// all of it (<c>GetIndexByTokenCount</c> / <c>GetIndexByTokenCountFromEnd</c>). Text that fits is returned as is.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="maxTokens">The most tokens the result may have; when even <see cref="TruncationMarker"/> does not
    /// fit, the text is cut without it.</param>
    /// <param name="mode">Whether the head or the tail survives.</param>
    /// <returns>The text, or the surviving part with <see cref="TruncationMarker"/> where the rest was cut.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxTokens"/> is negative.</exception>
    public string Truncate(string text, int maxTokens, TruncationMode mode = TruncationMode.KeepHead)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegative(maxTokens);
        if (text.Length == 0)
        {
            return text;
        }

        if (maxTokens == 0)
        {
            return string.Empty;
        }

        if (Cut(text, maxTokens, mode, out var source, out var index) is { } whole)
        {
            return whole;
        }

        var markerTokens = GetMarkerTokens();
        if (maxTokens <= markerTokens + 1)
        {
            // No room for marker and text: the limit wins over the marker's visibility.
            return Part(source, index, mode);
        }

        // Byte-pair merges across the seam can change the count by a token or two: check and shrink until it fits.
        for (var keep = maxTokens - markerTokens - 1; keep > 0; keep--)
        {
            Cut(text, keep, mode, out source, out index);
            var part = Part(source, index, mode);
            var result = mode == TruncationMode.KeepHead ? part + " " + TruncationMarker : TruncationMarker + " " + part;
            if (CountTokens(result) <= maxTokens)
            {
                return result;
            }
        }

        return Part(source, index: mode == TruncationMode.KeepHead ? 0 : source.Length, mode);
    }

    // Whether text has at least min positions i where a token of o200k_base / cl100k_base must start at i or i + 1:
    // ' ' followed by '!'..'~', or '\n' followed by an ASCII letter or digit. Both encodings' pre-tokenizer patterns
    // allow a space only as a piece's first character when a non-space follows it, and never a line break followed by
    // a letter or digit inside a piece; the two positions of one pair are never those of another pair, so every pair
    // starts a different piece, and every piece is at least one token.
    private static bool HasTokenStarts(ReadOnlySpan<char> text, int min)
    {
        var count = 0;
        var i = 0;
        var last = text.Length - 1;
        ref var first = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
        if (Vector256.IsHardwareAccelerated)
        {
            var space = Vector256.Create((ushort)' ');
            var lineFeed = Vector256.Create((ushort)'\n');
            var bang = Vector256.Create((ushort)'!');
            var printable = Vector256.Create((ushort)('~' - '!'));
            var lowerCase = Vector256.Create((ushort)0x20);
            var a = Vector256.Create((ushort)'a');
            var letters = Vector256.Create((ushort)('z' - 'a'));
            var zero = Vector256.Create((ushort)'0');
            var digits = Vector256.Create((ushort)9);
            for (; i + Vector256<ushort>.Count <= last; i += Vector256<ushort>.Count)
            {
                var current = Vector256.LoadUnsafe(ref first, (nuint)i);
                var next = Vector256.LoadUnsafe(ref first, (nuint)(i + 1));
                var afterSpace = Vector256.Equals(current, space) & Vector256.LessThanOrEqual(next - bang, printable);
                var alphanumeric = Vector256.LessThanOrEqual((next | lowerCase) - a, letters) | Vector256.LessThanOrEqual(next - zero, digits);
                var afterLineFeed = Vector256.Equals(current, lineFeed) & alphanumeric;
                count += BitOperations.PopCount((afterSpace | afterLineFeed).ExtractMostSignificantBits());
                if (count >= min)
                {
                    return true;
                }
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var space = Vector128.Create((ushort)' ');
            var lineFeed = Vector128.Create((ushort)'\n');
            var bang = Vector128.Create((ushort)'!');
            var printable = Vector128.Create((ushort)('~' - '!'));
            var lowerCase = Vector128.Create((ushort)0x20);
            var a = Vector128.Create((ushort)'a');
            var letters = Vector128.Create((ushort)('z' - 'a'));
            var zero = Vector128.Create((ushort)'0');
            var digits = Vector128.Create((ushort)9);
            for (; i + Vector128<ushort>.Count <= last; i += Vector128<ushort>.Count)
            {
                var current = Vector128.LoadUnsafe(ref first, (nuint)i);
                var next = Vector128.LoadUnsafe(ref first, (nuint)(i + 1));
                var afterSpace = Vector128.Equals(current, space) & Vector128.LessThanOrEqual(next - bang, printable);
                var alphanumeric = Vector128.LessThanOrEqual((next | lowerCase) - a, letters) | Vector128.LessThanOrEqual(next - zero, digits);
                var afterLineFeed = Vector128.Equals(current, lineFeed) & alphanumeric;
                count += BitOperations.PopCount((afterSpace | afterLineFeed).ExtractMostSignificantBits());
                if (count >= min)
                {
                    return true;
                }
            }
        }

        for (; i < last; i++)
        {
            var next = text[i + 1];
            if ((text[i] == ' ' && next is >= '!' and <= '~') || (text[i] == '\n' && char.IsAsciiLetterOrDigit(next)))
            {
                count++;
            }
        }

        return count >= min;
    }

    // Returns the whole (normalized) text when it fits; otherwise the cut index in source.
    private string? Cut(string text, int maxTokens, TruncationMode mode, out string source, out int index)
    {
        if (mode == TruncationMode.KeepHead)
        {
            index = Tokenizer.GetIndexByTokenCount(text, maxTokens, out var normalized, out _);
            source = normalized ?? text;
            return index >= source.Length ? source : null;
        }

        index = Tokenizer.GetIndexByTokenCountFromEnd(text, maxTokens, out var normalizedFromEnd, out _);
        source = normalizedFromEnd ?? text;
        return index <= 0 ? source : null;
    }

    private static string Part(string source, int index, TruncationMode mode)
        => mode == TruncationMode.KeepHead ? source[..index] : source[index..];

    private int GetMarkerTokens()
    {
        var tokens = Volatile.Read(ref _markerTokens);
        if (tokens < 0)
        {
            tokens = CountTokens(" " + TruncationMarker);
            Volatile.Write(ref _markerTokens, tokens);
        }

        return tokens;
    }

    private int CountContent(AIContent content, bool asOutput) => content switch
    {
        TextContent text => CountTokens(text.Text),
        TextReasoningContent reasoning when asOutput => CountTokens(reasoning.Text),
        FunctionCallContent call => CountTokens(call.Name) + CountTokens(ArgumentsJson(call.Arguments)),
        FunctionResultContent result => CountTokens(ResultText(result.Result)),
        _ => 0,
    };

    private StrongBox<int> CountToolUncached(AITool tool)
    {
        if (tool is not AIFunctionDeclaration function)
        {
            return new StrongBox<int>(CountTokens(tool.Name) + CountTokens(tool.Description));
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("name", function.Name);
            if (!string.IsNullOrEmpty(function.Description))
            {
                writer.WriteString("description", function.Description);
            }

            if (function.JsonSchema.ValueKind != JsonValueKind.Undefined)
            {
                writer.WritePropertyName("parameters");
                function.JsonSchema.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return new StrongBox<int>(CountTokens(Encoding.UTF8.GetString(buffer.WrittenSpan)));
    }

    // Serialised with Microsoft.Extensions.AI's own resolver; types it cannot handle
    // (possible only in trimmed applications) fall back to their text, which is close enough for a count.
    private static string? ArgumentsJson(IDictionary<string, object?>? arguments)
    {
        if (arguments is null || arguments.Count == 0)
        {
            return "{}";
        }

        try
        {
            return JsonSerializer.Serialize(arguments, s_compactJson.GetTypeInfo(typeof(IDictionary<string, object?>)));
        }
        catch (NotSupportedException)
        {
            return string.Join(",", arguments.Select(static pair => pair.Key + ":" + pair.Value));
        }
    }

    private static string? ResultText(object? result)
    {
        switch (result)
        {
            case null:
                return null;
            case string text:
                return text;
            case JsonElement element:
                return element.GetRawText();
        }

        try
        {
            return JsonSerializer.Serialize(result, s_compactJson.GetTypeInfo(typeof(object)));
        }
        catch (NotSupportedException)
        {
            return result.ToString();
        }
    }
}
