using System.Composition;
using System.Globalization;
using System.Threading.Tasks;
using AgentCost.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AgentCost.Analyzers.CodeFixes;

/// <summary>COST009: for a <c>[RouteModel]</c> method with two or more prompt parameters, marks one <c>[Prompt]</c>; one fix per candidate.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(COST009CodeFixProvider)), Shared]
public sealed class COST009CodeFixProvider() : AgentCostCodeFixProvider(RuleIds.InvalidPromptParameter)
{
    private protected override Task RegisterFixesAsync(CodeFixContext context, SyntaxNode root)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(COST009InvalidPromptParameter.ProblemProperty, out var problem)
                || problem != COST009InvalidPromptParameter.Ambiguous
                || !diagnostic.Properties.TryGetValue(COST009InvalidPromptParameter.CandidatesProperty, out var candidates)
                || candidates is null
                || root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<BaseMethodDeclarationSyntax>() is not { ParameterList: { } parameterList })
            {
                continue;
            }

            // The candidates are the ordinals of the method's prompt parameters.
            foreach (var candidate in candidates.Split(','))
            {
                if (!int.TryParse(candidate, NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal) || ordinal >= parameterList.Parameters.Count)
                {
                    continue;
                }

                var parameter = parameterList.Parameters[ordinal];
                var name = parameter.Identifier.ValueText;
                Register(
                    context,
                    $"Mark '{name}' with [Prompt]",
                    cancellationToken => AttributeFixes.AddAttributeAsync(context.Document, parameter, "Prompt", cancellationToken),
                    diagnostic,
                    key: "." + name);
            }
        }

        return Task.CompletedTask;
    }
}
