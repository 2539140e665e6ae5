namespace AgentCost.Caching;

/// <summary>A cached entry the semantic cache found close enough to a new prompt, given to an <see cref="ISemanticHitVerifier"/>.</summary>
/// <param name="Prompt">The new prompt: the text matched semantically.</param>
/// <param name="CachedPrompt">The prompt the cached entry was made for.</param>
/// <param name="Similarity">The cosine similarity of their embeddings.</param>
public readonly record struct SemanticHitCandidate(string Prompt, string CachedPrompt, float Similarity);
