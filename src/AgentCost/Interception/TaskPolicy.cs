using System.ComponentModel;

namespace AgentCost.Interception;

/// <summary>The settings of an <see cref="AgentTaskAttribute"/> as a generated descriptor carries them.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TaskPolicy
{
    /// <summary>Creates a policy.</summary>
    /// <param name="name">The task's name; <see langword="null"/> or empty for the method's full name.</param>
    public TaskPolicy(string? name = null)
    {
        Name = string.IsNullOrWhiteSpace(name) ? null : name;
    }

    /// <summary>The task's name, or <see langword="null"/> for the method's full name.</summary>
    public string? Name { get; }
}
