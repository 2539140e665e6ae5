namespace AgentCost.Caching;

/// <summary>
/// What in a prompt changes its answer, read in one left-to-right pass: numbers with their units, negations, quoted
/// strings, contrast words, entities with their direction, and the words themselves.
/// </summary>
/// <remarks>
/// The scan is linear in the prompt's length, uses no regular expressions and never throws on any text: a quote
/// without its closing mark is punctuation, and a number is kept as text, never parsed into a type that overflows.
/// </remarks>
internal sealed class PromptFacts
{
    // The longest quoted string taken as one: longer "quotes" are stray marks, read as punctuation.
    private const int MaxQuoteLength = 1_000;

    // How many words may stand between a direction word and the name it applies to ("from the old Paris office").
    private const int RoleReach = 3;

    private readonly SemanticHitLexicon _lexicon;
    private string? _pendingCurrency;
    private int _lastNumber = -1;
    private int _lastNumberWord = -1;
    private string? _role;
    private int _roleWord = -1;
    private int _lastEntityWord = -1;
    private string? _directionWord;
    private int _directionWordIndex = -1;
    private int _words;
    private bool _sentenceStart = true;

    private PromptFacts(SemanticHitLexicon lexicon) => _lexicon = lexicon;

    public List<string> Quoted { get; } = [];

    public List<NumberFact> Numbers { get; } = [];

    public int Negations { get; private set; }

    public Dictionary<int, int> ContrastSides { get; } = [];

    public List<EntityFact> Entities { get; } = [];

    /// <summary>Objects of direction words: ("from", "checking"), ("to", "savings").</summary>
    public List<(bool IsSource, string Word)> Directions { get; } = [];

    /// <summary>The words in order, in lower case, without quoted strings, numbers, units and negations.</summary>
    public List<string> Sequence { get; } = [];

    /// <summary>Every word in lower case, and the parts of joined words ("node.js" gives "node" and "js" too).</summary>
    public HashSet<string> Words { get; } = new(StringComparer.Ordinal);

    public static PromptFacts Read(string? prompt, SemanticHitLexicon lexicon)
    {
        var facts = new PromptFacts(lexicon);
        facts.Scan(prompt ?? string.Empty);
        return facts;
    }

    private void Scan(string text)
    {
        var closers = new QuoteClosers();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsLetterOrDigit(c))
            {
                var end = WordEnd(text, i);
                Word(text.AsSpan(i, end - i));
                i = end;
                continue;
            }

            if (IsQuoteOpening(text, i) && closers.Find(text, i) is var close and > 0 && close - i - 1 <= MaxQuoteLength)
            {
                Quoted.Add(text.Substring(i + 1, close - i - 1));
                _sentenceStart = false;
                i = close + 1;
                continue;
            }

