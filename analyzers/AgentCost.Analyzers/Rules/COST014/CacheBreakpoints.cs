using AgentCost.Analyzers.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AgentCost.Analyzers.Rules;

/// <summary>
/// Recognises the operations that set an Anthropic prompt-cache breakpoint: a call of the Anthropic SDK's
/// <c>WithCacheControl</c> extension (the <c>Anthropic</c> package, 13.x, declares it on
/// <c>Microsoft.Extensions.AI.AIContentCacheExtensions</c>; a method of that name in any namespace under
/// <c>Anthropic</c> is matched too, so that a new SDK layout keeps matching), and a <c>"cache_control"</c> or <c>"anthropic:cache_control"</c> entry added to or set in an <c>AdditionalPropertiesDictionary</c>.
/// </summary>
internal sealed class CacheBreakpoints
{
    private const string MarkerMethod = "WithCacheControl";
    private const string MarkerKey = "cache_control";

    // The key the SDK's WithCacheControl writes on AIContent, which code sometimes writes by hand.
    private const string SdkMarkerKey = "anthropic:cache_control";
    private const string AnthropicNamespace = "Anthropic";

    // Where the Anthropic package declares WithCacheControl for Microsoft.Extensions.AI content.
    private const string SdkExtensionsType = "AIContentCacheExtensions";
    private const string SdkExtensionsNamespace = "Microsoft.Extensions.AI";

    private readonly bool _hasAnthropic;
    private readonly INamedTypeSymbol? _additionalProperties;

    private CacheBreakpoints(bool hasAnthropic, INamedTypeSymbol? additionalProperties)
    {
        _hasAnthropic = hasAnthropic;
        _additionalProperties = additionalProperties;
    }

    /// <summary>The recogniser for <paramref name="compilation"/>, or <see langword="null"/> when it can set no breakpoint.</summary>
    public static CacheBreakpoints? Create(Compilation compilation)
    {
        var hasAnthropic = false;
        foreach (var member in compilation.GlobalNamespace.GetNamespaceMembers())
        {
            hasAnthropic |= member.Name == AnthropicNamespace;
        }

        var additionalProperties = compilation.GetTypeByMetadataName("Microsoft.Extensions.AI.AdditionalPropertiesDictionary`1");
        return hasAnthropic || additionalProperties is not null ? new CacheBreakpoints(hasAnthropic, additionalProperties) : null;
    }

    /// <summary>Whether <paramref name="operation"/> sets one breakpoint.</summary>
    public bool IsBreakpoint(IOperation operation) => operation switch
    {
        IInvocationOperation invocation => IsWithCacheControl(invocation.TargetMethod) || IsMarkerAdd(invocation),
        ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.IsIndexer: true } indexer } =>
            IsAdditionalProperties(indexer.Instance?.Type) && HasMarkerKey(indexer.Arguments),
        _ => false,
    };

    /// <summary>
    /// How many times the operation runs for one call of its method: the product of the constant counts of the loops
    /// around it, or <see langword="null"/> when a loop's count is not a constant.
    /// </summary>
    public static int? Repetitions(IOperation operation)
    {
        var count = 1;
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                break;
            }

            if (current is ILoopOperation loop)
            {
                if (ConstantCount(loop) is not { } times)
                {
                    return null;
                }

                // Capped: only whether the total passes 4 matters, and a huge constant must not overflow.
                count = (int)System.Math.Min((long)count * times, 1000);
            }
        }

        return count;
    }

    private bool IsWithCacheControl(IMethodSymbol method)
    {
        if (!_hasAnthropic || method.Name != MarkerMethod)
        {
            return false;
        }

        var declared = method.ReducedFrom ?? method;
        if (declared.ContainingType is { Name: SdkExtensionsType } extensions
            && extensions.ContainingNamespace.ToDisplayString() == SdkExtensionsNamespace)
        {
            return true;
        }

        var @namespace = declared.ContainingNamespace;
        while (@namespace is { IsGlobalNamespace: false, ContainingNamespace.IsGlobalNamespace: false })
        {
            @namespace = @namespace.ContainingNamespace;
        }

        return @namespace is { Name: AnthropicNamespace };
    }

    private bool IsMarkerAdd(IInvocationOperation invocation)
        => invocation.TargetMethod.Name is "Add" or "TryAdd"
            && IsAdditionalProperties(invocation.Instance?.Type)
            && HasMarkerKey(invocation.Arguments);

    private bool IsAdditionalProperties(ITypeSymbol? type) => Names.IsOrInherits(type, _additionalProperties);

    private static bool HasMarkerKey(System.Collections.Immutable.ImmutableArray<IArgumentOperation> arguments)
        => !arguments.IsEmpty && arguments[0].Value.ConstantValue is { HasValue: true, Value: MarkerKey or SdkMarkerKey };

    // for (var i = a; i < b; i++) with constant a and b, and foreach over an array or collection expression of known length.
    private static int? ConstantCount(ILoopOperation loop)
    {
        switch (loop)
        {
            case IForLoopOperation
            {
                Before: [IVariableDeclarationGroupOperation { Declarations: [{ Declarators: [{ Initializer.Value.ConstantValue: { HasValue: true, Value: int start } }] }] }],
                Condition: IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual } condition,
            }
            when condition.RightOperand.ConstantValue is { HasValue: true, Value: int end }:
                var times = (long)end - start + (condition.OperatorKind == BinaryOperatorKind.LessThanOrEqual ? 1 : 0);
                return (int)System.Math.Max(0, System.Math.Min(times, 1000));
            case IForEachLoopOperation { Collection: var collection }:
                return OperationTree.Unwrap(collection) switch
                {
                    IArrayCreationOperation { Initializer: { } initializer } => initializer.ElementValues.Length,
                    ICollectionExpressionOperation expression when !HasSpread(expression) => expression.Elements.Length,
                    _ => null,
                };
            default:
                return null;
        }
    }

    private static bool HasSpread(ICollectionExpressionOperation expression)
    {
        foreach (var element in expression.Elements)
        {
            if (element is ISpreadOperation)
            {
                return true;
            }
        }

        return false;
    }
}
