using System.Buffers;
using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
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
/// <para>Cost. Tokenization is what a score costs, so the length signal, which stops growing at
/// <c>MaxLengthPoints × TokensPerPoint</c> tokens (600 by default), counts tokens only up to that cap
/// (<see cref="TokenCounter.CountTokensUpTo(string?, int)"/>): every count at or above it gives the same points, so the
/// score is exactly that of a full count. The other signals are vectorised searches of the runtime: the words and
/// phrases in one <see cref="SearchValues{T}"/> pass, the list items with a source-generated regular expression.</para>
/// <para>Words and phrases match at a word start (not after a letter), ignoring case by ordinal rules; empty entries
/// of the configured lists are ignored.</para>
/// </remarks>
public sealed partial class HeuristicDifficultyClassifier : IDifficultyClassifier
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

    // Lists longer than this mark their matches in an array rather than on the stack.
    private const int StackEntryLimit = 256;

    /// <summary>The thresholds used when <see cref="HeuristicClassifierOptions.TierThresholds"/> is empty: 1.5, 3, 6.</summary>
    public static IReadOnlyList<double> DefaultTierThresholds { get; } = [1.5, 3, 6];

    private readonly HeuristicClassifierOptions _options;
    private readonly TokenCounter _counter;
    private readonly Entry[] _entries;
    private readonly SearchValues<string>? _words;

    // The entries a hit at an ASCII character can be, by that character upper-cased: a hit checks those few rather than
    // every entry. Entries whose first character does not upper-case to ASCII are checked at every hit.
    private readonly int[][] _entriesByAsciiStart;
    private readonly int[] _entriesByOtherStart;

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

        // A word listed twice is two entries: each counts (as the lists read).
        _entries =
        [
            .. Entries(complex, EntryKind.Complex),
            .. Entries(reasoning, EntryKind.Reasoning),
            .. Entries(simple, EntryKind.Simple),
        ];
        var byStart = _entries.Select((entry, index) => (Start: char.ToUpperInvariant(entry.Text[0]), Index: index)).ToArray();
        _entriesByOtherStart = [.. byStart.Where(static e => !char.IsAscii(e.Start)).Select(static e => e.Index)];
        _entriesByAsciiStart = new int[128][];
        for (var ascii = 0; ascii < _entriesByAsciiStart.Length; ascii++)
        {
            var start = (char)ascii;
            _entriesByAsciiStart[ascii] = [.. byStart.Where(e => e.Start == start).Select(static e => e.Index), .. _entriesByOtherStart];
        }

        if (_entries.Length > 0)
        {
            _words = SearchValues.Create([.. _entries.Select(static e => e.Text).Distinct(StringComparer.OrdinalIgnoreCase)], StringComparison.OrdinalIgnoreCase);
        }

        static IEnumerable<Entry> Entries(IEnumerable<string?> words, EntryKind kind)
            => words.Where(static word => !string.IsNullOrEmpty(word)).Select(word => new Entry(word!, kind));
    }

    /// <summary>Scores <paramref name="prompt"/>; the signals that contributed are returned too.</summary>
    /// <param name="prompt">The prompt text.</param>
    /// <returns>The score and its signals.</returns>
    public (double Score, IReadOnlyDictionary<string, double> Signals) Score(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var o = _options;
        var signals = new Signals();

        var perPoint = Math.Max(1, o.TokensPerPoint);
        var tokens = _counter.CountTokensUpTo(prompt, SaturatingTokens(o.MaxLengthPoints, perPoint));
        signals.Add(Signals.Length, Math.Min(o.MaxLengthPoints, (double)tokens / perPoint));

        if (prompt.Contains("```", StringComparison.Ordinal))
        {
            signals.Add(Signals.Code, o.CodeBlockPoints);
        }

        var parts = prompt.AsSpan().Count('?') + PartLine().Count(prompt);
        if (parts > 1)
        {
            signals.Add(Signals.Parts, Math.Min(o.MaxPartPoints, (parts - 1) * o.ExtraPartPoints));
        }

        Span<bool> found = _entries.Length <= StackEntryLimit ? stackalloc bool[_entries.Length] : new bool[_entries.Length];
        FindWords(prompt, found);
        var complex = 0;
        var reasoning = false;
        var simple = false;
        for (var i = 0; i < found.Length; i++)
        {
            if (found[i])
            {
                switch (_entries[i].Kind)
                {
                    case EntryKind.Complex:
                        complex++;
                        break;
                    case EntryKind.Reasoning:
                        reasoning = true;
                        break;
                    default:
                        simple = true;
                        break;
                }
            }
        }

        if (complex > 0)
        {
            signals.Add(Signals.ComplexVerbs, Math.Min(o.MaxComplexVerbPoints, complex * o.ComplexVerbPoints));
        }

        if (reasoning)
        {
            signals.Add(Signals.Reasoning, o.ReasoningPoints);
        }

        if (simple)
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

    // A numbered or bulleted line: "1. ", "2) ", "- ", "* ", "• ", after any indentation.
    [GeneratedRegex(@"^\s*(\d+[.)]|[-*•])\s+\S", RegexOptions.Multiline)]
    private static partial Regex PartLine();

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

    // Marks each entry that occurs at a word start. The search stops at every position where some entry starts, so
    // entries that are prefixes of one another ("plan", "planet") are all found there.
    private void FindWords(ReadOnlySpan<char> text, Span<bool> found)
    {
        if (_words is null)
        {
            return;
        }

        for (var position = 0; position < text.Length;)
        {
            var next = text[position..].IndexOfAny(_words);
            if (next < 0)
            {
                return;
            }

            var at = position + next;
            if (at == 0 || !char.IsLetter(text[at - 1]))
            {
                var rest = text[at..];
                var start = char.ToUpperInvariant(text[at]);
                if (char.IsAscii(start))
                {
                    foreach (var i in _entriesByAsciiStart[start])
                    {
                        found[i] |= rest.StartsWith(_entries[i].Text, StringComparison.OrdinalIgnoreCase);
                    }
                }
                else
                {
                    // Rare: a character outside ASCII (dotless i, long s) may still match an ASCII entry ignoring case.
                    for (var i = 0; i < _entries.Length; i++)
                    {
                        found[i] |= rest.StartsWith(_entries[i].Text, StringComparison.OrdinalIgnoreCase);
                    }
                }
            }

            position = at + 1;
        }
    }

    private sealed record Entry(string Text, EntryKind Kind);

    private enum EntryKind
    {
        Complex,
        Reasoning,
        Simple,
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
