using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace AgentCost.Caching;

/// <summary>
/// Measures, on pairs of prompts labelled same or different, what a semantic cache would serve at each threshold:
/// precision (how many hits are right answers), recall (how many paraphrases are caught) and the counts, and
/// recommends the lowest threshold that keeps wrong answers as rare as a target. This is how a team tunes
/// <see cref="SemanticCacheOptions.Threshold"/> on its own traffic, or for an embedder of its own.
/// </summary>
/// <remarks>
/// Each distinct prompt is embedded once, in batches. With a verifier, each pair at or above the lowest threshold is
/// given to it once as a candidate (the second prompt new, the first cached), so the results are those of the embedder
/// and its guard together; without one, of the embedder alone. A verifier's exception rejects the candidate, as in the
/// cache, and is counted in <see cref="SemanticCalibrationReport.VerifierErrors"/>.
/// </remarks>
public sealed class SemanticCacheCalibrator
{
    private readonly IEmbeddingGenerator<string, Embedding<float>> _generator;
    private readonly ISemanticHitVerifier? _verifier;

    /// <summary>Creates a calibrator.</summary>
    /// <param name="generator">The embedder the cache uses.</param>
    /// <param name="verifier">The guard the cache uses, to measure the two together; <see langword="null"/> to measure the embedder alone.</param>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> is null.</exception>
    public SemanticCacheCalibrator(IEmbeddingGenerator<string, Embedding<float>> generator, ISemanticHitVerifier? verifier = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        _generator = generator;
        _verifier = verifier;
    }

    /// <summary>Embeds the pairs, asks the verifier, and reports every threshold.</summary>
    /// <param name="pairs">The labelled pairs; at least one. A pair whose two prompts came before, in either order, with the same label is counted once.</param>
    /// <param name="options">The thresholds, the target precision and the batch size; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the embedding and verifier calls.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pairs"/> is null.</exception>
    /// <exception cref="ArgumentException">There are no pairs; a pair or one of its prompts is null; the same two prompts are labelled both same and different; or there are no thresholds.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A threshold or the target precision is not in (0, 1], or the batch size is not positive.</exception>
    /// <exception cref="InvalidOperationException">The embedder returned a different number of embeddings than texts, or embeddings of different or zero lengths.</exception>
    public async Task<SemanticCalibrationReport> CalibrateAsync(IEnumerable<SemanticPair> pairs, SemanticCalibrationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        options ??= new SemanticCalibrationOptions();
        var thresholds = ReadThresholds(options.Thresholds);
        if (!(options.TargetPrecision > 0 && options.TargetPrecision <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options.TargetPrecision), options.TargetPrecision, "The target precision must be in (0, 1].");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize, nameof(options.BatchSize));

