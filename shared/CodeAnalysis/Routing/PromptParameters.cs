using System.Linq;
using Microsoft.CodeAnalysis;

namespace AgentCost.CodeAnalysis;

/// <summary>
/// Which parameter of a <c>[RouteModel]</c> method is its prompt. The generator passes its position to the route;
/// COST009 reports a method where there is none to pass (a <c>[Prompt]</c> that is not a prompt, two of them, or two
/// unmarked candidates).
/// </summary>
internal static class PromptParameters
{
    /// <summary>The name of <c>PromptAttribute</c>.</summary>
    public const string AttributeName = "PromptAttribute";

    /// <summary>
    /// The position of the parameter marked <c>[Prompt]</c>, else of the only parameter of a prompt type; -1 when there
    /// is none or the choice is ambiguous (COST009 reports that as an error): the route then classifies the first model
    /// call's messages.
    /// </summary>
    public static int GetPromptParameter(IMethodSymbol method)
    {
        int marked = -1, markedCount = 0, candidate = -1, candidates = 0;
        for (var i = 0; i < method.Parameters.Length; i++)
        {
            var parameter = method.Parameters[i];
            var isPrompt = IsPromptType(parameter.Type);
            if (parameter.GetAttributes().Any(a => Symbols.IsAgentCostType(a.AttributeClass, AttributeName)))
            {
                markedCount++;
                marked = isPrompt ? i : -1;
            }

            if (isPrompt)
            {
                candidates++;
                candidate = i;
            }
        }

        return markedCount switch
        {
            1 => marked,
            0 when candidates == 1 => candidate,
            _ => -1,
        };
    }

    /// <summary>Whether a parameter of this type is a prompt: <c>string</c>, or a type that is or implements <c>IEnumerable&lt;ChatMessage&gt;</c>.</summary>
    public static bool IsPromptType(ITypeSymbol type)
    {
        if (type.SpecialType == SpecialType.System_String)
        {
            return true;
        }

        if (IsChatMessageSequence(type))
        {
            return true;
        }

        foreach (var implemented in type.AllInterfaces)
        {
            if (IsChatMessageSequence(implemented))
            {
                return true;
            }
        }

        return false;

        static bool IsChatMessageSequence(ITypeSymbol candidate)
            => candidate is INamedTypeSymbol { Name: "IEnumerable", Arity: 1, ContainingType: null } named
                && Symbols.IsNamespace(named.ContainingNamespace, "System.Collections.Generic")
                && Symbols.IsType(named.TypeArguments[0], "Microsoft.Extensions.AI", "ChatMessage");
    }
}
