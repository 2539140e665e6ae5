namespace AgentCost.Spending;

/// <summary>What a ledger row records.</summary>
public enum SpendRecordKind
{
    /// <summary>A settled model call: its tokens and cost.</summary>
    ModelCall,

    /// <summary>A <c>[Cached]</c> hit that replaced model calls: <see cref="SpendRecord.Saved"/> is what they cost on the miss.</summary>
    CacheHit,

    /// <summary>
    /// A semantic cache hit that replaced a model call: <see cref="SpendRecord.Saved"/> is what the call that made the
    /// entry cost.
    /// </summary>
    SemanticCacheHit,
}

/// <summary>One row of the spend ledger.</summary>
public sealed record SpendRecord
{
    /// <summary>When the call started (its reservation), which decides the day and month it is charged to.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>What the row records.</summary>
    public SpendRecordKind Kind { get; init; }

    /// <summary>The model id as the request named it (the response's, when the request named none).</summary>
    public string? Model { get; init; }

    /// <summary>The agent method the call was made in (<c>Namespace.Type.Method</c>), or <see langword="null"/>.</summary>
    public string? Method { get; init; }

    /// <summary>The tenant of the call (<see cref="AgentCostContext.Tenant"/>), or <see langword="null"/>.</summary>
    public string? Tenant { get; init; }

    /// <summary>The name of the innermost task the call was made in (<see cref="AgentTask"/>), or <see langword="null"/>.</summary>
    public string? Task { get; init; }

    /// <summary>The tokens, split by how they are billed.</summary>
    public SpendTokens Tokens { get; init; }

    /// <summary>What the call cost, in US dollars; 0 when <see cref="IsUnpriced"/>.</summary>
    public decimal Cost { get; init; }

    /// <summary>
    /// What was saved, in US dollars: for a model call, the provider's prompt-cache discount; for a cache hit, what the
    /// model calls of the miss that produced the entry cost.
    /// </summary>
    public decimal Saved { get; init; }

    /// <summary>Whether the model had no price, so <see cref="Cost"/> is unknown.</summary>
    public bool IsUnpriced { get; init; }

    /// <summary>Whether the tokens are a local count rather than the provider's report.</summary>
    public bool IsEstimated { get; init; }
}

/// <summary>How a task ended.</summary>
public enum AgentTaskOutcome
{
    /// <summary>Still running.</summary>
    Running,

    /// <summary>Marked succeeded.</summary>
    Succeeded,

    /// <summary>Marked failed, or ended without being marked.</summary>
    Failed,
}

/// <summary>A ledger row for an ended <see cref="AgentTask"/>.</summary>
/// <param name="Id">The task's id.</param>
/// <param name="Name">The task's name; costs per successful task are reported per name.</param>
/// <param name="Tenant">The tenant the task ran for, or <see langword="null"/>.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="EndedAt">When it ended.</param>
/// <param name="Succeeded">Whether it succeeded.</param>
/// <param name="Cost">What its model calls (and those of tasks inside it) cost, in US dollars.</param>
/// <param name="Calls">How many model calls it made.</param>
public sealed record TaskRecord(
    Guid Id, string Name, string? Tenant, DateTimeOffset StartedAt, DateTimeOffset EndedAt, bool Succeeded, decimal Cost, long Calls);

/// <summary>The spend of one model, method and tenant over a time range, as a ledger sums it.</summary>
/// <param name="Model">The model, or <see langword="null"/>.</param>
/// <param name="Method">The agent method, or <see langword="null"/>.</param>
/// <param name="Tenant">The tenant, or <see langword="null"/>.</param>
/// <param name="Calls">Model calls.</param>
/// <param name="Cost">Their cost, in US dollars.</param>
public sealed record SpendTotal(string? Model, string? Method, string? Tenant, long Calls, decimal Cost);
