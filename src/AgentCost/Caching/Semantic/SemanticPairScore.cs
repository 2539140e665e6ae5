namespace AgentCost.Caching;

/// <summary>How one labelled pair scored in a calibration run.</summary>
/// <param name="Pair">The pair.</param>
/// <param name="Similarity">The cosine similarity of the two prompts' embeddings.</param>
/// <param name="Verdict">The verifier's verdict on the pair as a candidate; <see langword="null"/> when there is no
/// verifier or the similarity is below every threshold measured, so it was not asked.</param>
public sealed record SemanticPairScore(SemanticPair Pair, float Similarity, SemanticHitVerdict? Verdict)
{
    /// <summary>Whether a semantic cache at <paramref name="threshold"/> would serve the first prompt's answer for the second.</summary>
    /// <param name="threshold">The similarity threshold; below the lowest threshold measured the verifier was not asked, so
    /// the answer is the embedder's alone.</param>
    /// <returns>Whether the similarity is at or above <paramref name="threshold"/> and the verifier, if asked, accepted.</returns>
    public bool IsServedAt(float threshold) => Similarity >= threshold && Verdict is not { IsAccepted: false };
}
