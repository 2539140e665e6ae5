namespace AgentCost;

/// <summary>
/// Declares that a method is deterministic: equal arguments always give an equal result, and calling it has no effect
/// that a caller relies on. AgentCost's analyzers use it to find tools that are paid for again for the same answer:
/// a deterministic tool without <see cref="CachedAttribute"/> draws rule COST002.
/// </summary>
/// <remarks>
/// The attribute changes nothing at run time; it is a statement about the method for readers and analyzers.
/// <see cref="System.Diagnostics.Contracts.PureAttribute"/> is understood the same way.
/// </remarks>
/// <example>
/// <code>
/// [Deterministic, Cached]
/// [Description("Converts an amount between two currencies at the day's fixed rate.")]
/// public decimal Convert(decimal amount, string from, string to, DateOnly day) { ... }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class DeterministicAttribute : Attribute
{
}
