using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using AgentCost.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace AgentCost.Analyzers.CodeFixes;

/// <summary>COST008: widens a private or protected annotated method just enough for generated code in the project to call it.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(COST008CodeFixProvider)), Shared]
public sealed class COST008CodeFixProvider() : AgentCostCodeFixProvider(RuleIds.MethodNotInterceptable)
{
    private protected override Task RegisterFixesAsync(CodeFixContext context, SyntaxNode root)
    {
        if (root.FindNode(context.Span).FirstAncestorOrSelf<MethodDeclarationSyntax>() is not { } method)
        {
            return Task.CompletedTask;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(COST008MethodNotInterceptable.AccessibilityProperty, out var target) || target is null)
            {
                continue;
            }

            var accessibility = target == "protected internal" ? Accessibility.ProtectedOrInternal : Accessibility.Internal;
            Register(
                context,
                $"Make '{method.Identifier.ValueText}' {target}",
                cancellationToken => SetAccessibilityAsync(context.Document, method, accessibility, cancellationToken),
                diagnostic,
                key: target);
        }

        return Task.CompletedTask;
    }

    private static async Task<Document> SetAccessibilityAsync(Document document, MethodDeclarationSyntax method, Accessibility accessibility, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        editor.SetAccessibility(method, accessibility);
        return editor.GetChangedDocument();
    }
}
