using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AgentCost.Analyzers.CodeFixes;

/// <summary>COST002: adds <c>[Cached]</c> to the deterministic tool.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(COST002CodeFixProvider)), Shared]
public sealed class COST002CodeFixProvider() : AgentCostCodeFixProvider(RuleIds.DeterministicToolNotCached)
{
    private protected override Task RegisterFixesAsync(CodeFixContext context, SyntaxNode root)
    {
        if (root.FindNode(context.Span).FirstAncestorOrSelf<MethodDeclarationSyntax>() is { } method)
        {
            Register(context, "Add [Cached]", cancellationToken => AttributeFixes.AddAttributeAsync(context.Document, method, "Cached", cancellationToken), context.Diagnostics);
        }

        return Task.CompletedTask;
    }
}
