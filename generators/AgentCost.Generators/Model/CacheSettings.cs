namespace AgentCost.Generators.Model;

/// <summary>The values of a method's <c>[Cached]</c> attribute.</summary>
internal sealed record CacheSettings(int TtlSeconds, int Version);
