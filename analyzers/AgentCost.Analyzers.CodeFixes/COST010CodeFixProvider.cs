using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AgentCost.Analyzers.CodeFixes;

/// <summary>COST010: for <c>[Prompt]</c> on a parameter of a method with no <c>[RouteModel]</c>, adds <c>[RouteModel]</c> to the method.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(COST010CodeFixProvider)), Shared]
public sealed class COST010CodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.PromptWithoutRouteModel);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (root.FindNode(diagnostic.Location.SourceSpan) is not { } node
                || node.FirstAncestorOrSelf<ParameterSyntax>() is null
                || node.FirstAncestorOrSelf<MethodDeclarationSyntax>() is not { } method)
            {
                continue;
            }

            var name = method.Identifier.ValueText;
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Add [RouteModel] to '{name}'",
                    cancellationToken => AttributeFixes.AddAttributeAsync(context.Document, method, "RouteModel", cancellationToken),
                    equivalenceKey: nameof(COST010CodeFixProvider)),
                diagnostic);
        }
    }
}
