using System.Buffers;
using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using AgentCost.Tokens;

namespace AgentCost.Routing;

/// <summary>
/// The default classifier: scores a prompt from cheap signals and maps the score to a tier with
/// <see cref="HeuristicClassifierOptions.TierThresholds"/>.
/// </summary>
/// <remarks>
/// <para>Signals, each weighted by <see cref="HeuristicClassifierOptions"/>:</para>
/// <list type="bullet">
/// <item><c>length</c>: prompt tokens / <c>TokensPerPoint</c>, at most <c>MaxLengthPoints</c>.</item>
/// <item><c>code</c>: a fenced code block (<c>```</c>).</item>
/// <item><c>parts</c>: each question mark or numbered/bulleted line beyond the first, at most <c>MaxPartPoints</c>.</item>
/// <item><c>complex_verbs</c>: demanding instruction verbs (analyse, design, refactor, optimise, compare, ...).</item>
/// <item><c>reasoning</c>: phrases that ask for explicit reasoning (prove, derive, step by step, ...), counted once.</item>
/// <item><c>simple_verbs</c>: light instruction verbs (translate, summarise, list, define, ...), counted once.</item>
/// </list>
/// <para>Cost. The length signal stops growing at <c>MaxLengthPoints × TokensPerPoint</c> tokens (600 by default), so
/// tokens are counted only up to that cap (<see cref="TokenCounter.CountTokensUpTo(string?, int)"/>): a prompt below it
/// is counted exactly and a longer one is tokenized no further than the cap — or not at all when, with a shipped
/// encoding, the prompt's spaces and line breaks alone show it has at least that many tokens (each space before a
/// printable ASCII character, and each line feed before an ASCII letter or digit, starts a different token). Every
/// count at or above the cap gives the same points, so the score is exactly that of a full count. Everything else is
/// found in one vectorised pass over the prompt: question marks, a code fence, list items (the pattern is tried only at
/// line starts that could begin one) and the verbs and phrases at word starts (the built-in ones through a filter on
/// their first four letters; configured words that do not start with four ASCII letters through
/// <see cref="SearchValues{T}"/>).</para>
/// <para>Words and phrases match at a word start (not after a letter), ignoring case by ordinal rules; empty entries
/// of the configured lists are ignored.</para>
/// </remarks>
public sealed class HeuristicDifficultyClassifier : IDifficultyClassifier
{
    private static readonly string[] s_complexVerbs =
    [
        "analyze", "analyse", "design", "architect", "refactor", "optimize", "optimise", "compare", "evaluate", "debug",
        "implement", "diagnose", "critique", "plan", "investigate", "trade-off", "tradeoff",
    ];

    private static readonly string[] s_simpleVerbs =
    [
        "translate", "summarize", "summarise", "list", "define", "classify", "extract", "rephrase", "rewrite", "spell", "convert",
    ];

    private static readonly string[] s_reasoningPhrases =
    [
        "prove", "proof", "derive", "step by step", "step-by-step", "theorem", "formally", "rigorous",
    ];

    private const int ComplexKind = 0;
    private const int ReasoningKind = 1;
    private const int SimpleKind = 2;

    private const ulong PrefixHashMultiplier = 0x9E3779B97F4A7C15UL;

    // The characters of one step of the scan: one bit each in a ulong.
    private const int ChunkSize = 64;

    // Distinct complex verbs are counted with a bit per entry: larger lists than this fall back to an array.
    private const int StackComplexLimit = 256;

    /// <summary>The thresholds used when <see cref="HeuristicClassifierOptions.TierThresholds"/> is empty: 1.5, 3, 6.</summary>
    public static IReadOnlyList<double> DefaultTierThresholds { get; } = [1.5, 3, 6];

    private readonly HeuristicClassifierOptions _options;
    private readonly TokenCounter _counter;
    private readonly int _complexCount;
    private readonly Entry[] _entries;

    // Entries that start with four ASCII letters (all the built-in ones): found by the fused scan at word starts of
    // four ASCII letters, filtered by a 4,096-bit Bloom filter of their first four
    // characters (ASCII letters lower-cased) and then looked up by those four characters.
    private readonly ulong[] _prefixFilter = new ulong[64];
    private readonly ulong[] _prefixKeys; // an open-addressing table, indexed by the top bits of the prefix hash
    private readonly Entry[]?[] _prefixEntries;
    private readonly int _prefixShift;
    private readonly Entry[] _fastEntries;

