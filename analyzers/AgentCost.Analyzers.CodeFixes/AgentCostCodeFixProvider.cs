using System;
using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace AgentCost.Analyzers.CodeFixes;

/// <summary>
/// What every AgentCost code fix does the same way: it fixes one rule, fixes all occurrences in a batch, and offers
/// its actions from the document's syntax root, with equivalence keys that start with the provider's name.
/// </summary>
public abstract class AgentCostCodeFixProvider : CodeFixProvider
{
    private protected AgentCostCodeFixProvider(string diagnosticId) => FixableDiagnosticIds = ImmutableArray.Create(diagnosticId);

    /// <inheritdoc />
    public sealed override ImmutableArray<string> FixableDiagnosticIds { get; }

    /// <inheritdoc />
    public sealed override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is not null)
        {
            await RegisterFixesAsync(context, root).ConfigureAwait(false);
        }
    }

    /// <summary>Offers the fixes for the diagnostics of <paramref name="context"/> in the document whose root is <paramref name="root"/>.</summary>
    private protected abstract Task RegisterFixesAsync(CodeFixContext context, SyntaxNode root);

    /// <summary>Offers one fix for <paramref name="diagnostics"/>; <paramref name="key"/> tells apart the provider's different fixes.</summary>
    private protected void Register(
        CodeFixContext context, string title, Func<CancellationToken, Task<Document>> fix, ImmutableArray<Diagnostic> diagnostics, string key = "")
        => context.RegisterCodeFix(CodeAction.Create(title, fix, equivalenceKey: GetType().Name + key), diagnostics);

    /// <summary>Offers one fix for <paramref name="diagnostic"/>; <paramref name="key"/> tells apart the provider's different fixes.</summary>
    private protected void Register(CodeFixContext context, string title, Func<CancellationToken, Task<Document>> fix, Diagnostic diagnostic, string key = "")
        => Register(context, title, fix, ImmutableArray.Create(diagnostic), key);
}
