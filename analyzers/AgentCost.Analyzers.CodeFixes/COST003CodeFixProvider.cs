using System.Composition;
using System.Threading.Tasks;
using AgentCost.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AgentCost.Analyzers.CodeFixes;

/// <summary>COST003: marks the parameter <c>[NotCacheKey]</c>, leaving it out of the cache key.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(COST003CodeFixProvider)), Shared]
public sealed class COST003CodeFixProvider() : AgentCostCodeFixProvider(RuleIds.UnsupportedCacheKeyParameter)
{
    private protected override Task RegisterFixesAsync(CodeFixContext context, SyntaxNode root)
    {
        if (root.FindNode(context.Span).FirstAncestorOrSelf<ParameterSyntax>() is not { } parameter)
        {
            return Task.CompletedTask;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            // A pointer or dynamic value cannot be carried by an interceptor even when it is left out of the key.
            if (diagnostic.Properties.TryGetValue(COST003UnsupportedCacheKeyParameter.CanBeLeftOutProperty, out var canBeLeftOut) && canBeLeftOut == "false")
            {
                continue;
            }

            Register(
                context,
                $"Leave '{parameter.Identifier.ValueText}' out of the cache key ([NotCacheKey])",
                cancellationToken => AttributeFixes.AddAttributeAsync(context.Document, parameter, "NotCacheKey", cancellationToken),
                diagnostic);
        }

        return Task.CompletedTask;
    }
}
