using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Threading;
using AgentCost.Analyzers.Common;
using AgentCost.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AgentCost.Analyzers.Rules;

/// <summary>What a call does that matters to an agent loop: reach a model, wait for a person.</summary>
internal readonly struct CallEffects(string? modelCall, bool waitsForPerson)
{
    /// <summary>How the message names the model call, or <see langword="null"/> when there is none.</summary>
    public string? ModelCall { get; } = modelCall;

    /// <summary>Whether the call waits for a person (a console read, a prompt library's question).</summary>
    public bool WaitsForPerson { get; } = waitsForPerson;
}

/// <summary>
/// Recognises model calls: the known model APIs, methods marked <c>[TokenBudget]</c> or <c>[RouteModel]</c>, the
/// methods named in <c>agentcost.model_call_methods</c>, and methods of the compilation whose bodies make one (up to
/// <see cref="MaxDepth"/> calls deep). One instance per compilation and option value; safe for concurrent use.
/// </summary>
internal sealed class ModelCalls(KnownSymbols known, MethodList custom)
{
    /// <summary>How many calls deep a helper method of the compilation is followed.</summary>
    public const int MaxDepth = 3;

    private static readonly ImmutableHashSet<string> s_promptLibraryMethods =
        ImmutableHashSet.Create(StringComparer.Ordinal, "Ask", "AskAsync", "Prompt", "PromptAsync", "Confirm", "ConfirmAsync", "Show", "ShowAsync");

    private readonly ConcurrentDictionary<IMethodSymbol, MethodSummary> _summaries = new(SymbolEqualityComparer.Default);

    /// <summary>How the message names a call of <paramref name="method"/> if it is a model call by itself; else <see langword="null"/>.</summary>
    public string? DescribeModelCall(IMethodSymbol method)
    {
        var definition = (method.ReducedFrom ?? method).OriginalDefinition;
        var type = definition.ContainingType;
        var extended = definition.IsExtensionMethod && definition.Parameters.Length > 0 ? definition.Parameters[0].Type : null;
        switch (definition.Name)
        {
            case "GetResponseAsync" or "GetStreamingResponseAsync"
                when Names.IsOrInherits(type, known.ChatClient) || Names.IsOrInherits(extended, known.ChatClient):
                return "IChatClient." + definition.Name;
            case "CompleteChat" or "CompleteChatAsync" or "CompleteChatStreaming" or "CompleteChatStreamingAsync"
                when Names.IsOrInherits(type, known.OpenAIChatClient):
                return "ChatClient." + definition.Name;
            case "InvokePromptAsync" or "InvokeAsync" or "InvokePromptStreamingAsync" or "InvokeStreamingAsync"
                when Names.IsOrInherits(type, known.Kernel) || Names.IsOrInherits(extended, known.Kernel):
                return "Kernel." + definition.Name;
            case "RunAsync" or "RunStreamingAsync"
                when Names.IsOrInherits(type, known.Agent) || Names.IsOrInherits(extended, known.Agent):
                return "AIAgent." + definition.Name;
        }

        if (known.ChatCompletionService is { } chatCompletion
            && definition.Name.StartsWith("Get", StringComparison.Ordinal)
            && definition.Name.IndexOf("ChatMessageContent", StringComparison.Ordinal) >= 0
            && (Names.IsOrInherits(type, chatCompletion) || Names.IsOrInherits(extended, chatCompletion)))
        {
            return "IChatCompletionService." + definition.Name;
        }

        foreach (var attribute in known.GetAgentCostAttributes(definition))
        {
            if (attribute.AttributeClass!.Name is AgentCostAttributes.TokenBudget or AgentCostAttributes.RouteModel)
            {
                return Names.Describe(definition) + ", a [" + AgentCostAttributes.ShortName(attribute) + "] method";
            }
        }

        return custom.Contains(definition) ? Names.Describe(definition) : null;
    }

