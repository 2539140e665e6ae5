namespace AgentCost;

/// <summary>
/// Makes every call of the method an <see cref="AgentTask"/>: its model calls are charged to the task, which succeeds
/// when the method returns (or its task completes) and fails when it throws. Spend reports then give the cost per
/// successful task, the cost of failed calls included.
/// </summary>
/// <remarks>
/// <para>Like the other AgentCost attributes, it takes effect through the generated interceptor of each call site.
/// On a <c>[Cached]</c> method the task encloses the cache lookup: a hit is a successful task that cost nothing.</para>
/// </remarks>
/// <example>
/// <code>
/// [AgentTask("answer-question")]
/// public async Task&lt;string&gt; AnswerAsync(string question, CancellationToken cancellationToken) { ... }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class AgentTaskAttribute : Attribute
{
    /// <summary>Makes each call a task named after the method (<c>Namespace.Type.Method</c>).</summary>
    public AgentTaskAttribute()
    {
    }

    /// <summary>Makes each call a task named <paramref name="name"/>.</summary>
    /// <param name="name">The task's name in reports; tasks of one name are counted together.</param>
    public AgentTaskAttribute(string name)
    {
        Name = name;
    }

    /// <summary>The task's name; <see langword="null"/> for the method's full name.</summary>
    public string? Name { get; set; }
}
