namespace AgentCost;

/// <summary>
/// Serves a method's result from the AgentCost semantic cache: a call whose prompt means the same as an earlier call's,
/// with every other argument equal, gets the earlier result instead of running the method again.
/// </summary>
/// <remarks>
/// <para>The prompt is the parameter marked <c>[Prompt]</c>, else the only <see cref="string"/> parameter, as for
/// <see cref="RouteModelAttribute"/>; it must be a <see cref="string"/>. It is compared by embedding, and a close
/// cached prompt is served only when the semantic cache's guard agrees that the two ask the same (numbers, negation,
/// named entities and their order, contrast words). Every other argument is part of an exact key, as for
/// <see cref="CachedAttribute"/>: <see cref="System.Threading.CancellationToken"/>s and parameters marked
/// <see cref="NotCacheKeyAttribute"/> are left out. The method's identity, <see cref="Version"/> and the tenant
/// (<see cref="AgentCostContext"/>) are part of that key too, so no call is ever served another's result.</para>
/// <para>Results are stored serialised with <c>System.Text.Json</c> (a hit returns a new copy) and exceptions are never
/// cached. Supported return types are <c>T</c>, <see cref="System.Threading.Tasks.Task{TResult}"/> and
/// <see cref="System.Threading.Tasks.ValueTask{TResult}"/>. The prompts are embedded with the
/// <c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c> registered with the host; without one, the runtime
/// logs a warning once and caches the method exactly, by its whole prompt text.</para>
/// <para>A method cannot be both <see cref="CachedAttribute"/> and <see cref="SemanticCachedAttribute"/> (COST011).</para>
/// </remarks>
/// <example>
/// <code>
/// [SemanticCached(TtlSeconds = 3600)]
/// public async Task&lt;string&gt; AnswerAsync([Prompt] string question, string locale, CancellationToken cancellationToken) { ... }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class SemanticCachedAttribute : Attribute
{
    /// <summary>
    /// How long a result stays cached, in seconds. <c>0</c> (the default) uses
    /// <c>AgentCost:SemanticCache:TimeToLive</c> from the settings. Negative values are invalid.
    /// </summary>
    public int TtlSeconds { get; set; }

    /// <summary>
    /// Part of every key of this method. Increase it when the method's behaviour changes so that results cached by the
    /// earlier version are no longer served.
    /// </summary>
    public int Version { get; set; }

    /// <summary>
    /// The cosine similarity from which a cached prompt is a candidate for this method, in (0, 1]. <c>0</c> (the
    /// default) uses <c>AgentCost:SemanticCache:Threshold</c>. Candidates above it are still checked by the guard.
    /// </summary>
    public double Threshold { get; set; }
}
