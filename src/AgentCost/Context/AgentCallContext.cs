using AgentCost.Interception;

namespace AgentCost;

/// <summary>
/// The agent method the current asynchronous flow is running: model calls made in it are charged to it in spend
/// reports, per-method budgets and the <c>agentcost.cost</c> metric.
/// </summary>
/// <remarks>
/// <para>Generated interceptors set it for every call of an annotated method through
/// <see cref="AgentMethodInvoker"/>; for a <c>[Cached]</c> method only while a miss runs the method (a hit calls no
/// model). Code that is not intercepted can name its method by hand with <see cref="BeginMethod"/>.</para>
/// </remarks>
public static class AgentCallContext
{
    private static readonly AsyncLocal<AgentMethod?> s_method = new();

    /// <summary>The innermost agent method of the current asynchronous flow, or <see langword="null"/>.</summary>
    public static AgentMethod? CurrentMethod => s_method.Value;

    /// <summary>Makes <paramref name="method"/> current until the returned scope is disposed.</summary>
    /// <param name="method">The method's descriptor.</param>
    /// <returns>A scope that restores the enclosing method.</returns>
    public static AgentMethodScope Begin(AgentMethod method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new AgentMethodScope(method, Enter(method));
    }

    /// <summary>Names the current method by hand until the returned scope is disposed.</summary>
    /// <param name="name">The method's full name, <c>Namespace.Type.Method</c>.</param>
    /// <returns>A scope that restores the enclosing method.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not of the form <c>Type.Method</c>.</exception>
    public static AgentMethodScope BeginMethod(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var dot = name.LastIndexOf('.');
        if (dot <= 0 || dot == name.Length - 1)
        {
            throw new ArgumentException($"'{name}' is not a method name of the form Namespace.Type.Method.", nameof(name));
        }

        return Begin(new AgentMethod(name[..dot], name[(dot + 1)..], [], []));
    }

    /// <summary>Sets the current method; returns the one it replaces, for <see cref="Exit"/>.</summary>
    internal static AgentMethod? Enter(AgentMethod method)
    {
        var previous = s_method.Value;
        if (!ReferenceEquals(previous, method))
        {
            s_method.Value = method;
        }

        return previous;
    }

    /// <summary>Restores the method <see cref="Enter"/> replaced.</summary>
    internal static void Exit(AgentMethod method, AgentMethod? previous)
    {
        if (!ReferenceEquals(previous, method) && ReferenceEquals(s_method.Value, method))
        {
            s_method.Value = previous;
        }
    }
}

/// <summary>Keeps a method current; disposing restores the enclosing one. Returned by <see cref="AgentCallContext.Begin"/>.</summary>
public readonly struct AgentMethodScope : IDisposable, IEquatable<AgentMethodScope>
{
    private readonly AgentMethod? _method;
    private readonly AgentMethod? _previous;

    internal AgentMethodScope(AgentMethod method, AgentMethod? previous)
    {
        _method = method;
        _previous = previous;
    }

    /// <summary>Compares two scopes.</summary>
    /// <param name="left">The first scope.</param>
    /// <param name="right">The second scope.</param>
    public static bool operator ==(AgentMethodScope left, AgentMethodScope right) => left.Equals(right);

    /// <summary>Compares two scopes.</summary>
    /// <param name="left">The first scope.</param>
    /// <param name="right">The second scope.</param>
    public static bool operator !=(AgentMethodScope left, AgentMethodScope right) => !left.Equals(right);

    /// <summary>Restores the enclosing method.</summary>
    public void Dispose()
    {
        if (_method is not null)
        {
            AgentCallContext.Exit(_method, _previous);
        }
    }

    /// <inheritdoc />
    public bool Equals(AgentMethodScope other) => ReferenceEquals(_method, other._method) && ReferenceEquals(_previous, other._previous);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is AgentMethodScope other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_method, _previous);
}
