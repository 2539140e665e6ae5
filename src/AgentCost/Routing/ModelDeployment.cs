using AgentCost.RateLimiting;

namespace AgentCost.Routing;

/// <summary>One configured deployment at run time: its model, client key, rate limiter and cooldown.</summary>
public sealed class ModelDeployment
{
    private long _availableAtTicks;

    internal ModelDeployment(string tier, int tierIndex, int index, ModelDeploymentOptions options, DeploymentRateLimiter? limiter)
    {
        Tier = tier;
        TierIndex = tierIndex;
        Index = index;
        Model = options.Model;
        ClientKey = options.ClientKey;
        Name = $"{tier}/{options.ClientKey ?? options.Model}";
        RateLimiter = limiter;
    }

    /// <summary>The deployment's name: <c>tier/clientKey</c>, or <c>tier/model</c> without a client key.</summary>
    public string Name { get; }

    /// <summary>The tier it belongs to.</summary>
    public string Tier { get; }

    /// <summary>The tier's strength: its index, weakest first.</summary>
    public int TierIndex { get; }

    /// <summary>Its position in the tier.</summary>
    public int Index { get; }

    /// <summary>The model id.</summary>
    public string Model { get; }

    /// <summary>The keyed <c>IChatClient</c> that serves it, or <see langword="null"/> for the wrapped client.</summary>
    public string? ClientKey { get; }

    /// <summary>Its rate limits, or <see langword="null"/>.</summary>
    public DeploymentRateLimiter? RateLimiter { get; }

    /// <summary>Whether it is cooling down (after a failure) or paused (after a <c>Retry-After</c>) at <paramref name="now"/>.</summary>
    /// <param name="now">The time.</param>
    public bool IsCoolingDown(DateTimeOffset now) => now.UtcTicks < Interlocked.Read(ref _availableAtTicks);

    /// <summary>When it may be tried again.</summary>
    public DateTimeOffset AvailableAt => new(Interlocked.Read(ref _availableAtTicks), TimeSpan.Zero);

    internal void CoolDownUntil(DateTimeOffset until)
    {
        var ticks = until.UtcTicks;
        var current = Interlocked.Read(ref _availableAtTicks);
        while (ticks > current)
        {
            var seen = Interlocked.CompareExchange(ref _availableAtTicks, ticks, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
