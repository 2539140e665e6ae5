using System.Collections.Frozen;

namespace AgentCost.Caching;

/// <summary>The words <see cref="SemanticHitRules"/> recognises: the built-in lists merged with a team's additions, frozen once.</summary>
internal sealed class SemanticHitLexicon
{
    // Each side lists its words with '|'. A side written with '!' is the marked one of its pair ("disable", "unlock",
    // "descending"): on one prompt only, it turns the request around, so it rejects. Any other word rejects only when
    // the other prompt holds its opposite: on one side only it is as often a paraphrase ("allowed", "connecting",
    // "reduce the cost" for "make it cheaper") as a change.
    private static readonly (string Words, string Opposites)[] BuiltInContrasts =
    [
        ("enable", "!disable"), ("increase|raise|grow|higher|boost", "decrease|reduce|lower|shrink"), ("highest", "lowest"),
        ("over|above", "under|below"), ("before", "after"), ("import", "export"), ("encrypt", "!decrypt"),
        ("add|insert|create", "remove|delete|drop"), ("upgrade", "!downgrade"), ("ascending|asc", "!descending|!desc"),
        ("start|launch", "stop|halt"), ("open", "close"), ("lock", "!unlock"), ("allow|permit", "deny|forbid|block"),
        ("accept|approve", "reject|decline"), ("buy|bought|purchase", "sell|sold"), ("deposit", "withdraw|withdrawal"),
        ("upload", "download"), ("push", "pull"), ("minimum|min", "maximum|max"), ("more|most", "less|fewer|least"),
        ("high", "low"), ("larger|bigger|largest|biggest", "smaller|smallest"), ("longest|longer", "shortest|shorter"),
        ("cheapest|cheaper", "priciest|pricier"), ("first", "last"), ("earliest", "latest"), ("oldest|older", "newest|newer"),
        ("inbound|incoming|ingress", "outbound|outgoing|egress"), ("input", "output"), ("internal", "external"),
        ("public", "private"), ("include", "exclude"), ("inner", "outer"), ("left", "right"), ("send|sent", "receive"),
        ("subscribe", "!unsubscribe"), ("follow", "!unfollow"), ("install", "!uninstall"), ("mount", "!unmount"),
        ("connect", "!disconnect"), ("attach", "!detach"), ("grant", "!revoke"), ("hire", "fire"), ("promote", "!demote"),
        ("credit", "debit"), ("income|revenue", "expense|cost"), ("win|won|gain|profit", "lose|lost|loss"),
        ("pass|passed", "fail|failed"), ("success|successful", "failure"), ("true", "false"), ("on", "off"), ("up", "down"),
        ("in", "out"), ("inside", "outside"), ("mute", "!unmute"), ("pause", "resume"), ("archive", "!unarchive"),
        ("block", "!unblock"), ("freeze", "!unfreeze"), ("show", "hide"), ("expand", "collapse"),
        ("compress|zip", "!decompress|!unzip"), ("encode", "!decode"), ("serialize|serialise", "!deserialize|!deserialise"),
        ("plus", "minus"), ("maximise|maximize", "minimise|minimize"), ("arrival|arrive|arrivals", "departure|depart|departures"),
        ("with", "without"), ("warmer|hotter|hot|warm", "colder|cooler|cold|cool"), ("faster|fast", "slower|slow"),
        ("early|earlier", "late|later"), ("login", "logout"), ("join", "leave"), ("activate", "!deactivate"),
        ("dim", "brighten"), ("mutable", "!immutable"), ("valid", "!invalid"), ("visible", "!invisible"),
        ("legal", "!illegal"), ("safe", "!unsafe"), ("available", "!unavailable"), ("read", "write"),
        ("synchronous|sync", "asynchronous|async"), ("sunrise", "sunset"), ("morning", "evening|night"),
        ("weekday|weekdays", "weekend|weekends"),
    ];

