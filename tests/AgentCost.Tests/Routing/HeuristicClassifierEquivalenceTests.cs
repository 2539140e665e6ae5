using System.Text;
using System.Text.RegularExpressions;
using AgentCost.Routing;
using AgentCost.Tokens;

namespace AgentCost.Tests.Routing;

/// <summary>
/// The heuristic scorer (tokens counted up to the length cap, one search for all the words, ordinal case-insensitive)
/// against a straightforward reference: every token counted, the prompt lower-cased, one search per word, a regex.
/// </summary>
public partial class HeuristicClassifierEquivalenceTests
{
    private static readonly string[] s_words =
    [
        "analyze", "Analyse", "DESIGN", "architect", "refactor", "optimize", "optimise", "compare", "evaluate", "debug",
        "implement", "diagnose", "critique", "plan", "investigate", "trade-off", "tradeoff", "translate", "summarize",
        "summarise", "list", "define", "classify", "extract", "rephrase", "rewrite", "spell", "convert", "prove", "proof",
        "derive", "step by step", "Step-By-Step", "theorem", "formally", "rigorous", "realistic", "explanation", "improve",
        "undefined", "designer", "preplan", "planet", "listen", "spelling", "ProOf", "éplan", "_plan", "3plan", "(debug)",
        "implementation", "internationalization", "the", "a", "of", "and", "service", "latency", "café", "naïve", "東京",
        "データベース", "🙂", "ımplement", "ſummarize", "ſpell", "Élan", "élan", "x", "=", "==========", "->", "#", "a,b", "1.5", "2,000", "v2", "C#", ".NET",
    ];

    private static readonly string[] s_separators =
    [
        " ", " ", " ", " ", "  ", "\n", "\n", "\r\n", "\t", "\u00A0", "\n\n", "? ", "?", ". ", ", ", "\n- ", "\n* ",
        "\n• ", "\n1. ", "\n12) ", "\n   3. ", "\n-\n  ", "\n- \n", "\n١. ", "\n```csharp\n", "\n```\n", "```", "\n4.x ",
        "-", "*", "1.", " - ", "\u2028", "\v",
    ];

    public static TheoryData<string> Options => new() { "default", "tiny", "no-cap", "negative", "zero", "custom-lists", "huge-parts" };

    [Theory]
    [MemberData(nameof(Options))]
    public void Scores_equal_the_reference_on_the_table(string optionsName)
    {
        var options = CreateOptions(optionsName);
        var classifier = new HeuristicDifficultyClassifier(options);
        var reference = new ReferenceScorer(options);

        foreach (var prompt in Prompts())
        {
            AssertSame(reference.Score(prompt), classifier.Score(prompt), prompt);
        }
    }

    [Theory]
    [MemberData(nameof(Options))]
    public void Scores_equal_the_reference_on_random_prompts(string optionsName)
    {
        var options = CreateOptions(optionsName);
        var classifier = new HeuristicDifficultyClassifier(options);
        var reference = new ReferenceScorer(options);
        var random = new Random(20261129);

        for (var i = 0; i < 300; i++)
        {
            var prompt = RandomPrompt(random, random.Next(1, i % 10 == 0 ? 3_000 : 200));
            AssertSame(reference.Score(prompt), classifier.Score(prompt), prompt);
        }
    }

    [Fact]
    public void List_lines_are_counted_as_the_regex_counts_them()
    {
        var regex = new Regex(@"^\s*(\d+[.)]|[-*•])\s+\S", RegexOptions.Multiline);
        var classifier = new HeuristicDifficultyClassifier(new HeuristicClassifierOptions { ExtraPartPoints = 1, MaxPartPoints = double.PositiveInfinity });
        var random = new Random(7);
        foreach (var prompt in Prompts().Concat(Enumerable.Range(0, 3_000).Select(i => RandomPrompt(random, random.Next(0, 60)))))
        {
            var parts = regex.Count(prompt) + prompt.Count(static c => c == '?');
            var (_, signals) = classifier.Score(prompt);
            Assert.True((parts > 1 ? parts - 1 : 0) == signals.GetValueOrDefault("parts"), Escape(prompt));
        }
    }

