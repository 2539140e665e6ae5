using System;
using System.Composition;
using System.Threading.Tasks;
using AgentCost.Analyzers.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AgentCost.Analyzers.CodeFixes;

/// <summary>
/// COST012: for a per-call value in an interpolated prompt, moves the sentence that holds every interpolation to the end
/// of the string: <c>$"Today is {DateTime.UtcNow:d}. You are a helpful agent."</c> becomes
/// <c>$"You are a helpful agent. Today is {DateTime.UtcNow:d}."</c>. Offered only when that sentence ends at a sentence
/// boundary (". ", "! ", "? " or a <c>\n</c> escape) and the static text after it is whole sentences, in a regular
/// <c>$"..."</c> string that is the whole prompt: anything less clean could change what the prompt says.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(COST012CodeFixProvider)), Shared]
public sealed class COST012CodeFixProvider() : AgentCostCodeFixProvider(RuleIds.PerCallValueInPromptPrefix)
{
    private const string NewLineEscape = "\\n";

    private protected override Task RegisterFixesAsync(CodeFixContext context, SyntaxNode root)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not { } node
                || node.FirstAncestorOrSelf<InterpolatedStringExpressionSyntax>() is not { } prompt
                || IsPieceOfALargerPrompt(prompt)
                || Reorder(prompt) is not { } reordered)
            {
                continue;
            }

            Register(
                context,
                "Move the per-call value to the end of the prompt",
                _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(prompt, reordered.WithTriviaFrom(prompt)))),
                diagnostic);
        }

        return Task.CompletedTask;
    }

    /// <summary>Whether the string is joined to more text, where moving its sentence would not put the value at the prompt's end.</summary>
    private static bool IsPieceOfALargerPrompt(InterpolatedStringExpressionSyntax prompt) => prompt.Parent switch
    {
        BinaryExpressionSyntax or ExpressionElementSyntax or InitializerExpressionSyntax or InterpolationSyntax => true,
        ArgumentSyntax { Parent.Parent: InvocationExpressionSyntax invocation } => invocation.Expression is MemberAccessExpressionSyntax
        {
            Name.Identifier.ValueText: "Join" or "Concat" or "Format",
        },
        _ => false,
    };

    /// <summary>The prompt with the sentence of its interpolations moved to the end, or <see langword="null"/> when the split is not clean.</summary>
    private static ExpressionSyntax? Reorder(InterpolatedStringExpressionSyntax prompt)
    {
        if (!prompt.StringStartToken.IsKind(SyntaxKind.InterpolatedStringStartToken)
            || prompt.StringEndToken.IsMissing
            || prompt.ContainsDiagnostics)
        {
            return null;
        }

        InterpolationSyntax? first = null, last = null;
        foreach (var content in prompt.Contents)
        {
            if (content is InterpolationSyntax interpolation)
            {
                first ??= interpolation;
                last = interpolation;
            }
        }

        var start = prompt.StringStartToken.Span.End;
        var text = prompt.ToString().Substring(start - prompt.SpanStart, prompt.StringEndToken.SpanStart - start);
        if (first is null || last is null || text.IndexOf("\\\\", StringComparison.Ordinal) >= 0)
        {
            return null;
        }

        var before = text.Substring(0, first.SpanStart - start);
        var lastEnd = last.Span.End - start;
        var sentenceStart = LastBoundaryEnd(before);
        var (chunkEnd, separatorLength) = FirstBoundary(text, lastEnd);
        if (chunkEnd < 0)
        {
            return null;
        }

        var rest = text.Substring(chunkEnd + separatorLength);
        if (rest.Length == 0 || !PromptText.HasWords(rest) || rest[rest.Length - 1] is not ('.' or '!' or '?'))
        {
            return null;
        }

        var reordered = before.Substring(0, sentenceStart) + rest + text.Substring(chunkEnd, separatorLength) + text.Substring(sentenceStart, chunkEnd - sentenceStart);
        return SyntaxFactory.ParseExpression("$\"" + reordered + "\"");
    }

    /// <summary>Where the last sentence of <paramref name="text"/> starts: after its last boundary, or at 0.</summary>
    private static int LastBoundaryEnd(string text)
    {
        var end = 0;
        for (var i = 0; i + 1 < text.Length; i++)
        {
            if (text[i] is '.' or '!' or '?' && text[i + 1] == ' ')
            {
                end = i + 2;
            }
            else if (string.CompareOrdinal(text, i, NewLineEscape, 0, 2) == 0)
            {
                end = i + 2;
            }
        }

        return end;
    }

    /// <summary>The end of the sentence that goes on from <paramref name="from"/> (its punctuation kept) and the length of the separator after it.</summary>
    private static (int End, int SeparatorLength) FirstBoundary(string text, int from)
    {
        for (var i = from; i + 1 < text.Length; i++)
        {
            if (text[i] is '.' or '!' or '?' && text[i + 1] == ' ')
            {
                return (i + 1, 1);
            }

            if (string.CompareOrdinal(text, i, NewLineEscape, 0, 2) == 0)
            {
                return (i, 2);
            }
        }

        return (-1, 0);
    }
}
