namespace AgentCost.Caching;

/// <summary>
/// The semantic cache's built-in guard: serves a cached answer only when the two prompts agree on what changes answers
/// — numbers and units, negation, quoted strings, named entities and their direction, and contrast words.
/// </summary>
/// <remarks>
/// <para>Rules, not a model: fast (linear in the prompts' length, no regular expressions), culture-invariant, safe for
/// concurrent use, and never throwing on any text. They lean to rejecting: a paraphrase they turn away costs one model
/// call, a wrong answer they let through costs more.</para>
/// <para>Reasons of a rejection: <c>quoted</c>, <c>number</c>, <c>negation</c>, <c>contrast</c>, <c>entity</c>,
/// <c>entity_order</c>. What each check compares, and what it does not, is in docs/semantic-cache.md.</para>
/// </remarks>
public sealed class SemanticHitRules : ISemanticHitVerifier
{
    private static readonly SemanticHitVerdict Quoted = SemanticHitVerdict.Reject("quoted");
    private static readonly SemanticHitVerdict Number = SemanticHitVerdict.Reject("number");
    private static readonly SemanticHitVerdict Negation = SemanticHitVerdict.Reject("negation");
    private static readonly SemanticHitVerdict Contrast = SemanticHitVerdict.Reject("contrast");
    private static readonly SemanticHitVerdict Entity = SemanticHitVerdict.Reject("entity");
    private static readonly SemanticHitVerdict EntityOrder = SemanticHitVerdict.Reject("entity_order");

    // The longest edit, in words on either side, that makes two otherwise equal prompts different requests, and the
    // longest run of words whose reordering does.
    private const int MaxEditLength = 2;
    private const int MaxSwapLength = 5;

    private readonly SemanticHitLexicon _lexicon;
    private readonly bool _numbers;
    private readonly bool _negation;
    private readonly bool _quoted;
    private readonly bool _entities;
    private readonly bool _contrast;

    /// <summary>Creates the rules with every check on and the built-in words.</summary>
    public SemanticHitRules()
        : this(null)
    {
    }

    /// <summary>Creates the rules with the given settings, read once: later changes to <paramref name="options"/> are not seen.</summary>
    /// <param name="options">Which checks run and the words added to the built-in ones; <see langword="null"/> for the defaults.</param>
    public SemanticHitRules(SemanticHitRulesOptions? options)
    {
        _lexicon = options is null ? SemanticHitLexicon.Default : new SemanticHitLexicon(options);
        _numbers = options?.CheckNumbers ?? true;
        _negation = options?.CheckNegation ?? true;
        _quoted = options?.CheckQuotedText ?? true;
        _entities = options?.CheckEntities ?? true;
        _contrast = options?.CheckContrast ?? true;
    }

    /// <inheritdoc />
    public ValueTask<SemanticHitVerdict> VerifyAsync(SemanticHitCandidate candidate, CancellationToken cancellationToken) =>
        new(Verify(candidate.Prompt, candidate.CachedPrompt));

    /// <summary>Decides whether the answer to <paramref name="cachedPrompt"/> may answer <paramref name="prompt"/>.</summary>
    /// <param name="prompt">The new prompt; <see langword="null"/> reads as empty.</param>
    /// <param name="cachedPrompt">The prompt the cached answer was made for; <see langword="null"/> reads as empty.</param>
    /// <returns><see cref="SemanticHitVerdict.Accept"/>, or a rejection that names the first check that failed.</returns>
    public SemanticHitVerdict Verify(string? prompt, string? cachedPrompt)
    {
        if (string.Equals(prompt, cachedPrompt, StringComparison.Ordinal))
        {
            return SemanticHitVerdict.Accept;
        }

        var a = PromptFacts.Read(prompt, _lexicon);
        var b = PromptFacts.Read(cachedPrompt, _lexicon);
        if (_quoted && !a.Quoted.SequenceEqual(b.Quoted, StringComparer.Ordinal))
        {
            return Quoted;
        }

        if (_numbers && !SameNumbers(a.Numbers, b.Numbers))
        {
            return Number;
        }

        if (_negation && (a.Negations != b.Negations || NegatedWord(a, b) || NegatedWord(b, a)))
        {
            return Negation;
        }

        if (_contrast && !SameContrasts(a.ContrastSides, b.ContrastSides))
        {
            return Contrast;
        }

        if (_entities)
        {
            var aNames = Names(a, b);
            var bNames = Names(b, a);
            if (!Covers(aNames, b) || !Covers(bNames, a))
            {
                return Entity;
            }

            if (!SameDirection(a, b, aNames, bNames))
            {
                return EntityOrder;
            }

            if (OneEdit(a.Sequence, b.Sequence) is { } edit)
            {
                return edit;
            }
        }

        return SemanticHitVerdict.Accept;
    }

    // The same numbers with the same units; numbers of one unit in the same order ("from 5 to 10 GB"), while numbers of
    // different units may move ("2 tickets for the 5th" and "for the 5th, 2 tickets").
    private static bool SameNumbers(List<NumberFact> a, List<NumberFact> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        if (a.Count == 0)
        {
            return true;
        }

        var x = a.OrderBy(n => n.Unit, StringComparer.Ordinal).ToArray();
        var y = b.OrderBy(n => n.Unit, StringComparer.Ordinal).ToArray();
        return x.AsSpan().SequenceEqual(y);
    }

    private bool SameContrasts(Dictionary<int, int> a, Dictionary<int, int> b)
    {
        foreach (var (side, count) in a)
        {
            if (count != b.GetValueOrDefault(side) && !Tolerated(side, a, b))
            {
                return false;
            }
        }

        foreach (var (side, count) in b)
        {
            if (count != a.GetValueOrDefault(side) && !Tolerated(side, b, a))
            {
                return false;
            }
        }

        return true;
    }