    [Theory]
    [InlineData(TokenEncoding.O200kBase)]
    [InlineData(TokenEncoding.Cl100kBase)]
    public void Capped_counts_equal_the_full_count_below_the_cap(TokenEncoding encoding)
    {
        var counter = TokenCounter.For(encoding);
        var random = new Random(11);
        var texts = Prompts().Concat(Enumerable.Range(0, 100).Select(i => RandomPrompt(random, random.Next(1, 2_000)))).Append("").Cast<string?>().Append(null);
        foreach (var text in texts)
        {
            var full = counter.CountTokens(text);
            foreach (var cap in new[] { 0, 1, 2, 5, 50, 199, 600, 601, 5_000, int.MaxValue })
            {
                Assert.True(Math.Min(full, cap) == counter.CountTokensUpTo(text, cap), $"cap {cap}, full {full}: {Escape(text ?? "(null)")}");
            }
        }
    }

    [Fact]
    public void Capped_counts_use_any_tokenizer()
    {
        var counter = new TokenCounter(Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForModel("gpt-4"), "cl100k_base");
        var text = string.Join(' ', Enumerable.Repeat("The service reserves stock, then writes the order.", 200));

        Assert.Equal(600, counter.CountTokensUpTo(text, 600));
        Assert.Equal(counter.CountTokens("a short one"), counter.CountTokensUpTo("a short one", 600));
        Assert.Throws<ArgumentOutOfRangeException>(() => counter.CountTokensUpTo(text, -1));
    }

    [Fact]
    public void Long_words_are_not_mistaken_for_many_tokens()
    {
        // 15 characters a token: a bound of 8 characters a token would call this 600+ tokens; it has 500.
        var prompt = string.Concat(Enumerable.Repeat("implementation ", 500)).TrimEnd();
        var counter = TokenCounter.ForModel(null);
        Assert.True(counter.CountTokens(prompt) < 600);

        var (_, signals) = new HeuristicDifficultyClassifier().Score(prompt);

        Assert.Equal(counter.CountTokens(prompt) / 200.0, signals["length"]);
    }

    [Fact]
    public void Configured_words_match_whatever_their_case()
    {
        var classifier = new HeuristicDifficultyClassifier(new HeuristicClassifierOptions { ComplexVerbs = ["Refactor", "", "MIGRATE"] });

        var (_, signals) = classifier.Score("Please refactor the module and migrate the data.");

        Assert.Equal(1.5, signals["complex_verbs"]);
    }

    [Fact]
    public void Signals_read_as_a_dictionary()
    {
        var (score, signals) = new HeuristicDifficultyClassifier().Score("Prove it step by step. Why? How?\n```\nx\n```");

        Assert.Equal(new[] { "length", "code", "parts", "reasoning" }, signals.Keys);
        Assert.Equal(signals.Values.Sum(), score);
        Assert.Equal(4, signals.Count);
        Assert.True(signals.ContainsKey("code"));
        Assert.False(signals.TryGetValue("simple_verbs", out _));
        Assert.Throws<KeyNotFoundException>(() => signals["complex_verbs"]);
    }

    private static void AssertSame((double Score, IReadOnlyDictionary<string, double> Signals) expected, (double Score, IReadOnlyDictionary<string, double> Signals) actual, string prompt)
    {
        var expectedText = Describe(expected);
        var actualText = Describe(actual);
        Assert.True(expectedText == actualText && (expected.Score.Equals(actual.Score)), $"expected {expectedText}, got {actualText} for {Escape(prompt)}");
    }

    private static string Describe((double Score, IReadOnlyDictionary<string, double> Signals) result)
        => $"{result.Score:R} [{string.Join(", ", result.Signals.Select(s => $"{s.Key}={s.Value:R}"))}]";

