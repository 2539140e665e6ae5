using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;

namespace AgentCost.Analyzers.CodeFixes;

/// <summary>Adds an AgentCost attribute to a declaration, with the <c>using AgentCost;</c> it needs.</summary>
internal static class AttributeFixes
{
    private const string AgentCostNamespace = "AgentCost";

    /// <summary>Adds <c>[Name(arguments)]</c> to <paramref name="declaration"/>, and <c>using AgentCost;</c> when the name is not in scope.</summary>
    public static async Task<Document> AddAttributeAsync(
        Document document, SyntaxNode declaration, string attributeName, CancellationToken cancellationToken, params AttributeArgumentSyntax[] arguments)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var attribute = SyntaxFactory.Attribute(
            SyntaxFactory.IdentifierName(attributeName),
            arguments.Length == 0 ? null : SyntaxFactory.AttributeArgumentList(SyntaxFactory.SeparatedList(arguments)));
        editor.AddAttribute(declaration, attribute.WithAdditionalAnnotations(Formatter.Annotation));

        if (!IsInScope(editor.SemanticModel, declaration.SpanStart, attributeName + "Attribute"))
        {
            AddUsing(editor, AgentCostNamespace);
        }

        return await Formatter.FormatAsync(editor.GetChangedDocument(), Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether the simple name <paramref name="typeName"/> binds to the AgentCost type of that name at <paramref name="position"/>.</summary>
    public static bool IsInScope(SemanticModel semanticModel, int position, string typeName, string @namespace = AgentCostNamespace)
        => semanticModel.LookupNamespacesAndTypes(position, name: typeName)
            .Any(symbol => symbol is INamedTypeSymbol type && type.ContainingNamespace?.ToDisplayString() == @namespace);

    /// <summary>Adds <c>using <paramref name="namespace"/>;</c> in order among the file's usings (System first).</summary>
    public static void AddUsing(DocumentEditor editor, string @namespace)
    {
        var root = (CompilationUnitSyntax)editor.OriginalRoot;
        var endOfLine = GetEndOfLine(root);
        var directive = SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(@namespace))
            .WithTrailingTrivia(endOfLine)
            .WithAdditionalAnnotations(Formatter.Annotation);

        // The usings where the file keeps them: at the top, or in its only namespace.
        var usings = root.Usings;
        if (usings.Count == 0 && root.Members.Count == 1 && root.Members[0] is BaseNamespaceDeclarationSyntax { Usings.Count: > 0 } namespaceDeclaration)
        {
            usings = namespaceDeclaration.Usings;
        }

        var plain = usings.Where(u => u.Alias is null && u.StaticKeyword.IsKind(SyntaxKind.None) && u.GlobalKeyword.IsKind(SyntaxKind.None)).ToList();
        var next = plain.FirstOrDefault(u => Compare(u.Name?.ToString() ?? string.Empty, @namespace) > 0);
        if (next is not null)
        {
            editor.InsertBefore(next, directive);
        }
        else if (plain.Count > 0)
        {
            editor.InsertAfter(plain[plain.Count - 1], directive);
        }
        else if (usings.Count > 0)
        {
            editor.InsertAfter(usings[usings.Count - 1], directive);
        }
        else
        {
            editor.ReplaceNode(root, (current, _) =>
            {
                var unit = (CompilationUnitSyntax)current;
                return unit.WithUsings(unit.Usings.Add(directive.WithTrailingTrivia(endOfLine, endOfLine)));
            });
        }
    }

    /// <summary>The line ending the document already uses.</summary>
    public static SyntaxTrivia GetEndOfLine(SyntaxNode root)
    {
        foreach (var trivia in root.DescendantTrivia())
        {
            if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
            {
                return trivia;
            }
        }

        return SyntaxFactory.CarriageReturnLineFeed;
    }

    // System and its namespaces first, then ordinal order, as dotnet_sort_system_directives_first has it.
    private static int Compare(string left, string right)
    {
        var leftSystem = left == "System" || left.StartsWith("System.", StringComparison.Ordinal);
        var rightSystem = right == "System" || right.StartsWith("System.", StringComparison.Ordinal);
        return leftSystem != rightSystem ? (leftSystem ? -1 : 1) : string.CompareOrdinal(left, right);
    }
}