    private static readonly string[] BuiltInNegations =
    [
        "not", "no", "never", "none", "nobody", "nothing", "nowhere", "neither", "nor", "without", "cannot",
        "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "cant", "couldnt", "shouldnt", "wouldnt",
        "wont", "hasnt", "havent", "hadnt", "mustnt", "neednt",
    ];

    // A capitalised word that starts a sentence is an entity only when it is named with a capital elsewhere as
    // well; these words never are, so "What", "How" and "Please" cannot make two paraphrases differ.
    private static readonly string[] NotEntities = ["i", "i'm", "i've", "i'd", "i'll"];

    // Units are compared after the number they follow; each spelling maps to one canonical name.
    private static readonly (string Canonical, string[] Spellings)[] Units =
    [
        ("%", ["%", "percent", "pct"]),
        ("usd", ["$", "usd", "dollar", "dollars", "bucks"]), ("eur", ["€", "eur", "euro", "euros"]),
        ("gbp", ["£", "gbp", "pound", "pounds", "quid"]), ("jpy", ["¥", "jpy", "yen"]),
        ("b", ["b", "byte", "bytes"]), ("kb", ["kb", "kilobyte", "kilobytes"]), ("mb", ["mb", "megabyte", "megabytes"]),
        ("gb", ["gb", "gigabyte", "gigabytes"]), ("tb", ["tb", "terabyte", "terabytes"]),
        ("kib", ["kib"]), ("mib", ["mib"]), ("gib", ["gib"]), ("tib", ["tib"]),
        ("ms", ["ms", "millisecond", "milliseconds", "msec"]), ("s", ["s", "sec", "secs", "second", "seconds"]),
        ("min", ["min", "mins", "minute", "minutes"]), ("h", ["h", "hr", "hrs", "hour", "hours"]),
        ("d", ["d", "day", "days"]), ("wk", ["wk", "wks", "week", "weeks"]), ("mo", ["mo", "month", "months"]),
        ("y", ["y", "yr", "yrs", "year", "years"]), ("am", ["am", "a.m"]), ("pm", ["pm", "p.m"]),
        ("km", ["km", "kilometre", "kilometres", "kilometer", "kilometers"]), ("m", ["m", "metre", "metres", "meter", "meters"]),
        ("cm", ["cm"]), ("mm", ["mm"]), ("mi", ["mi", "mile", "miles"]), ("kg", ["kg", "kilo", "kilos", "kilogram", "kilograms"]),
        ("g", ["g", "gram", "grams"]), ("mg", ["mg", "milligram", "milligrams"]), ("lb", ["lb", "lbs"]),
        ("ml", ["ml", "millilitre", "millilitres", "milliliter", "milliliters"]), ("l", ["l", "litre", "litres", "liter", "liters"]),
        ("deg", ["deg", "degree", "degrees", "°"]), ("k", ["k", "thousand"]), ("x", ["x", "times"]),
        ("th", ["st", "nd", "rd", "th"]),
    ];

    // Number words from two up are numbers: "one" is left out because it is more often a pronoun ("which one").
    private static readonly (string Word, string Value)[] NumberWords =
    [
        ("two", "2"), ("three", "3"), ("four", "4"), ("five", "5"), ("six", "6"), ("seven", "7"), ("eight", "8"),
        ("nine", "9"), ("ten", "10"), ("eleven", "11"), ("twelve", "12"), ("thirteen", "13"), ("fourteen", "14"),
        ("fifteen", "15"), ("sixteen", "16"), ("seventeen", "17"), ("eighteen", "18"), ("nineteen", "19"),
        ("twenty", "20"), ("thirty", "30"), ("forty", "40"), ("fifty", "50"), ("sixty", "60"), ("seventy", "70"),
        ("eighty", "80"), ("ninety", "90"), ("hundred", "100"), ("dozen", "12"), ("million", "1000000"),
        ("billion", "1000000000"), ("twice", "2"), ("double", "2"), ("half", "0.5"), ("quarter", "0.25"),
    ];

