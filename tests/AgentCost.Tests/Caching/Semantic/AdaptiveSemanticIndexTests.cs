using AgentCost.Caching;

namespace AgentCost.Tests.Caching.Semantic;

public sealed class AdaptiveSemanticIndexTests
{
    private const int Dimensions = 32;

    [Fact]
    public void Scans_while_small_moves_to_the_graph_past_the_switch_over_and_back_below_a_quarter_of_it()
    {
        using var index = new AdaptiveSemanticIndex(Dimensions, switchOverCount: 100);
        var vectors = new SemanticIndexTestVectors(Dimensions, seed: 21);
        var stored = new Dictionary<long, float[]>();
        for (var id = 0; id < 100; id++)
        {
            stored[id] = vectors.Prompt();
            index.Add(id, stored[id]);
        }

        Assert.False(index.IsApproximate);
        stored[100] = vectors.Prompt();
        index.Add(100, stored[100]);
        Assert.True(index.IsApproximate);
        Assert.Equal(101, index.Count);
        SemanticIndexContractTests.AssertEachFoundByItsOwnVector(index, stored);

        // Down to 25 it stays a graph; below a quarter of the switch-over it scans again.
        for (var id = 0; id < 76; id++)
        {
            Assert.True(index.Remove(id));
            stored.Remove(id);
        }

        Assert.True(index.IsApproximate);
        Assert.True(index.Remove(76));
        stored.Remove(76);
        Assert.False(index.IsApproximate);
        Assert.Equal(24, index.Count);
        SemanticIndexContractTests.AssertEachFoundByItsOwnVector(index, stored);
    }

    [Fact]
    public void A_switch_over_of_zero_is_a_graph_from_the_first_entry()
    {
        using var index = new AdaptiveSemanticIndex(Dimensions, switchOverCount: 0);
        Assert.False(index.IsApproximate);
        index.Add(1, new SemanticIndexTestVectors(Dimensions, seed: 22).Prompt());
        Assert.True(index.IsApproximate);
        Assert.Equal(Dimensions, index.Dimensions);
    }

    [Fact]
    public void Refuses_a_negative_switch_over_or_no_dimensions()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdaptiveSemanticIndex(Dimensions, switchOverCount: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdaptiveSemanticIndex(0));
    }
}