        var (distinct, duplicates) = Deduplicate(pairs);
        var texts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var pair in distinct)
        {
            texts.TryAdd(pair.First, texts.Count);
            texts.TryAdd(pair.Second, texts.Count);
        }

        var vectors = await EmbedAsync([.. texts.Keys], options.BatchSize, cancellationToken).ConfigureAwait(false);

        var scores = new SemanticPairScore[distinct.Count];
        var verifierErrors = 0;
        for (var i = 0; i < distinct.Count; i++)
        {
            var pair = distinct[i];
            var similarity = Cosine(vectors[texts[pair.First]], vectors[texts[pair.Second]]);
            SemanticHitVerdict? verdict = null;
            if (_verifier is not null && similarity >= thresholds[0])
            {
                try
                {
                    verdict = await _verifier.VerifyAsync(new SemanticHitCandidate(pair.Second, pair.First, similarity), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    verdict = SemanticHitVerdict.Reject("verifier_error");
                    verifierErrors++;
                }
            }

            scores[i] = new SemanticPairScore(pair, similarity, verdict);
        }

        var results = new SemanticThresholdResult[thresholds.Length];
        for (var t = 0; t < thresholds.Length; t++)
        {
            int truePositives = 0, falsePositives = 0, falseNegatives = 0, trueNegatives = 0;
            foreach (var score in scores)
            {
                var served = score.IsServedAt(thresholds[t]);
                _ = (score.Pair.IsSame, served) switch
                {
                    (true, true) => truePositives++,
                    (false, true) => falsePositives++,
                    (true, false) => falseNegatives++,
                    (false, false) => trueNegatives++,
                };
            }

            results[t] = new SemanticThresholdResult(thresholds[t], truePositives, falsePositives, falseNegatives, trueNegatives);
        }

        return new SemanticCalibrationReport(results, scores, options.TargetPrecision, _verifier is not null, duplicates, verifierErrors);
    }

    private static float[] ReadThresholds(IReadOnlyList<float>? thresholds)
    {
        if (thresholds is null)
        {
            // Hundredths from integers, so that 0.97 is the float nearest 0.97 and not a sum of steps.
            var defaults = new float[20];
            for (var i = 0; i < defaults.Length; i++)
            {
                defaults[i] = (80 + i) / 100f;
            }

            return defaults;
        }

        if (thresholds.Count == 0)
        {
            throw new ArgumentException("At least one threshold is needed.", nameof(SemanticCalibrationOptions.Thresholds));
        }

        foreach (var threshold in thresholds)
        {
            if (!(threshold > 0 && threshold <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(SemanticCalibrationOptions.Thresholds), threshold, "Every threshold must be in (0, 1].");
            }
        }

        return [.. thresholds.Distinct().Order()];
    }

    private static (List<SemanticPair> Distinct, int Duplicates) Deduplicate(IEnumerable<SemanticPair> pairs)
    {
        var distinct = new List<SemanticPair>();
        var labels = new Dictionary<(string, string), bool>();
        var duplicates = 0;
        var index = 0;
        foreach (var pair in pairs)
        {
            if (pair?.First is null || pair.Second is null)
            {
                throw new ArgumentException($"The pair at index {index} is null or has a null prompt.", nameof(pairs));
            }

            // Similarity does not depend on the order, so the two orders are one question.
            var key = string.CompareOrdinal(pair.First, pair.Second) <= 0 ? (pair.First, pair.Second) : (pair.Second, pair.First);
            if (labels.TryGetValue(key, out var isSame))
            {
                if (isSame != pair.IsSame)
                {
                    throw new ArgumentException($"The pair at index {index} has the same prompts as an earlier pair but the other label.", nameof(pairs));
                }

                duplicates++;
            }
            else
            {
                labels.Add(key, pair.IsSame);
                distinct.Add(pair);
            }

            index++;
        }

        if (distinct.Count == 0)
        {
            throw new ArgumentException("Calibration needs at least one labelled pair.", nameof(pairs));
        }

        return (distinct, duplicates);
    }

    private async Task<ReadOnlyMemory<float>[]> EmbedAsync(string[] texts, int batchSize, CancellationToken cancellationToken)
    {
        var vectors = new ReadOnlyMemory<float>[texts.Length];
        for (var start = 0; start < texts.Length; start += batchSize)
        {
            var batch = texts[start..Math.Min(start + batchSize, texts.Length)];
            var embeddings = await _generator.GenerateAsync(batch, options: null, cancellationToken).ConfigureAwait(false);
            if (embeddings is null || embeddings.Count != batch.Length)
            {
                throw new InvalidOperationException($"The embedding generator returned {embeddings?.Count ?? 0} embeddings for {batch.Length} texts.");
            }

            for (var i = 0; i < batch.Length; i++)
            {
                var vector = embeddings[i]?.Vector ?? default;
                if (vector.IsEmpty || (start + i > 0 && vector.Length != vectors[0].Length))
                {
                    throw new InvalidOperationException($"The embedding generator returned an embedding of {vector.Length} dimensions where the first had {(start + i > 0 ? vectors[0].Length : 0)}; every embedding must have the same, non-zero length.");
                }

                vectors[start + i] = vector;
            }
        }

        return vectors;
    }

    private static float Cosine(ReadOnlyMemory<float> a, ReadOnlyMemory<float> b)
    {
        // A zero vector is like no other; the cache cannot normalise it either.
        var norms = TensorPrimitives.Norm(a.Span) * TensorPrimitives.Norm(b.Span);
        return norms > 0 ? TensorPrimitives.Dot(a.Span, b.Span) / norms : 0f;
    }
}