    // Any other entries (from configured lists): one SearchValues pass, then the word-start check.
    private readonly Entry[] _otherEntries;
    private readonly SearchValues<string>? _otherWords;
    private readonly Entry[]?[] _otherByAsciiStart = new Entry[]?[128];

    /// <summary>Creates the classifier.</summary>
    /// <param name="options">Weights and thresholds; <see langword="null"/> for the defaults.</param>
    /// <param name="counter">Counts prompt tokens; <see langword="null"/> for the default encoding.</param>
    public HeuristicDifficultyClassifier(HeuristicClassifierOptions? options = null, TokenCounter? counter = null)
    {
        _options = options ?? new HeuristicClassifierOptions();
        _counter = counter ?? TokenCounter.ForModel(null);
        var complex = _options.ComplexVerbs is { Count: > 0 } c ? [.. c] : s_complexVerbs;
        var simple = _options.SimpleVerbs is { Count: > 0 } s ? [.. s] : s_simpleVerbs;
        var reasoning = _options.ReasoningPhrases is { Count: > 0 } r ? [.. r] : s_reasoningPhrases;

        var entries = new List<Entry>();
        Collect(entries, complex, ComplexKind);
        Collect(entries, reasoning, ReasoningKind);
        Collect(entries, simple, SimpleKind);
        _entries = [.. entries];
        _complexCount = entries.Count(static e => e.Kind == ComplexKind);
        _fastEntries = [.. _entries.Where(static e => IsFast(e.Text))];
        _otherEntries = [.. _entries.Where(static e => !IsFast(e.Text))];
        var groups = _fastEntries.GroupBy(static e => PrefixKey(e.Text)).ToArray();
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, groups.Length * 4));
        _prefixKeys = new ulong[size];
        _prefixEntries = new Entry[]?[size];
        _prefixShift = 64 - BitOperations.Log2((uint)size);
        foreach (var group in groups)
        {
            var hash = group.Key * PrefixHashMultiplier;
            var slot = (int)(hash >> _prefixShift);
            while (_prefixEntries[slot] is not null)
            {
                slot = (slot + 1) & (size - 1);
            }

            _prefixKeys[slot] = group.Key;
            _prefixEntries[slot] = [.. group];
            _prefixFilter[(int)(hash >> 58)] |= 1UL << (int)(hash >> 52);
        }

        if (_otherEntries.Length > 0)
        {
            _otherWords = SearchValues.Create([.. _otherEntries.Select(static e => e.Text).Distinct(StringComparer.OrdinalIgnoreCase)], StringComparison.OrdinalIgnoreCase);
            foreach (var group in _otherEntries.Where(static e => char.IsAscii(e.Text[0])).GroupBy(static e => char.ToUpperInvariant(e.Text[0])))
            {
                _otherByAsciiStart[group.Key] = [.. group];
            }
        }

        static bool IsFast(string text)
            => text.Length >= 4 && char.IsAsciiLetter(text[0]) && char.IsAsciiLetter(text[1]) && char.IsAsciiLetter(text[2]) && char.IsAsciiLetter(text[3]);

        static void Collect(List<Entry> entries, IEnumerable<string?> words, int kind)
        {
            var index = 0;
            foreach (var word in words)
            {
                if (!string.IsNullOrEmpty(word))
                {
                    entries.Add(new Entry(word, kind, kind == ComplexKind ? index++ : -1));
                }
            }
        }
    }

    /// <summary>Scores <paramref name="prompt"/>; the signals that contributed are returned too.</summary>
    /// <param name="prompt">The prompt text.</param>
    /// <returns>The score and its signals.</returns>
    public (double Score, IReadOnlyDictionary<string, double> Signals) Score(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var o = _options;
        var signals = new Signals();
        Span<ulong> seen = _complexCount <= StackComplexLimit ? stackalloc ulong[(_complexCount + 63) / 64] : new ulong[(_complexCount + 63) / 64];
        var scan = new Scan(seen);
        var text = prompt.AsSpan();
        ScanText(text, ref scan);
        if (_otherWords is not null)
        {
            FindOtherWords(text, ref scan);
        }

        // The scan counted the positions where a token must start: when they reach the cap, nothing is tokenized.
        var perPoint = Math.Max(1, o.TokensPerPoint);
        var cap = SaturatingTokens(o.MaxLengthPoints, perPoint);
        var tokens = _counter.TokenStartsAtSpaces && scan.TokenStarts >= cap ? cap : _counter.CountTokensUpTo(prompt, cap, proveByTokenStarts: false);
        signals.Add(Signals.Length, Math.Min(o.MaxLengthPoints, (double)tokens / perPoint));

        if (scan.Code)
        {
            signals.Add(Signals.Code, o.CodeBlockPoints);
        }

        var parts = scan.Questions + scan.PartLines;
        if (parts > 1)
        {
            signals.Add(Signals.Parts, Math.Min(o.MaxPartPoints, (parts - 1) * o.ExtraPartPoints));
        }

        if (scan.Complex > 0)
        {
            signals.Add(Signals.ComplexVerbs, Math.Min(o.MaxComplexVerbPoints, scan.Complex * o.ComplexVerbPoints));
        }

        if (scan.Reasoning)
        {
            signals.Add(Signals.Reasoning, o.ReasoningPoints);
        }

        if (scan.Simple)
        {
            signals.Add(Signals.SimpleVerbs, o.SimpleVerbPoints);
        }

        return (signals.Sum(), signals);
    }

    /// <inheritdoc />
    public ValueTask<DifficultyAssessment> ClassifyAsync(string prompt, IReadOnlyList<string> tiers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tiers);
        var (score, signals) = Score(prompt);
        var thresholds = _options.TierThresholds is { Count: > 0 } configured ? configured : DefaultTierThresholds;
        var index = 0;
        for (var i = 0; i < thresholds.Count; i++)
        {
            if (score >= thresholds[i])
            {
                index++;
            }
        }

        return ValueTask.FromResult(new DifficultyAssessment(Math.Clamp(index, 0, Math.Max(0, tiers.Count - 1)), score, signals));
    }

    // The list-item regex ^\s*(\d+[.)]|[-*•])\s+\S (multi-line) at one line start; each quantifier is followed by something its characters cannot be, so matching is
    // greedy without backtracking. Returns the end of the match, or 0.
    private static int MatchPartLine(ReadOnlySpan<char> text, int i, out int marker)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        marker = i;

        if (i >= text.Length)
        {
            return 0;
        }

        if (text[i] is '-' or '*' or '•')
        {
            i++;
        }
        else if (char.IsDigit(text[i]))
        {
            do
            {
                i++;
            }
            while (i < text.Length && char.IsDigit(text[i]));

            if (i >= text.Length || text[i] is not ('.' or ')'))
            {
                return 0;
            }

            i++;
        }
        else
        {
            return 0;
        }

        var spaces = i;
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i > spaces && i < text.Length ? i + 1 : 0;
    }

    // The tokens from which the length signal is at its maximum: min(max, t / perPoint) == max for every t >= the result
    // (the division is monotonic, so checking the first such t is enough). 0 when the count cannot change the points.
    private static int SaturatingTokens(double maxPoints, int perPoint)
    {
        if (!(maxPoints > 0))
        {
            return 0; // min(max, t / perPoint) is max (or NaN) for every t >= 0
        }

        var cap = maxPoints * perPoint;
        if (cap >= int.MaxValue - 1)
        {
            return int.MaxValue;
        }

        var tokens = (int)Math.Ceiling(cap);
        while (tokens > 1 && (double)(tokens - 1) / perPoint >= maxPoints)
        {
            tokens--;
        }

        while ((double)tokens / perPoint < maxPoints)
        {
            tokens++;
        }

        return tokens;
    }

    // One pass over the prompt, 64 characters at a time. Each chunk is first reduced to bitmaps of the character
    // classes the signals need (one bit per character, from a single load of each character), a chunk ahead of the one
    // being scored, so that "the next character" and "the previous character" are shifts of those bitmaps with the
    // neighbouring chunk's bits carried in: question marks, a code fence, list-item line starts (the regex is tried
    // only at line starts whose first character could begin a match: whitespace, a digit, '-', '*' or any non-ASCII
    // character), word starts with four ASCII letters (looked up as described at _prefixFilter), and the positions
    // where the shipped encodings start a token (see TokenCounter.CountTokensUpTo).
    private void ScanText(ReadOnlySpan<char> text, ref Scan scan)
    {
        var length = text.Length;
        if (length == 0)
        {
            return;
        }

        ref var start = ref MemoryMarshal.GetReference(text);
        ref var filter = ref MemoryMarshal.GetArrayDataReference(_prefixFilter);
        Masks current = default, next = default;
        ChunkMasks(text, 0, ref current);
        var letterBefore = 0UL;
        var lineFeedBefore = 1UL; // position 0 starts a line
        var tokenStarts = 0;
        var questions = 0;
        var code = false;
        for (var at = 0; at < length; at += ChunkSize)
        {
            if (at + ChunkSize < length)
            {
                ChunkMasks(text, at + ChunkSize, ref next);
            }
            else
            {
                next = default; // nothing follows the last chunk
            }

            // A space before a printable ASCII character, or a line feed before an ASCII letter or digit.
            var printableAfter = (current.Printable >> 1) | (next.Printable << 63);
            var alphanumericAfter = (current.Alphanumeric >> 1) | (next.Alphanumeric << 63);
            tokenStarts += BitOperations.PopCount((current.Space & printableAfter) | (current.LineFeed & alphanumericAfter));
            questions += BitOperations.PopCount(current.Question);
            var ticks = current.Tick;
            if (ticks != 0)
            {
                code |= (ticks & ((ticks >> 1) | (next.Tick << 63)) & ((ticks >> 2) | (next.Tick << 62))) != 0;
            }

            // Four ASCII letters not preceded by one.
            var letters = current.Letter;
            var words = letters & ~((letters << 1) | letterBefore) & ((letters >> 1) | (next.Letter << 63))
                & ((letters >> 2) | (next.Letter << 62)) & ((letters >> 3) | (next.Letter << 61));
            letterBefore = letters >> 63;
            for (; words != 0; words &= words - 1)
            {
                var p = at + BitOperations.TrailingZeroCount(words);
                var hash = (Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<char, byte>(ref Unsafe.Add(ref start, p))) | 0x0020_0020_0020_0020UL) * PrefixHashMultiplier;
                if ((Unsafe.Add(ref filter, (int)(hash >> 58)) & (1UL << (int)(hash >> 52))) != 0)
                {
                    AtWordStart(text, p, ref scan);
                }
            }

            // Line starts: after a line feed (or at position 0).
            var lineStarts = (current.LineFeed << 1) | lineFeedBefore;
            lineFeedBefore = current.LineFeed >> 63;
            for (; lineStarts != 0; lineStarts &= lineStarts - 1)
            {
                var p = at + BitOperations.TrailingZeroCount(lineStarts);
                if (p >= length)
                {
                    break; // a line feed ends the text
                }

                var c = Unsafe.Add(ref start, p);
                if ((c <= ' ' || char.IsAsciiDigit(c) || c == '-' || c == '*' || c > (char)0x7F) && p >= scan.LineResume)
                {
                    TryPartLine(text, p, ref scan);
                }
            }

            current = next;
        }

        scan.Questions += questions;
        scan.Code |= code;
        scan.TokenStarts += tokenStarts;
    }

    // The class bitmaps of the (up to) 64 characters from at: bit k is the character at + k.
    private static void ChunkMasks(ReadOnlySpan<char> text, int at, ref Masks masks)
    {
        if (at <= text.Length - ChunkSize)
        {
            // Characters above 0xFF are clamped to 0xFF, which (as every other non-ASCII character) is in no class:
            // the classes can then be found on bytes, twice the characters per vector.
            ref var p = ref Unsafe.Add(ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text)), at);
            if (Vector512.IsHardwareAccelerated)
            {
                var max = Vector512.Create((ushort)0xFF);
                Classify(Vector512.Narrow(Vector512.Min(Vector512.LoadUnsafe(ref p), max), Vector512.Min(Vector512.LoadUnsafe(ref p, 32), max)), ref masks);
                return;
            }

            if (Vector256.IsHardwareAccelerated)
            {
                var max = Vector256.Create((ushort)0xFF);
                masks = default;
                Classify(Vector256.Narrow(Vector256.Min(Vector256.LoadUnsafe(ref p), max), Vector256.Min(Vector256.LoadUnsafe(ref p, 16), max)), 0, ref masks);
                Classify(Vector256.Narrow(Vector256.Min(Vector256.LoadUnsafe(ref p, 32), max), Vector256.Min(Vector256.LoadUnsafe(ref p, 48), max)), 32, ref masks);
                return;
            }

            if (Vector128.IsHardwareAccelerated)
            {
                var max = Vector128.Create((ushort)0xFF);
                masks = default;
                Classify(Vector128.Narrow(Vector128.Min(Vector128.LoadUnsafe(ref p), max), Vector128.Min(Vector128.LoadUnsafe(ref p, 8), max)), 0, ref masks);
                Classify(Vector128.Narrow(Vector128.Min(Vector128.LoadUnsafe(ref p, 16), max), Vector128.Min(Vector128.LoadUnsafe(ref p, 24), max)), 16, ref masks);
                Classify(Vector128.Narrow(Vector128.Min(Vector128.LoadUnsafe(ref p, 32), max), Vector128.Min(Vector128.LoadUnsafe(ref p, 40), max)), 32, ref masks);
                Classify(Vector128.Narrow(Vector128.Min(Vector128.LoadUnsafe(ref p, 48), max), Vector128.Min(Vector128.LoadUnsafe(ref p, 56), max)), 48, ref masks);
                return;
            }
        }

        // The last, shorter chunk, or no vectors: one character at a time.
        masks = default;
        var count = Math.Min(ChunkSize, text.Length - at);
        for (var k = 0; k < count; k++)
        {
            var c = text[at + k];
            var bit = 1UL << k;
            if (c == ' ')
            {
                masks.Space |= bit;
            }
            else if (c == '\n')
            {
                masks.LineFeed |= bit;
            }
            else if (c is >= '!' and <= '~')
            {
                masks.Printable |= bit;
                if (c == '?')
                {
                    masks.Question |= bit;
                }
                else if (c == '`')
                {
                    masks.Tick |= bit;
                }
                else if (char.IsAsciiLetter(c))
                {
                    masks.Letter |= bit;
                    masks.Alphanumeric |= bit;
                }
                else if (char.IsAsciiDigit(c))
                {
                    masks.Alphanumeric |= bit;
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Classify(Vector512<byte> bytes, ref Masks masks)
    {
        var letters = Vector512.LessThanOrEqual((bytes | Vector512.Create((byte)0x20)) - Vector512.Create((byte)'a'), Vector512.Create((byte)25));
        masks.Space = Vector512.Equals(bytes, Vector512.Create((byte)' ')).ExtractMostSignificantBits();
        masks.LineFeed = Vector512.Equals(bytes, Vector512.Create((byte)'\n')).ExtractMostSignificantBits();
        masks.Printable = Vector512.LessThanOrEqual(bytes - Vector512.Create((byte)'!'), Vector512.Create((byte)('~' - '!'))).ExtractMostSignificantBits();
        masks.Letter = letters.ExtractMostSignificantBits();
        masks.Alphanumeric = (letters | Vector512.LessThanOrEqual(bytes - Vector512.Create((byte)'0'), Vector512.Create((byte)9))).ExtractMostSignificantBits();
        masks.Question = Vector512.Equals(bytes, Vector512.Create((byte)'?')).ExtractMostSignificantBits();
        masks.Tick = Vector512.Equals(bytes, Vector512.Create((byte)'`')).ExtractMostSignificantBits();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Classify(Vector256<byte> bytes, int shift, ref Masks masks)
    {
        var letters = Vector256.LessThanOrEqual((bytes | Vector256.Create((byte)0x20)) - Vector256.Create((byte)'a'), Vector256.Create((byte)25));
        masks.Space |= (ulong)Vector256.Equals(bytes, Vector256.Create((byte)' ')).ExtractMostSignificantBits() << shift;
        masks.LineFeed |= (ulong)Vector256.Equals(bytes, Vector256.Create((byte)'\n')).ExtractMostSignificantBits() << shift;
        masks.Printable |= (ulong)Vector256.LessThanOrEqual(bytes - Vector256.Create((byte)'!'), Vector256.Create((byte)('~' - '!'))).ExtractMostSignificantBits() << shift;
        masks.Letter |= (ulong)letters.ExtractMostSignificantBits() << shift;
        masks.Alphanumeric |= (ulong)(letters | Vector256.LessThanOrEqual(bytes - Vector256.Create((byte)'0'), Vector256.Create((byte)9))).ExtractMostSignificantBits() << shift;
        masks.Question |= (ulong)Vector256.Equals(bytes, Vector256.Create((byte)'?')).ExtractMostSignificantBits() << shift;
        masks.Tick |= (ulong)Vector256.Equals(bytes, Vector256.Create((byte)'`')).ExtractMostSignificantBits() << shift;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Classify(Vector128<byte> bytes, int shift, ref Masks masks)
    {
        var letters = Vector128.LessThanOrEqual((bytes | Vector128.Create((byte)0x20)) - Vector128.Create((byte)'a'), Vector128.Create((byte)25));
        masks.Space |= (ulong)Vector128.Equals(bytes, Vector128.Create((byte)' ')).ExtractMostSignificantBits() << shift;
        masks.LineFeed |= (ulong)Vector128.Equals(bytes, Vector128.Create((byte)'\n')).ExtractMostSignificantBits() << shift;
        masks.Printable |= (ulong)Vector128.LessThanOrEqual(bytes - Vector128.Create((byte)'!'), Vector128.Create((byte)('~' - '!'))).ExtractMostSignificantBits() << shift;
        masks.Letter |= (ulong)letters.ExtractMostSignificantBits() << shift;
        masks.Alphanumeric |= (ulong)(letters | Vector128.LessThanOrEqual(bytes - Vector128.Create((byte)'0'), Vector128.Create((byte)9))).ExtractMostSignificantBits() << shift;
        masks.Question |= (ulong)Vector128.Equals(bytes, Vector128.Create((byte)'?')).ExtractMostSignificantBits() << shift;
        masks.Tick |= (ulong)Vector128.Equals(bytes, Vector128.Create((byte)'`')).ExtractMostSignificantBits() << shift;
    }

    private static void TryPartLine(ReadOnlySpan<char> text, int lineStart, ref Scan scan)
    {
        // As Regex.Count: a match ends where the next one may start. A failed attempt depends only on the first
        // non-whitespace character after the line start, so every line start up to it fails too (which keeps a run of
        // blank lines linear).
        if (MatchPartLine(text, lineStart, out var marker) is var end and > 0)
        {
            scan.PartLines++;
            scan.LineResume = end;
        }
        else
        {
            scan.LineResume = Math.Max(scan.LineResume, marker + 1);
        }
    }

    // p starts four ASCII letters that no ASCII letter precedes and that may start an entry.
    private void AtWordStart(ReadOnlySpan<char> text, int p, ref Scan scan)
    {
        if (p > 0 && text[p - 1] > 0x7F && char.IsLetter(text[p - 1]))
        {
            return;
        }

        var rest = text[p..];
        var key = PrefixKey(rest);
        var last = _prefixEntries.Length - 1;
        for (var slot = (int)((key * PrefixHashMultiplier) >> _prefixShift); _prefixEntries[slot] is { } entries; slot = (slot + 1) & last)
        {
            if (_prefixKeys[slot] == key)
            {
                Match(rest, entries, ref scan);
                return;
            }
        }
    }

    // The other entries, as the first version found every word: SearchValues, then the word-start check.
    private void FindOtherWords(ReadOnlySpan<char> text, ref Scan scan)
    {
        var position = 0;
        while (position < text.Length)
        {
            var found = text[position..].IndexOfAny(_otherWords!);
            if (found < 0)
            {
                break;
            }

            var at = position + found;
            if (at == 0 || !char.IsLetter(text[at - 1]))
            {
                var rest = text[at..];
                var candidates = char.IsAscii(rest[0]) ? _otherByAsciiStart[char.ToUpperInvariant(rest[0])] ?? _otherEntries : _otherEntries;
                if (!Match(rest, candidates, ref scan) && !ReferenceEquals(candidates, _otherEntries))
                {
                    // SearchValues found a case-insensitive match the first-letter table does not list: ask every entry.
                    Match(rest, _otherEntries, ref scan);
                }
            }

            position = at + 1;
        }
    }

    // The first four characters, ASCII letters lower-cased (other characters only have bit 5 set: a filter, not a match).
    private static ulong PrefixKey(ReadOnlySpan<char> text)
        => Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<char, byte>(ref MemoryMarshal.GetReference(text))) | 0x0020_0020_0020_0020UL;

    private static bool Match(ReadOnlySpan<char> rest, Entry[] candidates, ref Scan scan)
    {
        var matched = false;
        foreach (var entry in candidates)
        {
            if (!rest.StartsWith(entry.Text, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            matched = true;
            switch (entry.Kind)
            {
                case ComplexKind:
                    ref var bits = ref scan.Seen[entry.Index >> 6];
                    var bit = 1UL << (entry.Index & 63);
                    if ((bits & bit) == 0)
                    {
                        bits |= bit;
                        scan.Complex++;
                    }

                    break;
                case ReasoningKind:
                    scan.Reasoning = true;
                    break;
                default:
                    scan.Simple = true;
                    break;
            }
        }

        return matched;
    }

    private sealed record Entry(string Text, int Kind, int Index);

    // Character classes of one chunk, bit k for the chunk's character k.
    private struct Masks
    {
        public ulong Space;
        public ulong LineFeed;
        public ulong Printable; // '!'..'~'
        public ulong Letter; // ASCII
        public ulong Alphanumeric; // ASCII
        public ulong Question;
        public ulong Tick;
    }

    // What one pass found.
    private ref struct Scan(Span<ulong> seen)
    {
        public Span<ulong> Seen = seen;
        public int TokenStarts;
        public int Questions;
        public bool Code;
        public int PartLines;
        public int LineResume;
        public int Complex;
        public bool Reasoning;
        public bool Simple;
    }

    /// <summary>The signals of one score, in the order they are added (a fixed set of six names).</summary>
    private sealed class Signals : IReadOnlyDictionary<string, double>
    {
        public const int Length = 0;
        public const int Code = 1;
        public const int Parts = 2;
        public const int ComplexVerbs = 3;
        public const int Reasoning = 4;
        public const int SimpleVerbs = 5;

        private static readonly string[] s_names = ["length", "code", "parts", "complex_verbs", "reasoning", "simple_verbs"];

        private SixValues _values;
        private int _present;

        public int Count => BitOperations.PopCount((uint)_present);

        public IEnumerable<string> Keys => this.Select(static pair => pair.Key);

        public IEnumerable<double> Values => this.Select(static pair => pair.Value);

        public double this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The signal '{key}' is not present.");

        // As a dictionary of the signals that are not zero.
        public void Add(int signal, double points)
        {
            if (points != 0)
            {
                _values[signal] = points;
                _present |= 1 << signal;
            }
        }

        // The sum in the order the signals were added (as the dictionary this replaces summed them).
        public double Sum()
        {
            var sum = 0.0;
            for (var i = 0; i < s_names.Length; i++)
            {
                if ((_present & (1 << i)) != 0)
                {
                    sum += _values[i];
                }
            }

            return sum;
        }

        public bool ContainsKey(string key) => TryGetValue(key, out _);

        public bool TryGetValue(string key, [MaybeNullWhen(false)] out double value)
        {
            var i = Array.IndexOf(s_names, key);
            if (i >= 0 && (_present & (1 << i)) != 0)
            {
                value = _values[i];
                return true;
            }

            value = 0;
            return false;
        }

        public IEnumerator<KeyValuePair<string, double>> GetEnumerator()
        {
            for (var i = 0; i < s_names.Length; i++)
            {
                if ((_present & (1 << i)) != 0)
                {
                    yield return new KeyValuePair<string, double>(s_names[i], _values[i]);
                }
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        [InlineArray(6)]
        private struct SixValues
        {
            private double _element;
        }
    }
}
