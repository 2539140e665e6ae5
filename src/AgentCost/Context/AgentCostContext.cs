namespace AgentCost;

/// <summary>
/// What the application tells AgentCost about the work in progress, for the current asynchronous flow: today the
/// tenant it is done for. Set it once per request (in middleware, a message handler, ...); every model call and cache
/// lookup made in that flow is attributed to it.
/// </summary>
/// <remarks>
/// <para>The tenant is charged in spend reports and per-tenant budgets
/// (<c>AgentCost:Spending:Budgets:Tenants:&lt;tenant&gt;</c>), tags the <c>agentcost.cost</c> metric, and is part of
/// every <c>[Cached]</c> key, so that one tenant is never served another tenant's cached result.</para>
/// </remarks>
/// <example>
/// <code>
/// app.Use(async (http, next) =>
/// {
///     using var _ = AgentCostContext.Begin(tenant: http.User.FindFirst("tenant")?.Value);
///     await next(http);
/// });
/// </code>
/// </example>
public sealed class AgentCostContext
{
    private static readonly AsyncLocal<AgentCostContext?> s_current = new();

    /// <summary>Creates a context.</summary>
    /// <param name="tenant">The tenant the work is done for, or <see langword="null"/>.</param>
    public AgentCostContext(string? tenant)
    {
        Tenant = string.IsNullOrEmpty(tenant) ? null : tenant;
    }

    /// <summary>The context of the current asynchronous flow, or <see langword="null"/>.</summary>
    public static AgentCostContext? Current => s_current.Value;

    /// <summary>The tenant the work is done for, or <see langword="null"/>.</summary>
    public string? Tenant { get; }

    /// <summary>Makes a context with <paramref name="tenant"/> current until the returned scope is disposed.</summary>
    /// <param name="tenant">The tenant, or <see langword="null"/>.</param>
    /// <returns>A scope that restores the previous context.</returns>
    public static IDisposable Begin(string? tenant) => Use(new AgentCostContext(tenant));

    /// <summary>Makes <paramref name="context"/> current until the returned scope is disposed.</summary>
    /// <param name="context">The context.</param>
    /// <returns>A scope that restores the previous context.</returns>
    public static IDisposable Use(AgentCostContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var previous = s_current.Value;
        s_current.Value = context;
        return new Scope(context, previous);
    }

    private sealed class Scope(AgentCostContext context, AgentCostContext? previous) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            // A scope disposed out of order, or from another flow, must not clobber a context it did not set.
            if (Interlocked.Exchange(ref _disposed, 1) == 0 && ReferenceEquals(s_current.Value, context))
            {
                s_current.Value = previous;
            }
        }
    }
}
