using System.Collections.Generic;
using AgentCost.Analyzers.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AgentCost.Analyzers.Rules;

/// <summary>
/// COST012: a value that changes on every call (a clock reading, a new Guid, a random number, a stopwatch or tick count)
/// interpolated or concatenated ahead of static text into a system prompt (<c>new ChatMessage(ChatRole.System, ...)</c>,
/// <c>ChatOptions.Instructions</c>) or into the first message of a conversation. A parameter of the enclosing method
/// counts only in a system prompt: the first user message is where a request's own text belongs. A value followed by
/// nothing but punctuation and white space is at the end, where it costs the cache nothing.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class COST012PerCallValueInPromptPrefix() : AgentCostAnalyzer(Descriptors.PerCallValueInPromptPrefix)
{
    private const string SystemPrompt = "the system prompt";
    private const string FirstMessage = "the first message";

    // How many local initializers a prompt is followed back through: enough for `var system = ...; var prompt = system + ...`.
    private const int MaxLocalHops = 3;

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, KnownSymbols known)
    {
        var symbols = PromptSymbols.Create(start.Compilation, known);
        if (symbols is null)
        {
            return;
        }

        start.RegisterOperationAction(context => AnalyzeCreation(context, symbols), OperationKind.ObjectCreation);
        start.RegisterOperationAction(context => AnalyzeAssignment(context, symbols), OperationKind.SimpleAssignment);
        start.RegisterOperationAction(context => AnalyzeInvocation(context, symbols), OperationKind.Invocation);
    }

    private static void AnalyzeCreation(OperationAnalysisContext context, PromptSymbols symbols)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        if (!SymbolEqualityComparer.Default.Equals(creation.Type, symbols.ChatMessage)
            || creation.Arguments.Length != 2
            || creation.Arguments[1].Value.Type?.SpecialType != SpecialType.System_String)
        {
            return;
        }

        if (OperationTree.Unwrap(creation.Arguments[0].Value) is IPropertyReferenceOperation { Property.Name: "System" } role
            && SymbolEqualityComparer.Default.Equals(role.Property.ContainingType, symbols.ChatRole))
        {
            Analyze(context, symbols, creation.Arguments[1].Value, SystemPrompt);
        }
        else if (IsFirstElement(creation))
        {
            Analyze(context, symbols, creation.Arguments[1].Value, FirstMessage);
        }
    }

    private static void AnalyzeAssignment(OperationAnalysisContext context, PromptSymbols symbols)
    {
        var assignment = (ISimpleAssignmentOperation)context.Operation;
        if (assignment.Target is IPropertyReferenceOperation { Property.Name: "Instructions" } target
            && SymbolEqualityComparer.Default.Equals(target.Property.ContainingType, symbols.ChatOptions))
        {
            Analyze(context, symbols, assignment.Value, SystemPrompt);
        }
    }

    // chat.GetResponseAsync("...") sends the string as the only, and so the first, message.
    private static void AnalyzeInvocation(OperationAnalysisContext context, PromptSymbols symbols)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (method.Name is not ("GetResponseAsync" or "GetStreamingResponseAsync")
            || !method.IsExtensionMethod
            || invocation.Arguments.Length < 2
            || invocation.Arguments[1].Value.Type?.SpecialType != SpecialType.System_String
            || !Names.IsOrInherits(invocation.Arguments[0].Value.Type, symbols.ChatClient))
        {
            return;
        }

        Analyze(context, symbols, invocation.Arguments[1].Value, FirstMessage);
    }

    /// <summary>Whether a message is the first element of a collection expression, array or collection initializer.</summary>
    private static bool IsFirstElement(IOperation message)
    {
        var element = message;
        while (element.Parent is IConversionOperation)
        {
            element = element.Parent;
        }

        return element.Parent switch
        {
            ICollectionExpressionOperation collection => collection.Elements.Length > 0 && collection.Elements[0] == element,
            IArrayInitializerOperation array => array.ElementValues.Length > 0 && array.ElementValues[0] == element,
            IArgumentOperation { Parent: IInvocationOperation { Parent: IObjectOrCollectionInitializerOperation initializer } add } argument
                => initializer.Initializers.Length > 0 && initializer.Initializers[0] == add && add.Arguments.Length == 1 && add.Arguments[0] == argument,
            // messages.Insert(0, message) puts it in front of whatever the list holds.
            IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "Insert", Arguments.Length: 2 } insert } argument
                => insert.Arguments[1] == argument && insert.Arguments[0].Value.ConstantValue is { HasValue: true, Value: 0 },
            _ => false,
        };
    }

    private static void Analyze(OperationAnalysisContext context, PromptSymbols symbols, IOperation text, string where)
    {
        var parts = new List<IOperation>();
        Flatten(text, parts, MaxLocalHops);

        IOperation? firstDynamic = null;
        foreach (var part in parts)
        {
            if (firstDynamic is null)
            {
                if (part is not (IInterpolatedStringTextOperation or ILiteralOperation) && IsPerCall(part, symbols, where == SystemPrompt))
                {
                    firstDynamic = part;
                }
            }
            else if (IsStaticText(part))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.PerCallValueInPromptPrefix, firstDynamic.Syntax.GetLocation(), firstDynamic.Syntax.ToString(), where));
                return;
            }
        }
    }

    /// <summary>The pieces a prompt is made of, in order: interpolations, concatenations and locals' initializers opened.</summary>
    private static void Flatten(IOperation operation, List<IOperation> parts, int hops)
    {
        operation = OperationTree.Unwrap(operation);
        switch (operation)
        {
            case IInterpolatedStringOperation interpolated:
                foreach (var part in interpolated.Parts)
                {
                    if (part is IInterpolationOperation interpolation)
                    {
                        Flatten(interpolation.Expression, parts, hops);
                    }
                    else
                    {
                        parts.Add(part);
                    }
                }

                break;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add, Type.SpecialType: SpecialType.System_String } concatenation:
                Flatten(concatenation.LeftOperand, parts, hops);
                Flatten(concatenation.RightOperand, parts, hops);
                break;
            case IInvocationOperation { TargetMethod: { Name: "Concat", ContainingType.SpecialType: SpecialType.System_String } } concat
                when concat.Arguments.Length > 0 && concat.Arguments[0].ArgumentKind == ArgumentKind.Explicit:
                foreach (var argument in concat.Arguments)
                {
                    Flatten(argument.Value, parts, hops);
                }

                break;
            case IInvocationOperation { TargetMethod: { Name: "Join", ContainingType.SpecialType: SpecialType.System_String } } join
                when join.Arguments.Length == 2 && Unpacked(join.Arguments[1]) is { } elements:
                for (var i = 0; i < elements.Length; i++)
                {
                    if (i > 0)
                    {
                        Flatten(join.Arguments[0].Value, parts, hops);
                    }

                    Flatten(elements[i], parts, hops);
                }

                break;
            case ILocalReferenceOperation local when hops > 0 && LocalInitializer(local) is { } initializer:
                Flatten(initializer, parts, hops - 1);
                break;
            default:
                parts.Add(operation);
                break;
        }
    }

    /// <summary>The strings of a <c>params</c> argument or an explicit array or collection expression, or <see langword="null"/>.</summary>
    private static System.Collections.Immutable.ImmutableArray<IOperation>? Unpacked(IArgumentOperation argument)
        => OperationTree.Unwrap(argument.Value) switch
        {
            IArrayCreationOperation { Initializer: { } initializer } => initializer.ElementValues,
            ICollectionExpressionOperation collection => collection.Elements,
            _ => null,
        };

    /// <summary>The initializer of a local declared with one, in the same body; its later assignments are not followed.</summary>
    private static IOperation? LocalInitializer(ILocalReferenceOperation reference)
    {
        if (reference.Local.DeclaringSyntaxReferences.Length != 1)
        {
            return null;
        }

        var declarator = reference.Local.DeclaringSyntaxReferences[0].GetSyntax();
        if (declarator.SyntaxTree != reference.Syntax.SyntaxTree
            || reference.SemanticModel?.GetOperation(declarator) is not IVariableDeclaratorOperation declaration)
        {
            return null;
        }

        return declaration.Initializer?.Value ?? (declaration.Parent as IVariableDeclarationOperation)?.Initializer?.Value;
    }

    /// <summary>Text that a cache would keep: a constant with a letter or digit, or a read-only string field or property.</summary>
    private static bool IsStaticText(IOperation part)
    {
        if (part is IInterpolatedStringTextOperation text)
        {
            return text.Text.ConstantValue is { HasValue: true, Value: string value } && PromptText.HasWords(value);
        }

        if (part.ConstantValue is { HasValue: true, Value: string constant })
        {
            return PromptText.HasWords(constant);
        }

        return part.Type?.SpecialType == SpecialType.System_String && part switch
        {
            IFieldReferenceOperation field => field.Field.IsReadOnly || field.Field.IsConst,
            IPropertyReferenceOperation property => property.Property.IsReadOnly && property.Property.IsStatic,
            _ => false,
        };
    }

    /// <summary>Whether an expression reads a value that differs between calls.</summary>
    private static bool IsPerCall(IOperation expression, PromptSymbols symbols, bool parametersCount)
    {
        // A parameter counts only as the value itself (`{userName}`, `{id.ToString()}`): a member of a parameter
        // (`{settings.SystemPrompt}`) is as often the application's fixed configuration as a per-request value.
        if (parametersCount
            && (expression is IInvocationOperation { TargetMethod.Name: "ToString", Instance: { } instance } ? OperationTree.Unwrap(instance) : expression)
                is IParameterReferenceOperation { Parameter.ContainingSymbol: IMethodSymbol { MethodKind: not MethodKind.Constructor } })
        {
            return true;
        }

        foreach (var operation in OperationTree.SelfAndDescendantsInBody(expression))
        {
            switch (operation)
            {
                case IPropertyReferenceOperation property when symbols.IsPerCallProperty(property.Property):
                case IInvocationOperation invocation when symbols.IsPerCallMethod(invocation.TargetMethod):
                    return true;
            }
        }

        return false;
    }

    /// <summary>The types the rule reads, resolved once per compilation.</summary>
    private sealed class PromptSymbols
    {
        private PromptSymbols(Compilation compilation, INamedTypeSymbol chatClient, INamedTypeSymbol chatMessage, INamedTypeSymbol chatRole)
        {
            ChatClient = chatClient;
            ChatMessage = chatMessage;
            ChatRole = chatRole;
            ChatOptions = compilation.GetTypeByMetadataName("Microsoft.Extensions.AI.ChatOptions");
            DateTime = compilation.GetSpecialType(SpecialType.System_DateTime);
            DateTimeOffset = compilation.GetTypeByMetadataName("System.DateTimeOffset");
            Guid = compilation.GetTypeByMetadataName("System.Guid");
            Random = compilation.GetTypeByMetadataName("System.Random");
            Stopwatch = compilation.GetTypeByMetadataName("System.Diagnostics.Stopwatch");
            Environment = compilation.GetTypeByMetadataName("System.Environment");
            TimeProvider = compilation.GetTypeByMetadataName("System.TimeProvider");
        }

        public INamedTypeSymbol ChatClient { get; }

        public INamedTypeSymbol ChatMessage { get; }

        public INamedTypeSymbol ChatRole { get; }

        public INamedTypeSymbol? ChatOptions { get; }

        private INamedTypeSymbol DateTime { get; }

        private INamedTypeSymbol? DateTimeOffset { get; }

        private INamedTypeSymbol? Guid { get; }

        private INamedTypeSymbol? Random { get; }

        private INamedTypeSymbol? Stopwatch { get; }

        private INamedTypeSymbol? Environment { get; }

        private INamedTypeSymbol? TimeProvider { get; }

        public static PromptSymbols? Create(Compilation compilation, KnownSymbols known)
            => known.ChatClient is { } chatClient
                && compilation.GetTypeByMetadataName("Microsoft.Extensions.AI.ChatMessage") is { } chatMessage
                && compilation.GetTypeByMetadataName("Microsoft.Extensions.AI.ChatRole") is { } chatRole
                ? new PromptSymbols(compilation, chatClient, chatMessage, chatRole)
                : null;

        public bool IsPerCallProperty(IPropertySymbol property)
        {
            var type = property.ContainingType;
            return property.Name switch
            {
                "Now" or "UtcNow" => Is(type, DateTime) || Is(type, DateTimeOffset),
                "Today" => Is(type, DateTime),
                "TickCount" or "TickCount64" => Is(type, Environment),
                "Elapsed" or "ElapsedMilliseconds" or "ElapsedTicks" => Is(type, Stopwatch),
                "Shared" => Is(type, Random),
                _ => false,
            };
        }

        public bool IsPerCallMethod(IMethodSymbol method)
        {
            var type = method.ContainingType;
            return method.Name switch
            {
                "NewGuid" or "CreateVersion7" => Is(type, Guid),
                "GetElapsedTime" => Is(type, Stopwatch),
                "GetTimestamp" => Is(type, Stopwatch) || Is(type, TimeProvider),
                "GetUtcNow" or "GetLocalNow" => Is(type, TimeProvider),
                _ => !method.IsStatic && Names.IsOrInherits(type, Random),
            };
        }

        private static bool Is(INamedTypeSymbol? type, INamedTypeSymbol? target)
            => type is not null && SymbolEqualityComparer.Default.Equals(type, target);
    }
}
