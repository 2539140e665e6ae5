using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AgentCost.Analyzers.CodeFixes;

/// <summary>COST010: for <c>[Prompt]</c> on a parameter of a method with no <c>[RouteModel]</c>, adds <c>[RouteModel]</c> to the method.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(COST010CodeFixProvider)), Shared]
public sealed class COST010CodeFixProvider() : AgentCostCodeFixProvider(RuleIds.PromptWithoutRouteModel)
{
    private protected override Task RegisterFixesAsync(CodeFixContext context, SyntaxNode root)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root.FindNode(diagnostic.Location.SourceSpan) is not { } node
                || node.FirstAncestorOrSelf<ParameterSyntax>() is null
                || node.FirstAncestorOrSelf<MethodDeclarationSyntax>() is not { } method)
            {
                continue;
            }

            var name = method.Identifier.ValueText;
            Register(
                context,
                $"Add [RouteModel] to '{name}'",
                cancellationToken => AttributeFixes.AddAttributeAsync(context.Document, method, "RouteModel", cancellationToken),
                diagnostic);
        }

        return Task.CompletedTask;
    }
}
