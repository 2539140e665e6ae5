namespace AgentCost;

/// <summary>
/// Makes a method a tool for a model. The AgentCost generator emits, for each type with such methods, a static class
/// <c>&lt;TypeName&gt;AgentTools</c> whose <c>Create</c> method returns one
/// <see cref="Microsoft.Extensions.AI.AIFunction"/> per tool: its JSON schema is written at compile time, its arguments
/// are bound from JSON without reflection, and every invocation runs through the method's AgentCost policies
/// (<see cref="CachedAttribute"/>, <see cref="TokenBudgetAttribute"/>, ...) exactly as a direct call does.
/// </summary>
/// <remarks>
/// <para>The tool's name, description and schema are those <c>AIFunctionFactory.Create</c> gives the same method: the name
/// is <see cref="Name"/>, else the method's <see cref="System.ComponentModel.DisplayNameAttribute"/>, else its name without
/// an <c>Async</c> suffix; the description is <see cref="Description"/>, else the method's
/// <see cref="System.ComponentModel.DescriptionAttribute"/>. Parameters take their descriptions from
/// <see cref="System.ComponentModel.DescriptionAttribute"/> and their defaults from the C# default values.</para>
/// <para>Arguments a model gets wrong — a missing required value, a value of the wrong type — come back to the model as a
/// tool error result that names the tool, the parameter and the problem; the tool loop goes on.</para>
/// </remarks>
/// <example>
/// <code>
/// public sealed class ResearchTools
/// {
///     [AgentTool(Description = "Searches the document library.")]
///     [Cached(TtlSeconds = 3600)]
///     public Task&lt;string&gt; SearchAsync([Description("What to look for")] string query, CancellationToken cancellationToken) { ... }
/// }
///
/// var options = new ChatOptions { Tools = [.. ResearchToolsAgentTools.Create(tools)] };
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class AgentToolAttribute : Attribute
{
    /// <summary>The tool's name as the model sees it; by default the method's name without an <c>Async</c> suffix.</summary>
    public string? Name { get; set; }

    /// <summary>The tool's description as the model sees it; by default the method's <c>[Description]</c>.</summary>
    public string? Description { get; set; }
}
