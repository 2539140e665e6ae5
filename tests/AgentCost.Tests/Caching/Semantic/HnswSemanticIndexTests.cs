using System.Numerics.Tensors;
using AgentCost.Caching;

namespace AgentCost.Tests.Caching.Semantic;

public sealed class HnswSemanticIndexTests
{
    [Fact]
    public void Quantised_lookups_report_the_exact_similarity_never_the_estimate()
    {
        using var index = new HnswSemanticIndex(64);
        var vectors = new SemanticIndexTestVectors(64, seed: 31);
        var stored = Enumerable.Range(0, 500).Select(_ => vectors.Prompt()).ToArray();
        for (var id = 0; id < stored.Length; id++)
        {
            index.Add(id, stored[id]);
        }

        var matches = new SemanticMatch[20];
        for (var q = 0; q < 50; q++)
        {
            var query = vectors.Paraphrase(stored[q]);
            var found = index.Search(query, matches);
            Assert.Equal(20, found);
            Assert.All(matches, match => Assert.Equal(TensorPrimitives.Dot(query, stored[match.Id]), match.Similarity));
        }
    }

    [Fact]
    public void Codes_multiply_exactly_at_every_length_and_encode_within_half_a_step()
    {
        var random = new Random(32);
        for (var length = 0; length <= 100; length++)
        {
            var x = new sbyte[length];
            var y = new sbyte[length];
            var expected = 0;
            for (var i = 0; i < length; i++)
            {
                // The extremes too: 127 x 127 in every lane is the largest sum a 16-bit pair must hold.
                x[i] = (sbyte)(i % 7 == 0 ? 127 : random.Next(-127, 128));
                y[i] = (sbyte)(i % 7 == 0 ? (i % 2 == 0 ? 127 : -127) : random.Next(-127, 128));
                expected += x[i] * y[i];
            }

            Assert.Equal(expected, SemanticVectorCodes.Dot(x, y));
        }

        var vector = new SemanticIndexTestVectors(384, seed: 33).Prompt();
        var codes = new sbyte[vector.Length];
        var scale = SemanticVectorCodes.Encode(vector, codes);
        Assert.Equal(TensorPrimitives.MaxMagnitude(vector), scale * 127, 1e-6f);
        for (var i = 0; i < vector.Length; i++)
        {
            Assert.InRange(vector[i] - (codes[i] * scale), -scale / 2 * 1.0001f, scale / 2 * 1.0001f);
        }

        Assert.Equal(0f, SemanticVectorCodes.Encode(new float[8], codes.AsSpan(0, 8)));
    }

    [Fact]
    public void Refuses_settings_outside_their_ranges()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HnswSemanticIndex(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HnswSemanticIndex(8, maxConnections: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HnswSemanticIndex(8, maxConnections: 65));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HnswSemanticIndex(8, maxConnections: 16, constructionBreadth: 15));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HnswSemanticIndex(8, searchBreadth: 0));
    }
}
