namespace ResearchAgent;

/// <summary>A small local library of passages, searched by word overlap.</summary>
public sealed class DocumentLibrary
{
    private static readonly string[] s_passages =
    [
        "A result cache returns the stored answer for a repeated request, so the model or tool is not paid for twice.",
        "Cache entries expire after a time to live, after which the next request recomputes and stores a fresh answer.",
        "A stampede guard makes concurrent identical requests wait for one computation instead of each paying for it.",
        "A token budget caps the tokens one agent run may consume, stopping a runaway loop before it burns money.",
        "A final-answer reserve keeps part of a token budget for the closing synthesis so the agent ends gracefully.",
        "An agent loop that calls a model with no step limit or budget can run until the provider's bill stops it.",
    ];

    public string Search(string query)
    {
        var terms = query.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var best = s_passages
            .Select(passage => (passage, score: terms.Count(term => passage.Contains(term, StringComparison.OrdinalIgnoreCase))))
            .OrderByDescending(match => match.score)
            .First();
        return best.score == 0 ? "No passage mentions this." : best.passage;
    }
}
