using Microsoft.CodeAnalysis.CSharp;

namespace AgentCost.Generators.Common;

internal static class Identifiers
{
    /// <summary>Prefixes a keyword with '@' so that it can be used as an identifier.</summary>
    public static string Escape(string identifier)
        => SyntaxFacts.GetKeywordKind(identifier) == SyntaxKind.None ? identifier : "@" + identifier;
}
