namespace AgentCost.Caching;

/// <summary>
/// Decides whether a cached entry whose prompt is close to a new prompt may answer it. The semantic cache asks it for
/// every candidate above its similarity threshold and serves the first one accepted.
/// </summary>
/// <remarks>
/// Embeddings put prompts that differ in what changes the answer (a number, a negation, the order of two places, one
/// word of a contrast pair) as close as real paraphrases, so no threshold alone keeps wrong answers out. The verifier
/// is that guard. Implementations are safe for concurrent use and should not throw: an exception is logged and the
/// candidate is rejected.
/// </remarks>
public interface ISemanticHitVerifier
{
    /// <summary>Decides whether <paramref name="candidate"/> may be served.</summary>
    /// <param name="candidate">The new prompt, the cached one and their similarity.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>The verdict, with the reason when rejected.</returns>
    ValueTask<SemanticHitVerdict> VerifyAsync(SemanticHitCandidate candidate, CancellationToken cancellationToken);
}