    // Words after which the next name or noun has a direction: "from A to B", "A than B".
    private static readonly string[] Sources = ["from"];
    private static readonly string[] Targets = ["to", "into", "onto", "toward", "towards"];
    private static readonly string[] RoleWords = ["from", "to", "into", "onto", "toward", "towards", "than", "vs", "versus", "against", "over"];

    // Words that an edit may change without changing the request: "How do I..." and "How can I...", "Set the lights
    // to 40%" and "Change the lights to 40%".
    private static readonly string[] Fillers =
    [
        "a", "an", "the", "this", "that", "these", "those", "my", "your", "our", "their", "his", "her", "its", "me", "i",
        "we", "you", "it", "please", "kindly", "can", "could", "would", "will", "should", "may", "might", "must", "do",
        "does", "did", "is", "are", "am", "was", "be", "to", "how", "what", "what's", "whats", "which", "where", "when",
        "why", "who", "set", "change", "make", "get", "show", "give", "tell", "find", "put", "turn", "switch", "update",
        "help", "know", "see", "list", "just", "now", "currently", "also", "some", "any", "all", "way", "there", "so",
        "then", "and", "of", "for", "in", "on", "at", "by", "about", "hi", "hello", "hey", "thanks", "thank", "ok",
        "okay", "really", "quickly", "simply", "exactly", "possible", "want", "need", "like", "ways", "steps",
    ];

    // Prefixes that negate the word they start: "reachable" and "unreachable", "valid" and "invalid".
    private static readonly string[] BuiltInNegatingPrefixes = ["un", "in", "im", "il", "ir", "dis", "non", "non-"];

    // Skipped between a direction word and its object: "from the kitchen", "to my savings".
    private static readonly string[] Determiners = ["the", "a", "an", "my", "our", "your", "their", "his", "her", "its", "this", "that"];

    public static SemanticHitLexicon Default { get; } = new(null);

    public SemanticHitLexicon(SemanticHitRulesOptions? options)
    {
        var contrasts = new Dictionary<string, ContrastWord>(StringComparer.Ordinal);
        var pair = 0;
        foreach (var (words, opposites) in BuiltInContrasts)
        {
            AddPair(contrasts, pair++, words, opposites);
        }

        if (options is not null)
        {
            foreach (var (word, opposite) in options.AdditionalContrastPairs)
            {
                if (!string.IsNullOrWhiteSpace(word) && !string.IsNullOrWhiteSpace(opposite))
                {
                    AddPair(contrasts, pair++, word.Trim().ToLowerInvariant(), "!" + opposite.Trim().ToLowerInvariant());
                }
            }
        }

        var weakSides = new bool[pair * 2];
        foreach (var word in contrasts.Values)
        {
            weakSides[word.Side] = word.Weak;
        }

        WeakSides = weakSides;

        Contrasts = contrasts.ToFrozenDictionary(StringComparer.Ordinal);
        Negations = Merge(BuiltInNegations, options?.AdditionalNegationWords);
        KnownEntities = Merge([], options?.AdditionalEntities);
        NonEntities = NotEntities.ToFrozenSet(StringComparer.Ordinal);
        UnitNames = Units.SelectMany(u => u.Spellings.Select(s => (s, u.Canonical)))
            .ToFrozenDictionary(p => p.s, p => p.Canonical, StringComparer.Ordinal);
        Numbers = NumberWords.ToFrozenDictionary(p => p.Word, p => p.Value, StringComparer.Ordinal);
        SourceWords = Sources.ToFrozenSet(StringComparer.Ordinal);
        TargetWords = Targets.ToFrozenSet(StringComparer.Ordinal);
        Roles = RoleWords.ToFrozenSet(StringComparer.Ordinal);
        SkippedBeforeObject = Determiners.ToFrozenSet(StringComparer.Ordinal);
        EditFillers = Fillers.ToFrozenSet(StringComparer.Ordinal);
        NegatingPrefixes = BuiltInNegatingPrefixes;
    }

