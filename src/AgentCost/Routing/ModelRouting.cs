using Microsoft.Extensions.AI;

namespace AgentCost.Routing;

/// <summary>The settings of one <see cref="RouteModelAttribute"/>: a fixed tier, or bounds for the classifier.</summary>
/// <param name="Tier">A fixed tier: no classification.</param>
/// <param name="MinTier">The weakest tier the classifier may choose.</param>
/// <param name="MaxTier">The strongest tier the classifier may choose.</param>
public sealed record ModelRoutePolicy(string? Tier = null, string? MinTier = null, string? MaxTier = null)
{
    /// <summary>A policy that lets the classifier choose any tier.</summary>
    public static ModelRoutePolicy Classify { get; } = new();
}

/// <summary>
/// An ambient route: what the routing layer needs to choose the tier of every model call inside it. Opened by
/// <see cref="ModelRouting.Begin(string, ModelRoutePolicy, string?)"/>; the tier is decided at the first model call
/// (classification may need an embedding call) and then kept for the rest of the scope.
/// </summary>
public sealed class ModelRoute
{
    private Task<RouteDecision>? _decision;

    internal ModelRoute(string name, ModelRoutePolicy policy, string? prompt, bool isOverride, ModelRoute? parent)
    {
        Name = name;
        Policy = policy;
        Prompt = prompt;
        IsOverride = isOverride;
        Parent = parent;
    }

    /// <summary>The route's name, normally the method (<c>Type.Method</c>).</summary>
    public string Name { get; }

    /// <summary>The fixed tier or the classifier's bounds.</summary>
    public ModelRoutePolicy Policy { get; }

    /// <summary>The prompt to classify; <see langword="null"/> to classify the first call's last user message.</summary>
    public string? Prompt { get; }

    /// <summary>Whether this route was opened by <see cref="ModelRouting.Override"/> and so wins over routes opened inside it.</summary>
    public bool IsOverride { get; }

    /// <summary>The enclosing route, or <see langword="null"/>.</summary>
    public ModelRoute? Parent { get; }

    /// <summary>The decision, once the first model call inside the route made it.</summary>
    public RouteDecision? Decision => _decision is { IsCompletedSuccessfully: true } task ? task.Result : null;

    internal Task<RouteDecision> GetDecisionAsync(Func<ModelRoute, Task<RouteDecision>> decide)
    {
        var existing = Volatile.Read(ref _decision);
        if (existing is not null && !existing.IsFaulted && !existing.IsCanceled)
        {
            return existing;
        }

        var created = decide(this);
        var seen = Interlocked.CompareExchange(ref _decision, created, existing);
        return seen == existing ? created : seen!;
    }
}

/// <summary>A route's tier decision.</summary>
/// <param name="Tier">The tier chosen.</param>
/// <param name="Reason">Why: <c>fixed</c>, <c>override</c>, <c>classified</c> or <c>default</c>.</param>
/// <param name="Score">The classifier's score, when it classified.</param>
/// <param name="ClassifiedTier">The classifier's tier before <c>MinTier</c>/<c>MaxTier</c> clamped it.</param>
public sealed record RouteDecision(string Tier, string Reason, double? Score = null, string? ClassifiedTier = null);

/// <summary>
/// The ambient model route: the entry points generated interceptors call for <see cref="RouteModelAttribute"/>, and the
/// per-call override.
/// </summary>
public static class ModelRouting
{
    private static readonly AsyncLocal<ModelRoute?> s_current = new();

    /// <summary>
    /// The route of the current asynchronous flow: the outermost <see cref="Override"/> when there is one, else the
    /// innermost route; <see langword="null"/> outside any route.
    /// </summary>
    public static ModelRoute? Current
    {
        get
        {
            var innermost = s_current.Value;
            ModelRoute? forced = null;
            for (var route = innermost; route is not null; route = route.Parent)
            {
                if (route.IsOverride)
                {
                    forced = route;
                }
            }

            return forced ?? innermost;
        }
    }

    /// <summary>
    /// Opens a route until the returned scope is disposed. This is the entry point a generated interceptor calls for
    /// <see cref="RouteModelAttribute"/>, synchronously, before it calls the method: the tier is decided lazily by the
    /// routing layer at the first model call (classifying <paramref name="prompt"/>), so no classifier is needed here.
    /// </summary>
    /// <param name="name">How logs and the report name the route, normally <c>Type.Method</c>.</param>
    /// <param name="policy">The attribute's settings.</param>
    /// <param name="prompt">The method's prompt argument; <see langword="null"/> to classify the first call's last user message.</param>
    /// <returns>The scope.</returns>
    public static ModelRouteScope Begin(string name, ModelRoutePolicy policy, string? prompt = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(policy);
        return Push(new ModelRoute(name, policy, prompt, isOverride: false, s_current.Value));
    }

    /// <summary>Opens a route for a chat-message-list prompt: its user messages' text is classified.</summary>
    /// <param name="name">How logs and the report name the route.</param>
    /// <param name="policy">The attribute's settings.</param>
    /// <param name="messages">The method's prompt argument.</param>
    /// <returns>The scope.</returns>
    public static ModelRouteScope Begin(string name, ModelRoutePolicy policy, IEnumerable<ChatMessage>? messages)
        => Begin(name, policy, messages is null ? null : PromptText(messages));

    /// <summary>
    /// Forces <paramref name="tier"/> for every model call until the scope is disposed, over any
    /// <see cref="RouteModelAttribute"/> decision made inside it.
    /// </summary>
    /// <param name="tier">The tier.</param>
    /// <param name="name">How logs name the override.</param>
    /// <returns>The scope.</returns>
    public static ModelRouteScope Override(string tier, string name = "override")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tier);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return Push(new ModelRoute(name, new ModelRoutePolicy(Tier: tier), null, isOverride: true, s_current.Value));
    }

    internal static string PromptText(IEnumerable<ChatMessage> messages)
        => string.Join("\n", messages.Where(static m => m.Role == ChatRole.User).Select(static m => m.Text));

    internal static void Restore(ModelRoute route, ModelRoute? parent)
    {
        if (ReferenceEquals(s_current.Value, route))
        {
            s_current.Value = parent;
        }
    }

    private static ModelRouteScope Push(ModelRoute route)
    {
        s_current.Value = route;
        return new ModelRouteScope(route);
    }
}

/// <summary>An open route; disposing it restores the enclosing one.</summary>
public sealed class ModelRouteScope : IDisposable
{
    private int _disposed;

    internal ModelRouteScope(ModelRoute route) => Route = route;

    /// <summary>The route this scope opened.</summary>
    public ModelRoute Route { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            ModelRouting.Restore(Route, Route.Parent);
        }
    }
}
