using AgentCost.CodeAnalysis;
using AgentCost.Generators.Common;

namespace AgentCost.Generators.Model;

/// <summary>
/// The constructed method a call site targets, with everything the emitter writes about it. Two call sites whose
/// models are equal share one interceptor.
/// </summary>
/// <param name="DeclaringTypeName">The descriptor's declaring type: fully qualified without <c>global::</c>.</param>
/// <param name="Name">The descriptor's method name, with type arguments for a generic method.</param>
/// <param name="ContainingType">The containing type as C# source.</param>
/// <param name="MethodName">The method's identifier as C# source.</param>
/// <param name="TypeArguments">The type argument list as C# source (<c>&lt;int&gt;</c>), empty for a non-generic method.</param>
/// <param name="Kind">Static, instance or extension.</param>
/// <param name="ReturnKind">Which entry point serves the method.</param>
/// <param name="ReturnType">The return type as C# source, with nullable annotations.</param>
/// <param name="ResultType">The result as C# source: the return type, or the task's result type; empty for no result.</param>
/// <param name="ReturnMayBeNull">
/// Whether the method may return null where its return type does not say so (<c>[return: MaybeNull]</c>), or may return
/// a null task.
/// </param>
/// <param name="Parameters">All parameters in declaration order; an extension method's <c>this</c> parameter first.</param>
/// <param name="Cache">The caching settings, when the method is <c>[Cached]</c>.</param>
/// <param name="Budget">The token budget, when the method has <c>[TokenBudget]</c>.</param>
/// <param name="Task">The task settings, when the method has <c>[AgentTask]</c>.</param>
/// <param name="Route">The route settings, when the method has <c>[RouteModel]</c>.</param>
/// <param name="SemanticCache">The semantic caching settings, when the method is <c>[SemanticCached]</c>.</param>
/// <param name="SuppressedDiagnostics">Obsolete and experimental diagnostics that naming the method or its types reports.</param>
internal sealed record InterceptedMethod(
    string DeclaringTypeName,
    string Name,
    string ContainingType,
    string MethodName,
    string TypeArguments,
    CallKind Kind,
    ReturnKind ReturnKind,
    string ReturnType,
    string ResultType,
    bool ReturnMayBeNull,
    EquatableArray<ParameterModel> Parameters,
    CacheSettings? Cache,
    BudgetSettings? Budget,
    TaskSettings? Task,
    RouteSettings? Route,
    SemanticCacheSettings? SemanticCache,
    EquatableArray<string> SuppressedDiagnostics)
{
    /// <summary>Whether any attribute sets a policy; a tool function of a method without one calls it directly.</summary>
    public bool HasPolicies => Cache is not null || Budget is not null || Task is not null || Route is not null || SemanticCache is not null;

    /// <summary>Whether a cache reads the call's key arguments: the result cache, or the semantic cache's exact part.</summary>
    public bool HasCacheKey => Cache is not null || SemanticCache is not null;

    /// <summary>Identifies the method to the runtime: all call sites with the same identity share one descriptor.</summary>
    public string Identity { get; } = BuildIdentity(DeclaringTypeName, Name, Parameters);

    private static string BuildIdentity(string declaringType, string name, EquatableArray<ParameterModel> parameters)
    {
        var builder = new System.Text.StringBuilder(declaringType).Append('.').Append(name).Append('(');
        for (var i = 0; i < parameters.Count; i++)
        {
            builder.Append(i == 0 ? string.Empty : ", ").Append(parameters[i].IdentityType);
        }

        return builder.Append(')').ToString();
    }
}
