namespace AgentCost.Caching;

/// <summary>
/// Settings of <see cref="SemanticHitRules"/>, the built-in guard of the semantic cache: which checks run and the words
/// it knows besides its own.
/// </summary>
/// <remarks>
/// Every check is on by default. A check is turned off only when a team's prompts make it reject too much and its
/// answers do not depend on what it compares; each one removed lets more wrong answers through
/// (docs/semantic-cache.md, "The false-hit guard").
/// </remarks>
public sealed class SemanticHitRulesOptions
{
    /// <summary>
    /// Whether the two prompts must hold the same numbers with the same units: amounts, percentages, dates, times,
    /// versions, ids and words with digits in them. Default <see langword="true"/>.
    /// </summary>
    public bool CheckNumbers { get; set; } = true;

    /// <summary>Whether the two prompts must hold the same number of negations (not, no, never, n't, without, ...). Default <see langword="true"/>.</summary>
    public bool CheckNegation { get; set; } = true;

    /// <summary>Whether the two prompts must quote the same strings, exactly and in the same order. Default <see langword="true"/>.</summary>
    public bool CheckQuotedText { get; set; } = true;

    /// <summary>
    /// Whether the two prompts must name the same entities (capitalised names, acronyms, code identifiers and
    /// <see cref="AdditionalEntities"/>) with the same direction: "from A to B" never answers "from B to A".
    /// Default <see langword="true"/>.
    /// </summary>
    public bool CheckEntities { get; set; } = true;

    /// <summary>
    /// Whether a word of a contrast pair (enable/disable, over/under, import/export, ...) on one side must be on the
    /// other side too. Default <see langword="true"/>.
    /// </summary>
    public bool CheckContrast { get; set; } = true;

    /// <summary>
    /// Contrast pairs besides the built-in ones, a word and its marked opposite (for example <c>approve</c> and
    /// <c>disapprove</c>), compared without regard to case; their plural and verb forms (-s, -es, -ed, -ing) count too.
    /// A prompt with the word and another with the opposite never match; the opposite on one prompt only rejects too,
    /// while the word on one prompt only does not (it is as often left out of a paraphrase).
    /// </summary>
    public IDictionary<string, string> AdditionalContrastPairs { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Words that negate besides the built-in ones (for example <c>lacking</c>), compared without regard to case.</summary>
    public IList<string> AdditionalNegationWords { get; } = [];

    /// <summary>
    /// Names that are entities even when written in lower case (products, places, teams: <c>postgres</c>,
    /// <c>kubernetes</c>), compared without regard to case.
    /// </summary>
    public IList<string> AdditionalEntities { get; } = [];
}
