using System;

namespace AgentCost.Generators.Model;

/// <summary>A parameter of the intercepted method, after type arguments are substituted.</summary>
/// <param name="Name">The parameter's name as declared, unescaped.</param>
/// <param name="Type">The type as C# source: <c>global::</c>-qualified, with nullable annotations.</param>
/// <param name="IdentityType">The type as the runtime descriptor names it: fully qualified without <c>global::</c>.</param>
/// <param name="IsCacheKey">Whether the argument is part of the cache key.</param>
/// <param name="IsCancellationToken">Whether the parameter is a <see cref="System.Threading.CancellationToken"/>.</param>
/// <param name="DisallowsNull">Whether the parameter is <c>[DisallowNull]</c>: its type allows null, its callers may not pass it.</param>
internal sealed record ParameterModel(
    string Name,
    string Type,
    string IdentityType,
    bool IsCacheKey,
    bool IsCancellationToken,
    bool DisallowsNull);
