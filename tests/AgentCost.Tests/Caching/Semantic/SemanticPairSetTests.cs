namespace AgentCost.Tests.Caching.Semantic;

public class SemanticPairSetTests
{
    private static readonly IReadOnlyList<LabelledPair> Pairs = SemanticPairSet.Load();

    [Fact]
    public void Holds_enough_paraphrases_and_hard_negatives_over_enough_domains()
    {
        Assert.True(Pairs.Count(p => p.Same) >= 170, $"{Pairs.Count(p => p.Same)} paraphrase pairs");
        Assert.True(Pairs.Count(p => !p.Same) >= 170, $"{Pairs.Count(p => !p.Same)} hard negatives");
        Assert.True(Pairs.Select(p => p.Domain).Distinct().Count() >= 8);
    }

    [Fact]
    public void Every_kind_of_hard_negative_is_there_and_every_row_is_labelled()
    {
        string[] negatives = ["number", "negation", "quoted", "entity", "entity_order", "contrast"];
        Assert.All(negatives, kind => Assert.True(Pairs.Count(p => !p.Same && p.Kind == kind) >= 10, kind));
        Assert.All(Pairs, p => Assert.Contains(p.Kind, p.Same ? ["paraphrase", "paraphrase_details"] : negatives));
        Assert.All(Pairs, p => Assert.Contains(p.Part, new[] { "tune", "holdout1", "holdout2" }));
        Assert.All(Pairs, p => Assert.NotEqual(p.First, p.Second));
    }
}