    // A marked word ("disable", "unlock") on one side only turns the request around; any other ("on", "add", "reduce")
    // rejects only when the other prompt holds its opposite.
    private bool Tolerated(int side, Dictionary<int, int> mine, Dictionary<int, int> theirs)
    {
        var opposite = side ^ 1;
        if (theirs.GetValueOrDefault(opposite) > mine.GetValueOrDefault(opposite))
        {
            return false;
        }

        return _lexicon.WeakSides[side];
    }

    // "reachable" on one side and "unreachable" on the other.
    private bool NegatedWord(PromptFacts facts, PromptFacts other)
    {
        foreach (var word in facts.Words)
        {
            if (other.Words.Contains(word))
            {
                continue;
            }

            foreach (var prefix in _lexicon.NegatingPrefixes)
            {
                if (word.Length - prefix.Length >= 3 && word.StartsWith(prefix, StringComparison.Ordinal)
                    && other.Words.Contains(word[prefix.Length..]) && !facts.Words.Contains(word[prefix.Length..]))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // Two prompts worded the same but for one short edit ask different things, whatever the edit: a thing replaced
    // ("the back door", "the front door"; "in silver", "in black"), a word added ("show cancelled orders"), or two
    // words swapped ("ice or heat", "heat or ice"). A paraphrase rewords more than that; an edit of filler words only
    // ("How do I" for "How can I") is no change.
    private SemanticHitVerdict? OneEdit(List<string> a, List<string> b)
    {
        var prefix = 0;
        while (prefix < a.Count && prefix < b.Count && a[prefix] == b[prefix])
        {
            prefix++;
        }

        var suffix = 0;
        while (suffix < a.Count - prefix && suffix < b.Count - prefix && a[a.Count - 1 - suffix] == b[b.Count - 1 - suffix])
        {
            suffix++;
        }

        var aEdit = a.GetRange(prefix, a.Count - prefix - suffix);
        var bEdit = b.GetRange(prefix, b.Count - prefix - suffix);
        if ((aEdit.Count == 0 && bEdit.Count == 0) || prefix + suffix < 2)
        {
            return null;
        }

        if (aEdit.Count == bEdit.Count && aEdit.Count <= MaxSwapLength && !aEdit.SequenceEqual(bEdit)
            && aEdit.Order(StringComparer.Ordinal).SequenceEqual(bEdit.Order(StringComparer.Ordinal)))
        {
            return EntityOrder;
        }

        if (aEdit.Count > MaxEditLength || bEdit.Count > MaxEditLength)
        {
            return null;
        }

        return aEdit.TrueForAll(_lexicon.EditFillers.Contains) && bEdit.TrueForAll(_lexicon.EditFillers.Contains) ? null : Entity;
    }

    // The names of a prompt: a word capitalised only because it starts a sentence counts when either prompt writes it
    // with a capital elsewhere.
    private static List<EntityFact> Names(PromptFacts facts, PromptFacts other)
    {
        var names = new List<EntityFact>(facts.Entities.Count);
        foreach (var entity in facts.Entities)
        {
            if (!entity.Maybe || IsDefiniteName(entity.Name, facts) || IsDefiniteName(entity.Name, other))
            {
                names.Add(entity);
            }
        }

        return names;
    }

    private static bool IsDefiniteName(string name, PromptFacts facts)
    {
        foreach (var entity in facts.Entities)
        {
            if (!entity.Maybe && string.Equals(entity.Name, name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    // Every name of one prompt is in the other, as a name or as plain words ("Python" and "python" agree).
    private static bool Covers(List<EntityFact> names, PromptFacts other)
    {
        foreach (var entity in names)
        {
            foreach (var word in entity.Name.Split(' '))
            {
                if (!other.Words.Contains(word))
                {
                    return false;
                }
            }
        }

        return true;
    }

    // "From A to B" never answers "from B to A": a word that is where something comes from on one side and where it
    // goes on the other, a name with another direction word, or names in another order where direction words do not
    // explain it.
    private static bool SameDirection(PromptFacts a, PromptFacts b, List<EntityFact> aNames, List<EntityFact> bNames)
    {
        foreach (var (isSource, word) in a.Directions)
        {
            foreach (var (otherIsSource, otherWord) in b.Directions)
            {
                if (isSource != otherIsSource && string.Equals(word, otherWord, StringComparison.Ordinal)
                    && !b.Directions.Contains((isSource, word)))
                {
                    return false;
                }
            }
        }

        var aShared = Shared(aNames, bNames);
        var bShared = Shared(bNames, aNames);
        var rolesAgree = true;
        for (var i = 0; i < aShared.Count; i++)
        {
            var other = bShared.Find(e => e.Name == aShared[i].Name);
            if (aShared[i].Role is { } role && other.Role is { } otherRole && role != otherRole)
            {
                return false;
            }

            rolesAgree &= aShared[i].Role == other.Role;
        }

        if (rolesAgree)
        {
            return true;
        }

        for (var i = 0; i < aShared.Count; i++)
        {
            if (aShared[i].Name != bShared[i].Name)
            {
                return false;
            }
        }

        return true;
    }

    // The names of one list also in the other, first occurrence only, in order.
    private static List<EntityFact> Shared(List<EntityFact> names, List<EntityFact> other)
    {
        var shared = new List<EntityFact>(names.Count);
        foreach (var entity in names)
        {
            if (!shared.Exists(e => e.Name == entity.Name) && other.Exists(e => e.Name == entity.Name))
            {
                shared.Add(entity);
            }
        }

        return shared;
    }
}