    /// <summary>Whether the call waits for a person: a console read or a prompt library's question.</summary>
    public bool WaitsForPerson(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        var type = method.ContainingType;
        if (type is null)
        {
            return false;
        }

        if (known.Console is { } console)
        {
            if (SymbolEqualityComparer.Default.Equals(type, console))
            {
                return method.Name is "ReadLine" or "ReadKey" or "Read";
            }

            // Console.In.ReadLine(), Console.In.ReadLineAsync().
            if (method.Name.StartsWith("ReadLine", StringComparison.Ordinal)
                && invocation.Instance is IPropertyReferenceOperation { Property.Name: "In" } property
                && SymbolEqualityComparer.Default.Equals(property.Property.ContainingType, console))
            {
                return true;
            }
        }

        var @namespace = type.ContainingNamespace;
        return (s_promptLibraryMethods.Contains(method.Name) && Symbols.IsInNamespace(@namespace, "Spectre.Console"))
            || Symbols.IsInNamespace(@namespace, "Sharprompt");
    }

    /// <summary>Whether the method's body is in this compilation, so that <see cref="FollowHelper"/> can read it.</summary>
    public bool IsInCompilation(IMethodSymbol method)
        => SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, known.Compilation.Assembly)
            && !method.IsAbstract
            && !method.IsExtern
            && method.DeclaringSyntaxReferences.Length > 0;

    /// <summary>
    /// What a method of the compilation does, following the methods it calls up to <see cref="MaxDepth"/> deep. Breadth
    /// first, so that the message names the shortest chain; each body is read once per compilation.
    /// </summary>
    public CallEffects FollowHelper(IMethodSymbol helper, CancellationToken cancellationToken)
    {
        var start = helper.OriginalDefinition;
        var visited = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default) { start };
        var level = new List<(IMethodSymbol Method, string Path)> { (start, Names.Describe(start)) };
        var waits = false;
        for (var depth = 0; depth < MaxDepth && level.Count > 0; depth++)
        {
            var next = new List<(IMethodSymbol, string)>();
            foreach (var (method, path) in level)
            {
                var summary = _summaries.GetOrAdd(method, m => Summarise(m, cancellationToken));
                waits |= summary.WaitsForPerson;
                if (summary.ModelCall is not null)
                {
                    return new CallEffects(path + " \u2192 " + summary.ModelCall, waits);
                }

                foreach (var callee in summary.Callees)
                {
                    if (visited.Add(callee))
                    {
                        next.Add((callee, path + " \u2192 " + Names.Describe(callee)));
                    }
                }
            }

            level = next;
        }

        return new CallEffects(null, waits);
    }

    [SuppressMessage(
        "MicrosoftCodeAnalysisCorrectness",
        "RS1030:Do not invoke Compilation.GetSemanticModel() method within a diagnostic analyzer",
        Justification = "A helper's body lives in another member, often another file; the compiler's analyzer driver hands out its cached semantic models, and each body is read once per compilation.")]
    private MethodSummary Summarise(IMethodSymbol method, CancellationToken cancellationToken)
    {
        string? modelCall = null;
        var waits = false;
        var callees = ImmutableArray.CreateBuilder<IMethodSymbol>();
        var compilation = known.Compilation;
        method = method.PartialImplementationPart ?? method;
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            var syntax = reference.GetSyntax(cancellationToken);
            if (!compilation.ContainsSyntaxTree(syntax.SyntaxTree))
            {
                continue;
            }

            var operation = compilation.GetSemanticModel(syntax.SyntaxTree).GetOperation(syntax, cancellationToken);
            if (operation is null)
            {
                continue;
            }

            foreach (var descendant in operation.Descendants())
            {
                if (descendant is not IInvocationOperation invocation)
                {
                    continue;
                }

                modelCall ??= DescribeModelCall(invocation.TargetMethod);
                waits |= WaitsForPerson(invocation);
                if (IsInCompilation(invocation.TargetMethod))
                {
                    callees.Add(invocation.TargetMethod.OriginalDefinition);
                }
            }
        }

        return new MethodSummary(modelCall, waits, callees.ToImmutable());
    }

    private sealed class MethodSummary(string? modelCall, bool waitsForPerson, ImmutableArray<IMethodSymbol> callees)
    {
        public string? ModelCall { get; } = modelCall;

        public bool WaitsForPerson { get; } = waitsForPerson;

        public ImmutableArray<IMethodSymbol> Callees { get; } = callees;
    }
}
