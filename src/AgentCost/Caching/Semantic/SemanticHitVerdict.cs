namespace AgentCost.Caching;

/// <summary>What an <see cref="ISemanticHitVerifier"/> decided about a candidate.</summary>
public readonly record struct SemanticHitVerdict
{
    private SemanticHitVerdict(bool isAccepted, string? reason)
    {
        IsAccepted = isAccepted;
        Reason = reason;
    }

    /// <summary>The candidate may be served.</summary>
    public static SemanticHitVerdict Accept { get; } = new(true, null);

    /// <summary>Whether the candidate may be served.</summary>
    public bool IsAccepted { get; }

    /// <summary>
    /// Why the candidate was rejected: a short, stable, lower-case name such as <c>number</c>, <c>negation</c> or
    /// <c>entity_order</c>, logged and counted, never the prompts' text. <see langword="null"/> when accepted.
    /// </summary>
    public string? Reason { get; }

    /// <summary>Rejects the candidate.</summary>
    /// <param name="reason">A short, stable name of the reason, without any of the prompts' text.</param>
    /// <exception cref="ArgumentException"><paramref name="reason"/> is null, empty or white space.</exception>
    public static SemanticHitVerdict Reject(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new SemanticHitVerdict(false, reason);
    }
}