            Punctuation(c);
            i++;
        }
    }

    // A word runs over letters and digits and over the joiners between them: "don't", "node.js", "eu-west-1",
    // "created_at", "6:30", "1,000.50", "user@example.com".
    private static int WordEnd(string text, int start)
    {
        var i = start + 1;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsLetterOrDigit(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark)
            {
                i++;
            }
            else if (c is '\'' or '’' or '.' or '-' or '_' or '/' or ':' or '@' or ',' or '#' or '+'
                && i + 1 < text.Length && char.IsLetterOrDigit(text[i + 1])
                && (c is not ',' || (char.IsDigit(text[i - 1]) && char.IsDigit(text[i + 1]))))
            {
                i += 2;
            }
            else
            {
                break;
            }
        }

        return i;
    }

    private static bool IsQuoteOpening(string text, int i) => text[i] switch
    {
        '"' or '“' or '”' or '«' or '`' or '„' => true,
        '\'' or '‘' => (i == 0 || !char.IsLetterOrDigit(text[i - 1])) && i + 1 < text.Length && !char.IsWhiteSpace(text[i + 1]),
        _ => false,
    };

    private void Punctuation(char c)
    {
        switch (c)
        {
            case '.' or '?' or '!' or ';' or '\n' or '\r' or '•' or ':':
                _sentenceStart = true;
                _role = null;
                break;
            case '$' or '€' or '£' or '¥':
                _pendingCurrency = _lexicon.UnitNames[c.ToString()];
                break;
            case '%' or '°' when _lastNumberWord == _words - 1 && _lastNumber >= 0 && Numbers[_lastNumber].Unit.Length == 0:
                Numbers[_lastNumber] = Numbers[_lastNumber] with { Unit = _lexicon.UnitNames[c.ToString()] };
                break;
            case ',' or '(' or ')' or '[' or ']':
                _role = null;
                break;
        }
    }

    private void Word(ReadOnlySpan<char> word)
    {
        var lower = word.ToString().ToLowerInvariant();
        AddWord(lower);
        var index = _words++;
        var sentenceStart = _sentenceStart;
        _sentenceStart = false;

        if (HasDigit(word))
        {
            Number(word, lower, index);
            return;
        }

        var currency = _pendingCurrency;
        _pendingCurrency = null;
        if (_lexicon.Numbers.TryGetValue(lower, out var value))
        {
            AddNumber(value, currency ?? string.Empty, index);
            return;
        }

        // A unit right after a number belongs to it: "5 GB", "30 days", "200 USD".
        if (_lastNumberWord == index - 1 && _lastNumber >= 0 && Numbers[_lastNumber].Unit.Length == 0
            && _lexicon.UnitNames.TryGetValue(lower, out var unit))
        {
            Numbers[_lastNumber] = Numbers[_lastNumber] with { Unit = unit };
            return;
        }

        // Numbers, units and negations are compared by their own checks; the sequence holds the words around them, so
        // that "doesn't" for "won't" is no edit.
        if (_lexicon.Negations.Contains(lower) || lower.EndsWith("n't", StringComparison.Ordinal)
            || lower.EndsWith("n’t", StringComparison.Ordinal) || lower.StartsWith("non-", StringComparison.Ordinal))
        {
            Negations++;
        }
        else
        {
            Sequence.Add(lower);
        }

        if (_lexicon.Contrasts.TryGetValue(lower, out var contrast))
        {
            ContrastSides[contrast.Side] = ContrastSides.GetValueOrDefault(contrast.Side) + 1;
        }

        if (_lexicon.Roles.Contains(lower))
        {
            _role = lower;
            _roleWord = index;
        }

        if (_directionWord is not null && index - _directionWordIndex <= 2 && !_lexicon.SkippedBeforeObject.Contains(lower))
        {
            Directions.Add((_lexicon.SourceWords.Contains(_directionWord), StripPossessive(lower)));
            _directionWord = null;
        }

        if (_lexicon.SourceWords.Contains(lower) || _lexicon.TargetWords.Contains(lower))
        {
            _directionWord = lower;
            _directionWordIndex = index;
        }

        if (IsEntity(word, lower, sentenceStart))
        {
            Entity(StripPossessive(lower), sentenceStart && !IsCodeLike(word) && !_lexicon.KnownEntities.Contains(lower), index);
        }
    }

    private void Number(ReadOnlySpan<char> word, string lower, int index)
    {
        var currency = _pendingCurrency ?? string.Empty;
        _pendingCurrency = null;
        var digits = 0;
        while (digits < word.Length && (char.IsDigit(word[digits]) || word[digits] is '.' or ','))
        {
            digits++;
        }

        var tail = lower.AsSpan(digits);
        if (digits == word.Length)
        {
            AddNumber(Normalise(lower), currency, index);
        }
        else if (digits > 0 && IsLetters(tail) && _lexicon.UnitNames.TryGetValue(tail.ToString(), out var unit))
        {
            // "5gb", "3pm", "2nd": a number and its unit written as one word.
            AddNumber(Normalise(lower[..digits]), unit, index);
            AddWord(tail.ToString());
        }
        else
        {
            // Ids, versions, dates, times and names with digits ("v2", "eu-west-1", "2024-01-01", "6:30") compare as written.
            AddNumber(lower, currency, index);
        }
    }

    private void AddNumber(string value, string unit, int index)
    {
        Numbers.Add(new NumberFact(value, unit));
        _lastNumber = Numbers.Count - 1;
        _lastNumberWord = index;
    }

    // "1,000.50" and "1000.5" are one value, and "$50.00" is "$50"; anything else is kept as written.
    private static string Normalise(string number)
    {
        var text = number.Replace(",", string.Empty, StringComparison.Ordinal);
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0 && text.IndexOf('.', dot + 1) < 0)
        {
            text = text.TrimEnd('0').TrimEnd('.');
        }

        text = text.TrimStart('0');
        return text.Length == 0 || text[0] == '.' ? "0" + text : text;
    }

    private bool IsEntity(ReadOnlySpan<char> word, string lower, bool sentenceStart)
    {
        if (_lexicon.NonEntities.Contains(lower) || (_lastNumberWord == _words - 2 && _lexicon.UnitNames.ContainsKey(lower)))
        {
            return false;
        }

        return char.IsUpper(word[0]) || IsCodeLike(word) || _lexicon.KnownEntities.Contains(lower);
    }

    // Acronyms, camelCase, snake_case and dotted names are identifiers wherever they stand.
    private static bool IsCodeLike(ReadOnlySpan<char> word)
    {
        var upper = 0;
        var letters = 0;
        for (var i = 0; i < word.Length; i++)
        {
            var c = word[i];
            if (c is '_' || (c is '.' && i > 0 && char.IsLetter(word[i - 1])))
            {
                return true;
            }

            if (char.IsLetter(c))
            {
                letters++;
                if (char.IsUpper(c))
                {
                    upper++;
                    if (i > 0 && char.IsLower(word[i - 1]))
                    {
                        return true;
                    }
                }
            }
        }

        return letters >= 2 && upper == letters;
    }

    private void Entity(string name, bool maybe, int index)
    {
        var role = _role is not null && index - _roleWord <= RoleReach ? _role : null;

        // Neighbouring capitalised words are one name: "New York", "Movie Night", "SQL Server"; a word capitalised only
        // because it starts the sentence ("Promote Maria") is not part of the name after it.
        if (_lastEntityWord == index - 1 && Entities.Count > 0 && !Entities[^1].Maybe)
        {
            var last = Entities[^1];
            Entities[^1] = last with { Name = last.Name + " " + name, Maybe = last.Maybe && maybe };
        }
        else
        {
            Entities.Add(new EntityFact(name, role, maybe));
            if (role is not null)
            {
                _role = null;
            }
        }

        _lastEntityWord = index;
    }

    private void AddWord(string lower)
    {
        Words.Add(StripPossessive(lower));
        if (lower.AsSpan().IndexOfAny(".-_/:@'’#+") < 0)
        {
            return;
        }

        foreach (var part in lower.Split(['.', '-', '_', '/', ':', '@', '\'', '’', '#', '+'], StringSplitOptions.RemoveEmptyEntries))
        {
            Words.Add(part);
        }
    }

    private static string StripPossessive(string lower) =>
        lower.EndsWith("'s", StringComparison.Ordinal) || lower.EndsWith("’s", StringComparison.Ordinal) ? lower[..^2] : lower;

    private static bool HasDigit(ReadOnlySpan<char> word)
    {
        foreach (var c in word)
        {
            if (char.IsDigit(c))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsLetters(ReadOnlySpan<char> word)
    {
        foreach (var c in word)
        {
            if (!char.IsLetter(c))
            {
                return false;
            }
        }

        return !word.IsEmpty;
    }

    /// <summary>
    /// Finds closing quote marks. Whether a mark closes does not depend on where its quote opened, so once a search
    /// finds none, no later opening of that kind can close either: the scan stays linear however many marks go unclosed.
    /// </summary>
    private struct QuoteClosers
    {
        private Closer _double;
        private Closer _single;
        private Closer _backtick;
        private Closer _guillemet;

        public int Find(string text, int open) => text[open] switch
        {
            '«' => _guillemet.Find(text, open, static (t, i) => t[i] == '»'),
            '`' => _backtick.Find(text, open, static (t, i) => t[i] == '`'),
            '\'' or '‘' => _single.Find(text, open, static (t, i) =>
                t[i] is '\'' or '’' && !char.IsWhiteSpace(t[i - 1]) && (i + 1 == t.Length || !char.IsLetterOrDigit(t[i + 1]))),
            _ => _double.Find(text, open, static (t, i) => t[i] is '"' or '”' or '“'),
        };
    }

    /// <summary>
    /// The first closing mark of one kind after an opening. Whether a mark closes does not depend on where its quote
    /// opened, so the last one found answers every opening before it, and once none is found none ever will be: the
    /// scan stays linear however many marks go unclosed.
    /// </summary>
    private struct Closer
    {
        private int _found;
        private bool _exhausted;

        public int Find(string text, int open, Func<string, int, bool> closes)
        {
            if (_found > open)
            {
                return _found;
            }

            if (_exhausted)
            {
                return -1;
            }

            for (var i = open + 1; i < text.Length; i++)
            {
                if (closes(text, i))
                {
                    _found = i;
                    return i;
                }
            }

            _exhausted = true;
            return -1;
        }
    }
}

/// <summary>A number as written (normalised where it is a plain value) and its canonical unit, empty when none.</summary>
internal readonly record struct NumberFact(string Value, string Unit);

/// <summary>A name in lower case, the direction word before it, and whether it only starts a sentence.</summary>
/// <param name="Name">The name, neighbouring capitalised words joined by a space.</param>
/// <param name="Role">The direction word (from, to, than, ...) just before it, if any.</param>
/// <param name="Maybe">Whether it is capitalised only because it starts a sentence: then it counts as a name only when
/// written with a capital elsewhere in either prompt.</param>
internal readonly record struct EntityFact(string Name, string? Role, bool Maybe);
