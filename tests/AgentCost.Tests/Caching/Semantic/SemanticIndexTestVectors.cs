using System.Numerics.Tensors;
using AgentCost.Caching;

namespace AgentCost.Tests.Caching.Semantic;

/// <summary>
/// Unit vectors shaped like sentence embeddings rather than uniform noise: a few domains, many topics in each, many
/// prompts on each topic. Seeded, so every run sees the same vectors.
/// </summary>
internal sealed class SemanticIndexTestVectors
{
    private readonly Random _random;
    private readonly int _dimensions;
    private readonly float[][] _topics;

    public SemanticIndexTestVectors(int dimensions, int seed, int domains = 24, int topics = 2_000)
    {
        _random = new Random(seed);
        _dimensions = dimensions;
        var domainCentres = new float[domains][];
        for (var i = 0; i < domains; i++)
        {
            domainCentres[i] = Uniform();
        }

        // A topic is a domain's centre moved by as much noise again (cosine about 0.7 to its domain).
        _topics = new float[topics][];
        for (var i = 0; i < topics; i++)
        {
            _topics[i] = Near(domainCentres[i % domains], noise: 1.0f);
        }
    }

    /// <summary>A point on the unit sphere with no structure: the hardest case for a graph index.</summary>
    public float[] Uniform()
    {
        var vector = new float[_dimensions];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = Gaussian();
        }

        return Normalise(vector);
    }

    /// <summary>A prompt on a random topic: cosine about 0.8 to its topic, 0.6 to other prompts on it.</summary>
    public float[] Prompt() => Near(_topics[_random.Next(_topics.Length)], noise: 0.75f);

    /// <summary>A paraphrase of <paramref name="prompt"/>: cosine about 0.95 to it.</summary>
    public float[] Paraphrase(float[] prompt) => Near(prompt, noise: 0.33f);

    /// <summary><paramref name="centre"/> plus Gaussian noise whose norm is about <paramref name="noise"/>, made unit length.</summary>
    public float[] Near(float[] centre, float noise)
    {
        var scale = noise / MathF.Sqrt(_dimensions);
        var vector = new float[_dimensions];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = centre[i] + (Gaussian() * scale);
        }

        return Normalise(vector);
    }

    public static float[] Normalise(float[] vector)
    {
        TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
        return vector;
    }

    /// <summary>
    /// The share of <paramref name="queries"/> whose best match in <paramref name="index"/> is the best of an exact scan
    /// over the same vectors (ties count: an equally similar vector is as good an answer).
    /// </summary>
    public static double RecallAtOne(ISemanticIndex index, ExactSemanticIndex exact, IReadOnlyList<float[]> queries)
    {
        var found = new SemanticMatch[1];
        var truth = new SemanticMatch[1];
        var right = 0;
        foreach (var query in queries)
        {
            exact.Search(query, truth);
            if (index.Search(query, found) == 1 && (found[0].Id == truth[0].Id || found[0].Similarity >= truth[0].Similarity))
            {
                right++;
            }
        }

        return (double)right / queries.Count;
    }

    private float Gaussian()
    {
        // Box-Muller.
        var u = 1 - _random.NextDouble();
        var v = _random.NextDouble();
        return (float)(Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v));
    }
}
