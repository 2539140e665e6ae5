using System.ComponentModel;
using AgentCost.Caching;

namespace AgentCost.Interception;

/// <summary>
/// Describes a method annotated with AgentCost attributes: its identity and the policies its attributes set.
/// Generated interceptors create one static instance per method; applications rarely create one by hand.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class AgentMethod
{
    private readonly string[] _parameterTypes;
    private readonly string[] _parameterNames;

    /// <summary>Creates a descriptor.</summary>
    /// <param name="declaringType">The declaring type's full name, without <c>global::</c>.</param>
    /// <param name="name">The method name, with its type arguments for a constructed generic method.</param>
    /// <param name="parameterTypes">The fully qualified type of each parameter, in order.</param>
    /// <param name="parameterNames">The name of each parameter, in order.</param>
    /// <param name="cache">The caching policy when the method is <see cref="CachedAttribute"/>; otherwise <see langword="null"/>.</param>
    /// <param name="budget">The token budget when the method is <see cref="TokenBudgetAttribute"/>; otherwise <see langword="null"/>.</param>
    /// <param name="task">The task settings when the method is <see cref="AgentTaskAttribute"/>; otherwise <see langword="null"/>.</param>
    /// <param name="route">The route when the method is <see cref="RouteModelAttribute"/>; otherwise <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">A name is empty, or the parameter arrays differ in length.</exception>
    public AgentMethod(
        string declaringType,
        string name,
        string[] parameterTypes,
        string[] parameterNames,
        CachePolicy? cache = null,
        TokenBudgetPolicy? budget = null,
        TaskPolicy? task = null,
        RoutePolicy? route = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(declaringType);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(parameterTypes);
        ArgumentNullException.ThrowIfNull(parameterNames);
        if (parameterTypes.Length != parameterNames.Length)
        {
            throw new ArgumentException(
                $"'{declaringType}.{name}' has {parameterTypes.Length} parameter types but {parameterNames.Length} parameter names.",
                nameof(parameterNames));
        }

        DeclaringType = declaringType;
        Name = name;
        _parameterTypes = (string[])parameterTypes.Clone();
        _parameterNames = (string[])parameterNames.Clone();
        Cache = cache;
        Budget = budget;
        Task = task;
        Route = route;
        HasScopes = budget is not null || task is not null || route is not null;
        DisplayName = declaringType + "." + name;
        TaskName = task is null ? null : task.Name ?? DisplayName;
        CacheIdentity = new CachedMethod(declaringType, name, _parameterTypes, DisplayName, cache?.TtlSeconds ?? 0, cache?.Version ?? 0);
    }

    /// <summary>The declaring type's full name.</summary>
    public string DeclaringType { get; }

    /// <summary>The method name, with type arguments for a constructed generic method.</summary>
    public string Name { get; }

    /// <summary><c>DeclaringType.Name</c>: how the method is named in statistics, metrics and errors.</summary>
    public string DisplayName { get; }

    /// <summary>The fully qualified type of each parameter.</summary>
    public IReadOnlyList<string> ParameterTypes => _parameterTypes;

    /// <summary>The name of each parameter.</summary>
    public IReadOnlyList<string> ParameterNames => _parameterNames;

    /// <summary>The caching policy, or <see langword="null"/> when the method is not cached.</summary>
    public CachePolicy? Cache { get; }

    /// <summary>The token budget opened for every call, or <see langword="null"/> when the method has none.</summary>
    public TokenBudgetPolicy? Budget { get; }

    /// <summary>The task each call runs as, or <see langword="null"/> when the method is not <see cref="AgentTaskAttribute"/>.</summary>
    public TaskPolicy? Task { get; }

    /// <summary>The model route opened for every call, or <see langword="null"/> when the method is not <see cref="RouteModelAttribute"/>.</summary>
    public RoutePolicy? Route { get; }

    /// <summary>
    /// The semantic caching policy, or <see langword="null"/> when the method is not <see cref="SemanticCachedAttribute"/>.
    /// Set by an initializer, since the constructor's parameters are fixed.
    /// </summary>
    public SemanticCachePolicy? SemanticCache
    {
        get;
        init
        {
            field = value;
            SemanticIdentity = value is null
                ? null
                : new CachedMethod(DeclaringType, Name, _parameterTypes, DisplayName, value.TtlSeconds, value.Version);
        }
    }

    /// <summary>Whether the result of a call may come from a cache: the result cache or the semantic cache.</summary>
    internal bool IsCached => Cache is not null || SemanticCache is not null;

    /// <summary>The method as the semantic cache's exact part knows it, or <see langword="null"/> when it is not semantically cached.</summary>
    internal CachedMethod? SemanticIdentity { get; private set; }

    /// <summary>Whether a call opens scopes that must stay open until the method completes: a budget, a task or a route.</summary>
    internal bool HasScopes { get; }

    /// <summary>The name of the task each call runs as, or <see langword="null"/>.</summary>
    internal string? TaskName { get; }

    /// <summary>The method as the result cache knows it: the identity that starts every key, and its time to live.</summary>
    internal CachedMethod CacheIdentity { get; }

    /// <inheritdoc />
    public override string ToString() => DisplayName + "(" + string.Join(", ", _parameterTypes) + ")";
}
