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

    /// <summary>The thresholds used when <see cref="HeuristicClassifierOptions.TierThresholds"/> is empty: 1.5, 3, 6.</summary>
    public static IReadOnlyList<double> DefaultTierThresholds { get; } = [1.5, 3, 6];

    private readonly HeuristicClassifierOptions _options;
    private readonly TokenCounter _counter;
    private readonly string[] _complexVerbs;
    private readonly string[] _simpleVerbs;
    private readonly string[] _reasoningPhrases;

    /// <summary>Creates the classifier.</summary>
    /// <param name="options">Weights and thresholds; <see langword="null"/> for the defaults.</param>
    /// <param name="counter">Counts prompt tokens; <see langword="null"/> for the default encoding.</param>
    public HeuristicDifficultyClassifier(HeuristicClassifierOptions? options = null, TokenCounter? counter = null)
    {
        _options = options ?? new HeuristicClassifierOptions();
        _counter = counter ?? TokenCounter.ForModel(null);
        _complexVerbs = _options.ComplexVerbs is { Count: > 0 } c ? [.. c] : s_complexVerbs;
        _simpleVerbs = _options.SimpleVerbs is { Count: > 0 } s ? [.. s] : s_simpleVerbs;
        _reasoningPhrases = _options.ReasoningPhrases is { Count: > 0 } r ? [.. r] : s_reasoningPhrases;
    }

    /// <summary>Scores <paramref name="prompt"/>; the signals that contributed are returned too.</summary>
    /// <param name="prompt">The prompt text.</param>
    /// <returns>The score and its signals.</returns>
    public (double Score, IReadOnlyDictionary<string, double> Signals) Score(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var o = _options;
        var signals = new Dictionary<string, double>(StringComparer.Ordinal);
        var tokens = _counter.CountTokens(prompt);
        Add(signals, "length", Math.Min(o.MaxLengthPoints, (double)tokens / Math.Max(1, o.TokensPerPoint)));
        if (prompt.Contains("```", StringComparison.Ordinal))
        {
            Add(signals, "code", o.CodeBlockPoints);
        }

        var parts = prompt.Count(static c => c == '?') + PartLine().Count(prompt);
        if (parts > 1)
        {
            Add(signals, "parts", Math.Min(o.MaxPartPoints, (parts - 1) * o.ExtraPartPoints));
        }

        var lower = prompt.ToLowerInvariant();
        var complex = _complexVerbs.Count(verb => ContainsWord(lower, verb));
        if (complex > 0)
        {
            Add(signals, "complex_verbs", Math.Min(o.MaxComplexVerbPoints, complex * o.ComplexVerbPoints));
        }

        if (_reasoningPhrases.Any(phrase => ContainsWord(lower, phrase)))
        {
            Add(signals, "reasoning", o.ReasoningPoints);
        }

        if (_simpleVerbs.Any(verb => ContainsWord(lower, verb)))
        {
            Add(signals, "simple_verbs", o.SimpleVerbPoints);
        }

        return (signals.Values.Sum(), signals);
    }

    /// <inheritdoc />
    public ValueTask<DifficultyAssessment> ClassifyAsync(string prompt, IReadOnlyList<string> tiers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tiers);
        var (score, signals) = Score(prompt);
        var index = 0;
        foreach (var threshold in _options.TierThresholds is { Count: > 0 } thresholds ? thresholds : DefaultTierThresholds)
        {
            if (score >= threshold)
            {
                index++;
            }
        }

        return ValueTask.FromResult(new DifficultyAssessment(Math.Clamp(index, 0, Math.Max(0, tiers.Count - 1)), score, signals));
    }

    private static void Add(Dictionary<string, double> signals, string name, double points)
    {
        if (points != 0)
        {
            signals[name] = points;
        }
    }

    private static bool ContainsWord(string text, string word)
    {
        for (var at = text.IndexOf(word, StringComparison.Ordinal); at >= 0; at = text.IndexOf(word, at + 1, StringComparison.Ordinal))
        {
            if (at == 0 || !char.IsLetter(text[at - 1]))
            {
                return true;
            }
        }

        return false;
    }

    [GeneratedRegex(@"^\s*(\d+[.)]|[-*•])\s+\S", RegexOptions.Multiline)]
    private static partial Regex PartLine();
}