    private static string Escape(string text)
        => (text.Length > 300 ? text[..300] + "…" : text).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);

    private static HeuristicClassifierOptions CreateOptions(string name) => name switch
    {
        "default" => new HeuristicClassifierOptions(),
        "tiny" => new HeuristicClassifierOptions { TokensPerPoint = 3, MaxLengthPoints = 0.1, ExtraPartPoints = 0.3, MaxPartPoints = 0.7, ComplexVerbPoints = 0.1, MaxComplexVerbPoints = 0.3 },
        "no-cap" => new HeuristicClassifierOptions { TokensPerPoint = 1, MaxLengthPoints = double.PositiveInfinity, MaxPartPoints = double.PositiveInfinity, MaxComplexVerbPoints = double.PositiveInfinity },
        "negative" => new HeuristicClassifierOptions { MaxLengthPoints = -1, ExtraPartPoints = -0.5, ComplexVerbPoints = -1, MaxComplexVerbPoints = -2 },
        "zero" => new HeuristicClassifierOptions { TokensPerPoint = 0, MaxLengthPoints = 0, ExtraPartPoints = 0, ComplexVerbPoints = 0 },
        "custom-lists" => new HeuristicClassifierOptions
        {
            ComplexVerbs = ["plan", "plan", "planet", "design", "list"],
            SimpleVerbs = ["list", "spell", "東京", "ſpell", "élan", "🙂ok"],
            ReasoningPhrases = ["step", "step by step", "(debug)"],
        },
        "huge-parts" => new HeuristicClassifierOptions { ExtraPartPoints = 1e-9, MaxPartPoints = 3 },
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static IEnumerable<string> Prompts()
    {
        foreach (var row in HeuristicClassifierTests.Prompts)
        {
            yield return (string)row[0];
        }

        yield return "";
        yield return "?";
        yield return "- a";
        yield return "-\n  continued on the next line";
        yield return "- \n- a";
        yield return "-\n-\n- a";
        yield return "  \n\n   12) twelve\n13.thirteen\n14. fourteen\n• bullet\n*\tstar\n١. arabic-indic";
        yield return "ANALYZE THIS. Then Refactor it. Then compare, evaluate and DEBUG it. Plan, design, optimise, implement.";
        yield return "A realistic explanation will improve the undefined designer's preplan of the planet; listen to the spelling.";
        yield return "éplan _plan 3plan (debug) naïve-design café-compare 東京plan";
        yield return "Step By Step, STEP-BY-STEP, a theorem, formally and rigorously: proof.";
        yield return string.Concat(Enumerable.Repeat("Why? ", 40));
        yield return string.Concat(Enumerable.Repeat("\n- item", 40));
        yield return string.Concat(Enumerable.Repeat("implementation ", 500)).TrimEnd();
        yield return string.Concat(Enumerable.Repeat("implementation ", 700)).TrimEnd();
        yield return new string('=', 6_000);
        yield return new string(' ', 6_000) + "plan";
        yield return string.Concat(Enumerable.Repeat(" x", 700));
        yield return string.Concat(Enumerable.Repeat(" x", 599));
        yield return string.Concat(Enumerable.Repeat("\nA", 601));
        yield return string.Concat(Enumerable.Repeat("データベースの設計を比較してください。", 200));
        yield return string.Concat(Enumerable.Repeat("The order service reserves stock, writes the order and publishes an event. ", 150));
        yield return string.Concat(Enumerable.Repeat("Design the flow, compare two options and evaluate their trade-offs. ", 60))
            + "\n```csharp\nawait using var transaction = await db.BeginTransactionAsync();\n```\n1. First?\n2. Second?\n";
    }

    private static string RandomPrompt(Random random, int pieces)
    {
        var text = new StringBuilder();
        for (var i = 0; i < pieces; i++)
        {
            text.Append(random.Next(3) == 0 ? s_separators[random.Next(s_separators.Length)] : s_words[random.Next(s_words.Length)]);
            if (random.Next(2) == 0)
            {
                text.Append(' ');
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// The classifier as it was first written: simple and slow. Configured words are lower-cased here, as the options
    /// document them to match whatever their case (the first version compared them as written with the lower-cased prompt).
    /// </summary>
    private sealed partial class ReferenceScorer(HeuristicClassifierOptions options)
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

        private readonly TokenCounter _counter = TokenCounter.ForModel(null);
        private readonly string[] _complexVerbs = options.ComplexVerbs is { Count: > 0 } c ? [.. c] : s_complexVerbs;
        private readonly string[] _simpleVerbs = options.SimpleVerbs is { Count: > 0 } s ? [.. s] : s_simpleVerbs;
        private readonly string[] _reasoningPhrases = options.ReasoningPhrases is { Count: > 0 } r ? [.. r] : s_reasoningPhrases;

        public (double Score, IReadOnlyDictionary<string, double> Signals) Score(string prompt)
        {
            var o = options;
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
            var complex = _complexVerbs.Count(verb => ContainsWord(lower, verb.ToLowerInvariant()));
            if (complex > 0)
            {
                Add(signals, "complex_verbs", Math.Min(o.MaxComplexVerbPoints, complex * o.ComplexVerbPoints));
            }

            if (_reasoningPhrases.Any(phrase => ContainsWord(lower, phrase.ToLowerInvariant())))
            {
                Add(signals, "reasoning", o.ReasoningPoints);
            }

            if (_simpleVerbs.Any(verb => ContainsWord(lower, verb.ToLowerInvariant())))
            {
                Add(signals, "simple_verbs", o.SimpleVerbPoints);
            }

            return (signals.Values.Sum(), signals);
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
}
