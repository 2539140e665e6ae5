using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace AgentCost.CodeAnalysis;

/// <summary>
/// Checks that generated code in another file of the compilation can name a method as constructed at a call (its
/// declaration and its type arguments), and collects the obsolete and experimental diagnostics that naming them reports.
/// </summary>
internal sealed class SymbolScan(Compilation compilation)
{
    public HashSet<string> SuppressedDiagnostics { get; } = new(StringComparer.Ordinal);

    /// <summary>Why generated code cannot call <paramref name="method"/> with its type arguments.</summary>
    public InterceptionProblem GetProblem(IMethodSymbol method)
    {
        var problem = Interceptability.GetDeclarationProblem(method, compilation, suppressed: SuppressedDiagnostics);
        return problem.Exists ? problem : Interceptability.GetTypeArgumentProblem(method, compilation, SuppressedDiagnostics);
    }

    public bool IsUsable(IMethodSymbol method) => !GetProblem(method).Exists;
}
