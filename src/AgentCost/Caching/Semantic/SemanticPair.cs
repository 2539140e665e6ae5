namespace AgentCost.Caching;

/// <summary>
/// Two prompts labelled by whether one's answer may answer the other: the unit of a
/// <see cref="SemanticCacheCalibrator"/>'s labelled set.
/// </summary>
/// <param name="First">The prompt already cached.</param>
/// <param name="Second">The new prompt, looked up against <paramref name="First"/>.</param>
/// <param name="IsSame">Whether <paramref name="First"/>'s answer is a right answer to <paramref name="Second"/>: a
/// paraphrase is; a hard negative (another number, a negation, the places swapped) is not.</param>
/// <param name="Kind">An optional free-form name of what the pair tests (for example <c>paraphrase</c>,
/// <c>negation</c> or <c>entity_order</c>), so that the wrong hits of a report can be grouped by it.</param>
public sealed record SemanticPair(string First, string Second, bool IsSame, string? Kind = null);
