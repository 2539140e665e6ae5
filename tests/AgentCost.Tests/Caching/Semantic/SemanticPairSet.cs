namespace AgentCost.Tests.Caching.Semantic;

/// <summary>One labelled pair of Data/semantic-pairs.tsv.</summary>
/// <param name="First">One prompt.</param>
/// <param name="Second">The other prompt.</param>
/// <param name="Same">Whether one answer serves both.</param>
/// <param name="Kind">paraphrase or paraphrase_details for the same; number, negation, quoted, entity, entity_order or contrast for hard negatives.</param>
/// <param name="Domain">The subject area.</param>
/// <param name="Part">tune, holdout1 or holdout2: the order the parts were written in (docs/semantic-cache.md, "Measured").</param>
internal sealed record LabelledPair(string First, string Second, bool Same, string Kind, string Domain, string Part);

internal static class SemanticPairSet
{
    public static IReadOnlyList<LabelledPair> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Caching", "Semantic", "Data", "semantic-pairs.tsv");
        return File.ReadLines(path)
            .Skip(1)
            .Where(line => line.Length > 0)
            .Select(line => line.Split('\t'))
            .Select(cells => new LabelledPair(cells[0], cells[1], cells[2] == "same", cells[3], cells[4], cells[5]))
            .ToArray();
    }
}
