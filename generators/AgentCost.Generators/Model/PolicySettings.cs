namespace AgentCost.Generators.Model;

/// <summary>The values of a method's <c>[TokenBudget]</c> attribute; <see langword="null"/> where the attribute leaves the default.</summary>
internal sealed record BudgetSettings(int TotalTokens, int? FinalAnswerReserve, int? MinStepTokens, int? OverflowPolicy);

/// <summary>The values of a method's <c>[AgentTask]</c> attribute: the task's name, or null for the method's full name.</summary>
internal sealed record TaskSettings(string? Name);

/// <summary>
/// The values of a method's <c>[RouteModel]</c> attribute, and which parameter is its prompt: the one marked
/// <c>[Prompt]</c>, else the only <c>string</c> or chat-message-sequence parameter; -1 for none (or an ambiguous choice,
/// which an analyzer reports).
/// </summary>
internal sealed record RouteSettings(string? Tier, string? MinTier, string? MaxTier, int PromptParameter);

/// <summary>
/// The values of a method's <c>[SemanticCached]</c> attribute, and which parameter is its prompt (a <c>string</c>, by the
/// rule of <c>[RouteModel]</c>): the text matched semantically, while every other key parameter is matched exactly.
/// </summary>
internal sealed record SemanticCacheSettings(int TtlSeconds, int Version, double Threshold, int PromptParameter);

/// <summary>The AgentCost policies a method's attributes set.</summary>
internal sealed record Policies(
    CacheSettings? Cache,
    BudgetSettings? Budget,
    TaskSettings? Task = null,
    RouteSettings? Route = null,
    SemanticCacheSettings? SemanticCache = null);
