namespace AgentCost;

/// <summary>A model call could not get a deployment's rate limit within the wait bound, and had no deployment to fall back to.</summary>
public sealed class RateLimitExceededException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="deployment">The deployment.</param>
    /// <param name="limit">The limit: <c>RequestsPerMinute</c>, <c>TokensPerMinute</c> or <c>Retry-After</c>.</param>
    /// <param name="limitValue">The limit's value (per minute), or 0 for a provider pause.</param>
    /// <param name="requested">What the call asked for: 1 request, or its tokens.</param>
    /// <param name="reason">Why it was refused: the wait timed out, the queue was full, the deployment is paused.</param>
    public RateLimitExceededException(string deployment, string limit, int limitValue, int requested, string reason)
        : base(limitValue > 0
            ? $"The rate limit {limit} ({limitValue:N0} per minute) of deployment '{deployment}' refused a call asking for {requested:N0}: {reason}."
            : $"Deployment '{deployment}' refused a call asking for {requested:N0}: {reason}.")
    {
        Deployment = deployment;
        Limit = limit;
        LimitValue = limitValue;
        Requested = requested;
        Reason = reason;
    }

    /// <summary>The deployment.</summary>
    public string Deployment { get; }

    /// <summary>The limit: <c>RequestsPerMinute</c>, <c>TokensPerMinute</c> or <c>Retry-After</c>.</summary>
    public string Limit { get; }

    /// <summary>The limit's value per minute (0 for a provider pause).</summary>
    public int LimitValue { get; }

    /// <summary>What the call asked for.</summary>
    public int Requested { get; }

    /// <summary>Why the call was refused.</summary>
    public string Reason { get; }
}
