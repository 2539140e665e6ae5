using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using AgentCost.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;

namespace AgentCost.Analyzers.CodeFixes;

/// <summary>
/// COST013: sorts the unordered source of AITools by name, <c>source.OrderBy(t =&gt; t.Name)</c>, with <c>using System.Linq;</c>
/// when needed. Offered only when the source enumerates AITools (the rule says so): a source of other values, such as
/// the pairs of a dictionary or the names tools are made from, has no name to sort by that the fix could know.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(COST013CodeFixProvider)), Shared]
public sealed class COST013CodeFixProvider() : AgentCostCodeFixProvider(RuleIds.UnstableToolOrder)
{
    private static readonly string[] ParameterNames = ["t", "tool", "aiTool"];

    private protected override Task RegisterFixesAsync(CodeFixContext context, SyntaxNode root)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.ContainsKey(COST013UnstableToolOrder.SortableByNameProperty)
                || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax source)
            {
                continue;
            }

            Register(context, "Sort the tools by name", cancellationToken => SortByNameAsync(context.Document, source, cancellationToken), diagnostic);
        }

        return Task.CompletedTask;
    }

    private static async Task<Document> SortByNameAsync(Document document, ExpressionSyntax source, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var model = editor.SemanticModel;
        var parameter = ParameterNames[ParameterNames.Length - 1];
        foreach (var name in ParameterNames)
        {
            if (model.LookupSymbols(source.SpanStart, name: name).IsEmpty)
            {
                parameter = name;
                break;
            }
        }

        var receiver = source is IdentifierNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax or ElementAccessExpressionSyntax
            ? source.WithoutTrivia()
            : SyntaxFactory.ParenthesizedExpression(source.WithoutTrivia());
        var sorted = SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver, SyntaxFactory.IdentifierName("OrderBy")),
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(
                    SyntaxFactory.SimpleLambdaExpression(
                        SyntaxFactory.Parameter(SyntaxFactory.Identifier(parameter)),
                        SyntaxFactory.MemberAccessExpression(
                            SyntaxKind.SimpleMemberAccessExpression, SyntaxFactory.IdentifierName(parameter), SyntaxFactory.IdentifierName("Name")))))))
            .WithTriviaFrom(source)
            .WithAdditionalAnnotations(Formatter.Annotation);
        editor.ReplaceNode(source, sorted);

        if (!AttributeFixes.IsInScope(model, source.SpanStart, "Enumerable", "System.Linq"))
        {
            AttributeFixes.AddUsing(editor, "System.Linq");
        }

        return await Formatter.FormatAsync(editor.GetChangedDocument(), Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