    /// <summary>Each form of a contrast word (lower case) and the side of the pair it is on.</summary>
    public FrozenDictionary<string, ContrastWord> Contrasts { get; }

    /// <summary>Whether each side of a contrast pair (<c>pair * 2 + side</c>) is weak.</summary>
    public IReadOnlyList<bool> WeakSides { get; }

    public FrozenSet<string> Negations { get; }

    public FrozenSet<string> KnownEntities { get; }

    public FrozenSet<string> NonEntities { get; }

    public FrozenDictionary<string, string> UnitNames { get; }

    public FrozenDictionary<string, string> Numbers { get; }

    public FrozenSet<string> SourceWords { get; }

    public FrozenSet<string> TargetWords { get; }

    public FrozenSet<string> Roles { get; }

    public FrozenSet<string> SkippedBeforeObject { get; }

    public FrozenSet<string> EditFillers { get; }

    public IReadOnlyList<string> NegatingPrefixes { get; }

    private static FrozenSet<string> Merge(string[] builtIn, IList<string>? added)
    {
        var all = new HashSet<string>(builtIn, StringComparer.Ordinal);
        if (added is not null)
        {
            foreach (var word in added)
            {
                if (!string.IsNullOrWhiteSpace(word))
                {
                    all.Add(word.Trim().ToLowerInvariant());
                }
            }
        }

        return all.ToFrozenSet(StringComparer.Ordinal);
    }

    private static void AddPair(Dictionary<string, ContrastWord> contrasts, int pair, string words, string opposites)
    {
        AddSide(contrasts, pair * 2, words);
        AddSide(contrasts, (pair * 2) + 1, opposites);
    }

    private static void AddSide(Dictionary<string, ContrastWord> contrasts, int side, string words)
    {
        foreach (var word in words.Split('|'))
        {
            var marked = word.StartsWith('!');
            AddForms(contrasts, marked ? word[1..] : word, new ContrastWord(side, Weak: !marked));
        }
    }

    // Plural and verb forms count as the word: "enabled", "enabling", "stops", "stopped". A form already taken keeps its
    // first pair, so the built-in list wins over additions that repeat it.
    private static void AddForms(Dictionary<string, ContrastWord> contrasts, string word, ContrastWord side)
    {
        contrasts.TryAdd(word, side);
        if (word.Contains(' ', StringComparison.Ordinal) || word.Length < 3)
        {
            return;
        }

        contrasts.TryAdd(word + "s", side);
        var last = word[^1];
        if (last == 'e')
        {
            contrasts.TryAdd(word + "d", side);
            contrasts.TryAdd(word[..^1] + "ing", side);
            return;
        }

        if (last is 's' or 'x' or 'h')
        {
            contrasts.TryAdd(word + "es", side);
        }

        contrasts.TryAdd(word + "ed", side);
        contrasts.TryAdd(word + "ing", side);
        if (IsConsonant(last) && last is not ('w' or 'x' or 'y') && word.Length >= 3 && !IsConsonant(word[^2]) && IsConsonant(word[^3]))
        {
            // stop → stopped, stopping; plan → planned.
            contrasts.TryAdd(word + last + "ed", side);
            contrasts.TryAdd(word + last + "ing", side);
        }
    }

    private static bool IsConsonant(char c) => c is >= 'a' and <= 'z' && c is not ('a' or 'e' or 'i' or 'o' or 'u');
}

/// <summary>One side of a contrast pair.</summary>
/// <param name="Side">The pair's index times two, plus one for the opposite.</param>
/// <param name="Weak">Whether the word is too common to count when on one side only.</param>
internal readonly record struct ContrastWord(int Side, bool Weak);
