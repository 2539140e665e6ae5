using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace AgentCost.Routing;

/// <summary>A labelled example for the learned classifier: a prompt and the tier it should go to.</summary>
/// <param name="Prompt">The prompt text.</param>
/// <param name="Tier">The tier name.</param>
public sealed record LabelledPrompt(string Prompt, string Tier);

/// <summary>
/// A classifier learned from the application's own labelled prompts: each prompt is embedded with an
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>, its <c>k</c> nearest examples (cosine similarity) vote with
/// their similarity, and the vote's weighted mean tier is the score. The strongest tier starts at a threshold that
/// <see cref="CalibrateAsync"/> sets so that a target share of calls goes to it; below the threshold the score is
/// rounded to the nearest weaker tier.
/// </summary>
/// <remarks>Classification costs one embedding call per route (the route decides once).</remarks>
public sealed class NearestNeighbourDifficultyClassifier : IDifficultyClassifier
{
    private readonly IEmbeddingGenerator<string, Embedding<float>> _generator;
    private readonly int _neighbours;
    private float[][] _vectors = [];
    private int[] _labels = [];
    private string[] _tiers = [];

    /// <summary>Creates an untrained classifier.</summary>
    /// <param name="generator">Embeds prompts.</param>
    /// <param name="neighbours">How many nearest examples vote; default 5.</param>
    public NearestNeighbourDifficultyClassifier(IEmbeddingGenerator<string, Embedding<float>> generator, int neighbours = 5)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(neighbours);
        _generator = generator;
        _neighbours = neighbours;
    }

    /// <summary>The score at or above which a prompt goes to the strongest tier; <see cref="CalibrateAsync"/> sets it.</summary>
    public double StrongestThreshold { get; set; } = double.NaN;

    /// <summary>The tiers the classifier was trained with, weakest first.</summary>
    public IReadOnlyList<string> Tiers => _tiers;

    /// <summary>Embeds and stores <paramref name="examples"/>; replaces earlier training.</summary>
    /// <param name="examples">Labelled prompts.</param>
    /// <param name="tiers">The tier names, weakest first; every example's tier must be one of them.</param>
    /// <param name="cancellationToken">Cancels the embedding call.</param>
    public async Task TrainAsync(IEnumerable<LabelledPrompt> examples, IReadOnlyList<string> tiers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(tiers);
        var list = examples.ToList();
        if (list.Count == 0 || tiers.Count == 0)
        {
            throw new ArgumentException("Training needs at least one example and one tier.", nameof(examples));
        }

        var labels = new int[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            labels[i] = IndexOf(tiers, list[i].Tier);
            if (labels[i] < 0)
            {
                throw new ArgumentException($"Example {i} is labelled '{list[i].Tier}', which is not one of the tiers ({string.Join(", ", tiers)}).", nameof(examples));
            }
        }

        var vectors = await EmbedAsync(list.Select(static e => e.Prompt), cancellationToken).ConfigureAwait(false);
        _tiers = [.. tiers];
        _labels = labels;
        _vectors = vectors;
        StrongestThreshold = tiers.Count - 1.5;
    }

    /// <summary>
    /// Sets <see cref="StrongestThreshold"/> so that <paramref name="targetStrongestShare"/> of <paramref name="prompts"/>
    /// (or, without prompts, of the training examples, each scored without itself) score at or above it, as nearly as
    /// ties allow (tied scores always fall on the same side).
    /// </summary>
    /// <param name="targetStrongestShare">The share of calls the strongest tier should get, between 0 and 1.</param>
    /// <param name="prompts">Representative unlabelled prompts; <see langword="null"/> for leave-one-out on the training set.</param>
    /// <param name="cancellationToken">Cancels the embedding call.</param>
    /// <returns>The threshold.</returns>
    public async Task<double> CalibrateAsync(double targetStrongestShare, IEnumerable<string>? prompts = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(targetStrongestShare, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(targetStrongestShare, 1);
        EnsureTrained();
        double[] scores;
        if (prompts is null)
        {
            scores = [.. _vectors.Select((vector, i) => Score(vector, exclude: i))];
        }
        else
        {
            var vectors = await EmbedAsync(prompts, cancellationToken).ConfigureAwait(false);
            scores = [.. vectors.Select(v => Score(v, exclude: -1))];
        }

        Array.Sort(scores);
        Array.Reverse(scores);
        // Cut between two different scores, at the cut nearest the target count: tied scores go to the same tier.
        var target = targetStrongestShare * scores.Length;
        var cut = 0;
        for (var j = 1; j <= scores.Length; j++)
        {
            if ((j == scores.Length || scores[j - 1] > scores[j]) && Math.Abs(j - target) < Math.Abs(cut - target))
            {
                cut = j;
            }
        }

        StrongestThreshold = cut == 0
            ? double.PositiveInfinity
            : cut == scores.Length ? double.NegativeInfinity : (scores[cut - 1] + scores[cut]) / 2;
        return StrongestThreshold;
    }

    /// <inheritdoc />
    public async ValueTask<DifficultyAssessment> ClassifyAsync(string prompt, IReadOnlyList<string> tiers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(tiers);
        EnsureTrained();
        var vector = (await EmbedAsync([prompt], cancellationToken).ConfigureAwait(false))[0];
        var score = Score(vector, exclude: -1);
        var trained = TierOf(score);
        var index = IndexOf(tiers, _tiers[trained]);
        return new DifficultyAssessment(index < 0 ? Math.Min(trained, tiers.Count - 1) : index, score);
    }

    /// <summary>The trained tier (index into <see cref="Tiers"/>) a score maps to.</summary>
    /// <param name="score">A score.</param>
    public int TierOf(double score)
    {
        var strongest = _tiers.Length - 1;
        if (score >= StrongestThreshold)
        {
            return strongest;
        }

        return Math.Clamp((int)Math.Round(score, MidpointRounding.AwayFromZero), 0, Math.Max(0, strongest - 1));
    }

    private double Score(float[] vector, int exclude)
    {
        var best = new List<(float Similarity, int Label)>(_neighbours + 1);
        for (var i = 0; i < _vectors.Length; i++)
        {
            if (i == exclude)
            {
                continue;
            }

            var similarity = TensorPrimitives.CosineSimilarity(vector, _vectors[i]);
            if (best.Count < _neighbours || similarity > best[^1].Similarity)
            {
                var at = best.FindIndex(b => similarity > b.Similarity);
                best.Insert(at < 0 ? best.Count : at, (similarity, _labels[i]));
                if (best.Count > _neighbours)
                {
                    best.RemoveAt(best.Count - 1);
                }
            }
        }

        double weight = 0, sum = 0;
        foreach (var (similarity, label) in best)
        {
            var w = Math.Max(similarity, 1e-6f);
            weight += w;
            sum += w * label;
        }

        return weight == 0 ? 0 : sum / weight;
    }

    private async Task<float[][]> EmbedAsync(IEnumerable<string> texts, CancellationToken cancellationToken)
    {
        var embeddings = await _generator.GenerateAsync(texts, cancellationToken: cancellationToken).ConfigureAwait(false);
        return [.. embeddings.Select(static e => e.Vector.ToArray())];
    }

    private void EnsureTrained()
    {
        if (_vectors.Length == 0)
        {
            throw new InvalidOperationException("The classifier has no examples: call TrainAsync first.");
        }
    }

    private static int IndexOf(IReadOnlyList<string> tiers, string tier)
    {
        for (var i = 0; i < tiers.Count; i++)
        {
            if (string.Equals(tiers[i], tier, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}
