using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using AgentCost.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace AgentCost.Analyzers.CodeFixes;

/// <summary>COST008: widens a private or protected annotated method just enough for generated code in the project to call it.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(COST008CodeFixProvider)), Shared]
public sealed class COST008CodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.MethodNotInterceptable);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindNode(context.Span).FirstAncestorOrSelf<MethodDeclarationSyntax>() is not { } method)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(COST008MethodNotInterceptable.AccessibilityProperty, out var target) || target is null)
            {
                continue;
            }

            var accessibility = target == "protected internal" ? Accessibility.ProtectedOrInternal : Accessibility.Internal;
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Make '{method.Identifier.ValueText}' {target}",
                    cancellationToken => SetAccessibilityAsync(context.Document, method, accessibility, cancellationToken),
                    equivalenceKey: nameof(COST008CodeFixProvider) + target),
                diagnostic);
        }
    }

    private static async Task<Document> SetAccessibilityAsync(Document document, MethodDeclarationSyntax method, Accessibility accessibility, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        editor.SetAccessibility(method, accessibility);
        return editor.GetChangedDocument();
    }
}
