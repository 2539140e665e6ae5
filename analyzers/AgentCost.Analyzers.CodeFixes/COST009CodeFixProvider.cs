using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Threading.Tasks;
using AgentCost.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AgentCost.Analyzers.CodeFixes;

/// <summary>COST009: for a <c>[RouteModel]</c> method with two or more prompt parameters, marks one <c>[Prompt]</c>; one fix per candidate.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(COST009CodeFixProvider)), Shared]
public sealed class COST009CodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.InvalidPromptParameter);

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
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Mark '{name}' with [Prompt]",
                        cancellationToken => AttributeFixes.AddAttributeAsync(context.Document, parameter, "Prompt", cancellationToken),
                        equivalenceKey: nameof(COST009CodeFixProvider) + "." + name),
                    diagnostic);
            }
        }
    }
}
