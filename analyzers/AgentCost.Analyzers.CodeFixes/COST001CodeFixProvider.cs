using System.Collections.Generic;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;

namespace AgentCost.Analyzers.CodeFixes;

/// <summary>
/// COST001: bounds the loop, either by marking its method <c>[TokenBudget(8000)]</c> or by counting its steps against
/// a <c>maxSteps</c> limit and stopping with an exception when the limit is passed.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(COST001CodeFixProvider)), Shared]
public sealed class COST001CodeFixProvider() : AgentCostCodeFixProvider(RuleIds.UnboundedAgentLoop)
{
    /// <summary>The budget the fix proposes, in tokens.</summary>
    public const int DefaultBudget = 8000;

    /// <summary>The step limit the fix proposes.</summary>
    public const int DefaultMaxSteps = 10;

    private protected override async Task RegisterFixesAsync(CodeFixContext context, SyntaxNode root)
    {
        var token = root.FindToken(context.Span.Start);
        if (token.Parent is not StatementSyntax loop || loop is not (WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax))
        {
            return;
        }

        var semanticModel = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (semanticModel is null)
        {
            return;
        }

        if (loop.FirstAncestorOrSelf<MethodDeclarationSyntax>() is { } method
            && semanticModel.Compilation.GetTypeByMetadataName("AgentCost.TokenBudgetAttribute") is not null
            && semanticModel.GetDeclaredSymbol(method, context.CancellationToken) is { } methodSymbol
            && semanticModel.Compilation.IsSymbolAccessibleWithin(methodSymbol, semanticModel.Compilation.Assembly))
        {
            Register(
                context,
                $"Add [TokenBudget({DefaultBudget})] to '{method.Identifier.ValueText}'",
                cancellationToken => AddTokenBudgetAsync(context.Document, method, cancellationToken),
                context.Diagnostics,
                key: ".TokenBudget");
        }

        Register(
            context,
            "Add a step limit (maxSteps)",
            cancellationToken => AddStepLimitAsync(context.Document, loop, cancellationToken),
            context.Diagnostics,
            key: ".StepLimit");
    }

    private static async Task<Document> AddTokenBudgetAsync(Document document, MethodDeclarationSyntax method, CancellationToken cancellationToken)
    {
        var budget = SyntaxFactory.AttributeArgument(SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(DefaultBudget)));
        return await AttributeFixes.AddAttributeAsync(document, method, "TokenBudget", cancellationToken, budget).ConfigureAwait(false);
    }

    private static async Task<Document> AddStepLimitAsync(Document document, StatementSyntax loop, CancellationToken cancellationToken)
    {
        var semanticModel = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var taken = TakenNames(loop, semanticModel);
        var step = Unique("step", taken);
        var maxSteps = Unique("maxSteps", taken);

        var exception = semanticModel is not null && AttributeFixes.IsInScope(semanticModel, loop.SpanStart, "InvalidOperationException", "System")
            ? "InvalidOperationException"
            : "System.InvalidOperationException";
        var endOfLine = AttributeFixes.GetEndOfLine(await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false) ?? loop);
        var guard = Statement(endOfLine, 
            $"if (++{step} > {maxSteps})\n{{\n    throw new {exception}($\"The agent loop stopped after {{{maxSteps}}} steps.\");\n}}\n");
        var declarations = new[]
        {
            Statement(endOfLine, $"const int {maxSteps} = {DefaultMaxSteps};\n"),
            Statement(endOfLine, $"var {step} = 0;\n"),
        };

        var newLoop = loop switch
        {
            WhileStatementSyntax whileLoop => whileLoop.WithStatement(WithGuard(whileLoop.Statement, guard)),
            DoStatementSyntax doLoop => doLoop.WithStatement(WithGuard(doLoop.Statement, guard)),
            ForStatementSyntax forLoop => (StatementSyntax)forLoop.WithStatement(WithGuard(forLoop.Statement, guard)),
            _ => loop,
        };

        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        switch (loop.Parent)
        {
            case BlockSyntax or SwitchSectionSyntax:
                editor.InsertBefore(loop, declarations);
                editor.ReplaceNode(loop, newLoop);
                break;
            case GlobalStatementSyntax global:
                editor.InsertBefore(global, declarations.Select(SyntaxFactory.GlobalStatement));
                editor.ReplaceNode(loop, newLoop);
                break;
            default:
                editor.ReplaceNode(loop, SyntaxFactory.Block(declarations.Concat(new[] { newLoop.WithoutLeadingTrivia() })).WithAdditionalAnnotations(Formatter.Annotation));
                break;
        }

        return await Formatter.FormatAsync(editor.GetChangedDocument(), Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    // A statement that the formatter indents where it lands.
    private static StatementSyntax Statement(SyntaxTrivia endOfLine, string text)
        => SyntaxFactory.ParseStatement(text.Replace("\n", endOfLine.ToString()))
            .WithLeadingTrivia(SyntaxFactory.ElasticMarker)
            .WithTrailingTrivia(endOfLine)
            .WithAdditionalAnnotations(Formatter.Annotation);

    private static StatementSyntax WithGuard(StatementSyntax body, StatementSyntax guard) => body is BlockSyntax block
        ? block.WithStatements(block.Statements.Insert(0, guard))
        : SyntaxFactory.Block(guard, body).WithAdditionalAnnotations(Formatter.Annotation);

    // Names in scope at the loop, and names declared anywhere in its member, where a new local could clash.
    private static HashSet<string> TakenNames(StatementSyntax loop, SemanticModel? semanticModel)
    {
        var taken = new HashSet<string>();
        if (semanticModel is not null)
        {
            foreach (var symbol in semanticModel.LookupSymbols(loop.SpanStart))
            {
                taken.Add(symbol.Name);
            }
        }

        var scope = (SyntaxNode?)loop.FirstAncestorOrSelf<MemberDeclarationSyntax>() ?? loop.SyntaxTree.GetRoot();
        foreach (var token in scope.DescendantTokens())
        {
            if (token.IsKind(SyntaxKind.IdentifierToken))
            {
                taken.Add(token.ValueText);
            }
        }

        return taken;
    }

    private static string Unique(string name, HashSet<string> taken)
    {
        var candidate = name;
        for (var i = 2; taken.Contains(candidate); i++)
        {
            candidate = name + i;
        }

        taken.Add(candidate);
        return candidate;
    }
}
