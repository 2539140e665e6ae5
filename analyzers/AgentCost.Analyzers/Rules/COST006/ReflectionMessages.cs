using System.Collections.Generic;
using AgentCost.Analyzers.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AgentCost.Analyzers.Rules;

/// <summary>The parts of COST006's messages about methods found by reflection: which policies are lost, and what to write instead.</summary>
internal static class ReflectionMessages
{
    /// <summary><c>the policies of 'Tools.SearchAsync' ([Cached])</c>, and how many more methods lose theirs.</summary>
    public static string Policies(IReadOnlyList<(IMethodSymbol Method, AttributeData Policy)> annotated)
    {
        var (method, policy) = annotated[0];
        var first = $"the policies of '{Qualified(method)}' ([{AgentCostAttributes.ShortName(policy)}])";
        return annotated.Count switch
        {
            1 => first,
            2 => first + " and of 1 more method",
            _ => first + $" and of {annotated.Count - 1} more methods",
        };
    }

    /// <summary>
    /// The intercepted alternatives: the method group handed to <c>AIFunctionFactory.Create</c>, and, where the generator
    /// writes one, <c>[AgentTool]</c>'s generated <c>Create</c>.
    /// </summary>
    public static string Fix(IMethodSymbol method, string? receiver)
    {
        var type = method.ContainingType;
        var group = (method.IsStatic ? type.Name : receiver ?? CamelCase(type.Name)) + "." + method.Name;
        var fix = $"use the method group, AIFunctionFactory.Create({group})";
        return HasGeneratedTools(method)
            ? fix + $", or mark the method [AgentTool] and use the generated {AgentToolsName(type)}.Create"
            : fix;
    }

    /// <summary>The text of a simple receiver (<c>tools</c>, <c>this</c>, <c>_tools</c>, <c>this.tools</c>), to write the method group with.</summary>
    public static string? ReceiverText(IOperation? target)
    {
        var syntax = target is null ? null : OperationTree.Unwrap(target).Syntax;
        return syntax is IdentifierNameSyntax or ThisExpressionSyntax
            || (syntax is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax or IdentifierNameSyntax, Name: IdentifierNameSyntax })
            ? syntax.ToString()
            : null;
    }

    private static string Qualified(IMethodSymbol method) => method.ContainingType.Name + "." + method.Name;

    // The generator writes no tool functions for generic methods, methods of generic types or instance methods of structs.
    private static bool HasGeneratedTools(IMethodSymbol method)
        => !method.IsGenericMethod && !method.ContainingType.IsGenericType && (method.IsStatic || !method.ContainingType.IsValueType);

    // As the generator names it: outer type names, then the type's, then AgentTools.
    private static string AgentToolsName(INamedTypeSymbol type)
    {
        var name = type.Name;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            name = outer.Name + name;
        }

        return name + "AgentTools";
    }

    private static string CamelCase(string name)
    {
        var camel = name.Length == 0 ? "instance" : char.ToLowerInvariant(name[0]) + name.Substring(1);
        return SyntaxFacts.GetKeywordKind(camel) == SyntaxKind.None ? camel : "@" + camel;
    }
}
