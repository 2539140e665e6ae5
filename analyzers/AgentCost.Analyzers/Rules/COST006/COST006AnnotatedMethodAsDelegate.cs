using System;
using System.Collections.Immutable;
using AgentCost.Analyzers.Common;
using AgentCost.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AgentCost.Analyzers.Rules;

/// <summary>
/// COST006: a method with a policy attribute (<c>[Cached]</c>, <c>[TokenBudget]</c>, <c>[RouteModel]</c>) used as a
/// delegate or method group anywhere but <c>AIFunctionFactory.Create</c>, exposed to a model by a factory that finds
/// methods by reflection (Semantic Kernel's plugin factories, the MCP server's <c>WithTools</c>), or found by reflection
/// itself (<c>GetMethod(s)</c> and the like, and <c>AIFunctionFactory.Create(MethodInfo, ...)</c> of what they find):
/// calls made through them pass no call site the generator can intercept, so the policy silently does not apply.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class COST006AnnotatedMethodAsDelegate() : AgentCostAnalyzer(Descriptors.AnnotatedMethodAsDelegate)
{
    private static readonly ImmutableHashSet<string> s_reflectionFactories = ImmutableHashSet.Create(
        StringComparer.Ordinal,
        "CreateFromType", "CreateFromObject", "AddFromType", "AddFromObject", "ImportPluginFromType", "ImportPluginFromObject", "WithTools");

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, KnownSymbols known)
    {
        if (!known.HasPolicyAttributes)
        {
            return;
        }

        start.RegisterOperationAction(context => AnalyzeMethodReference(context, known), OperationKind.MethodReference);
        var lookups = MethodLookups.Create(known);
        if (known.KernelFunctionAttribute is not null || known.McpServerToolAttribute is not null || lookups is not null)
        {
            start.RegisterOperationAction(context => AnalyzeInvocation(context, known, lookups), OperationKind.Invocation);
        }

        if (lookups is not null)
        {
            start.RegisterOperationAction(context => AnalyzeLookup(context, known, lookups, lookups.AsLookup(context.Operation)), OperationKind.PropertyReference);
        }
    }

    private static void AnalyzeMethodReference(OperationAnalysisContext context, KnownSymbols known)
    {
        var reference = (IMethodReferenceOperation)context.Operation;
        if (known.FindPolicy(reference.Method) is not { } policy)
        {
            return;
        }

        string message;
        if (IsFactoryArgument(reference, known))
        {
            if (GetFactoryProblem(reference) is not { } problem)
            {
                return;
            }

            message = $"'{reference.Method.Name}' is [{AgentCostAttributes.ShortName(policy)}], but the intercepted AIFunctionFactory.Create cannot wrap this method group ({problem}), so the tool runs without the policy; pass a lambda that calls the method instead";
        }
        else
        {
            message = $"'{reference.Method.Name}' is [{AgentCostAttributes.ShortName(policy)}], but it is used as a delegate here: calls through the delegate pass no call site an interceptor can reach, so the policy does not apply; call the method from a lambda instead (or hand the method group to AIFunctionFactory.Create)";
        }

        context.ReportDiagnostic(Diagnostic.Create(Descriptors.AnnotatedMethodAsDelegate, reference.Syntax.GetLocation(), message));
    }

    // The method groups the generator's tool-factory interception leaves alone (InterceptorGenerator.Parser.ParseToolFactory).
    private static string? GetFactoryProblem(IMethodReferenceOperation reference)
    {
        var method = reference.Method;
        if (method.IsExtensionMethod || method.ReducedFrom is not null)
        {
            return "an extension method group binds its receiver as the delegate's target";
        }

        if (reference.Instance?.Syntax is BaseExpressionSyntax)
        {
            return "a base method group binds non-virtually";
        }

        if (!method.IsStatic && reference.Instance?.Type is { } receiver)
        {
            if (receiver.TypeKind == TypeKind.TypeParameter)
            {
                return "its receiver's type is a type parameter";
            }

            if (receiver.IsValueType)
            {
                return "its receiver is a struct value";
            }
        }

        return null;
    }

    // AIFunctionFactory.Create(tools.SearchAsync): the generator intercepts the factory call.
    private static bool IsFactoryArgument(IOperation reference, KnownSymbols known)
    {
        var current = reference.Parent;
        while (current is IDelegateCreationOperation or IConversionOperation)
        {
            current = current.Parent;
        }

        return current is IArgumentOperation { Parent: IInvocationOperation invocation } && IsFactoryCreate(invocation, known);
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, KnownSymbols known, MethodLookups? lookups)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (lookups is not null)
        {
            if (IsFactoryCreate(invocation, known))
            {
                AnalyzeReflectedTool(context, invocation, known, lookups);
                return;
            }

            if (lookups.AsLookup(invocation) is { } lookup)
            {
                AnalyzeLookup(context, known, lookups, lookup);
                return;
            }
        }

        if (known.KernelFunctionAttribute is not null || known.McpServerToolAttribute is not null)
        {
            AnalyzeReflectionFactory(context, invocation, known);
        }
    }

    private static void AnalyzeReflectionFactory(OperationAnalysisContext context, IInvocationOperation invocation, KnownSymbols known)
    {
        var factory = invocation.TargetMethod;
        if (!s_reflectionFactories.Contains(factory.Name) || factory.ContainingType is not { } factoryType)
        {
            return;
        }

        INamedTypeSymbol? exposure;
        string exposureName;
        if (Symbols.IsInNamespace(factoryType.ContainingNamespace, "Microsoft.SemanticKernel"))
        {
            (exposure, exposureName) = (known.KernelFunctionAttribute, "KernelFunction");
        }
        else if (factoryType.Name == "McpServerBuilderExtensions" || Symbols.IsInNamespace(factoryType.ContainingNamespace, "ModelContextProtocol"))
        {
            (exposure, exposureName) = (known.McpServerToolAttribute, "McpServerTool");
        }
        else
        {
            return;
        }

        if (exposure is null || GetExposedType(invocation) is not { } exposed)
        {
            return;
        }

        foreach (var member in exposed.GetMembers())
        {
            if (member is IMethodSymbol method
                && known.FindPolicy(method) is { } policy
                && HasAttribute(method, exposure))
            {
                var message = $"{factory.Name} calls the [{exposureName}] methods of '{exposed.Name}' by reflection, so the [{AgentCostAttributes.ShortName(policy)}] policy of '{method.Name}' does not apply; expose a wrapper that calls it instead";
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.AnnotatedMethodAsDelegate, GetNameLocation(invocation.Syntax), message));
                return;
            }
        }
    }

    // CreateFromType<T>(), or the static type of the object handed to CreateFromObject(target).
    private static INamedTypeSymbol? GetExposedType(IInvocationOperation invocation)
    {
        if (invocation.TargetMethod.TypeArguments.Length == 1)
        {
            return invocation.TargetMethod.TypeArguments[0] as INamedTypeSymbol;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is { } parameter
                && parameter.Type.SpecialType == SpecialType.System_Object
                && !parameter.IsThis
                && OperationTree.Unwrap(argument.Value).Type is INamedTypeSymbol type
                && type.SpecialType == SpecialType.None)
            {
                return type;
            }
        }

        return null;
    }

    private static bool HasAttribute(IMethodSymbol method, INamedTypeSymbol attributeType)
    {
        foreach (var attribute in method.GetAttributes())
        {
            if (Names.IsOrInherits(attribute.AttributeClass, attributeType))
            {
                return true;
            }
        }

        return false;
    }

    // AIFunctionFactory.Create(method, target, ...), or Create(delegate) of a delegate made from a MethodInfo.
    private static void AnalyzeReflectedTool(OperationAnalysisContext context, IInvocationOperation invocation, KnownSymbols known, MethodLookups lookups)
    {
        IOperation? reflected = null;
        IOperation? target = null;
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is not { } parameter)
            {
                continue;
            }

            if (lookups.IsMethodInfo(parameter.Type) || (lookups.IsDelegate(parameter.Type) && OperationTree.Unwrap(argument.Value) is not IDelegateCreationOperation))
            {
                reflected = argument.Value;
            }
            else if (parameter.Name == "target" && parameter.Type.SpecialType == SpecialType.System_Object)
            {
                target = argument.Value;
            }
        }

        if (reflected is null)
        {
            return;
        }

        var traced = lookups.Trace(reflected);
        var annotated = ImmutableArray.CreateBuilder<(IMethodSymbol Method, AttributeData Policy)>();
        MethodLookup? source = null;
        foreach (var lookup in traced)
        {
            if (!lookup.Types.IsEmpty)
            {
                source ??= lookup;
                annotated.AddRange(lookups.FindAnnotated(lookup));
            }
        }

        string message;
        if (source is not null)
        {
            // The MethodInfo comes from a lookup the code shows: its methods decide, whatever the target.
            if (annotated.Count == 0)
            {
                return;
            }

            message = $"AIFunctionFactory.Create builds this tool from a method found by reflection ({source.Api} on '{source.Types[0].Name}'), so {ReflectionMessages.Policies(annotated)} do not apply through it; {ReflectionMessages.Fix(annotated[0].Method, ReflectionMessages.ReceiverText(target))}";
        }
        else
        {
            // A MethodInfo from elsewhere: the object it is invoked on says which methods it can be.
            if (target is null || target.ConstantValue.HasValue)
            {
                return;
            }

            var ofTarget = lookups.FindAnnotatedOfTarget(target);
            if (ofTarget.IsEmpty)
            {
                return;
            }

            var (method, policy) = ofTarget[0];
            message = $"AIFunctionFactory.Create builds this tool by reflection from a MethodInfo of a '{method.ContainingType.Name}': if it is an annotated method such as '{method.ContainingType.Name}.{method.Name}' ([{AgentCostAttributes.ShortName(policy)}]), its policies do not apply through it; {ReflectionMessages.Fix(method, ReflectionMessages.ReceiverText(target))}";
        }

        context.ReportDiagnostic(Diagnostic.Create(Descriptors.AnnotatedMethodAsDelegate, GetNameLocation(invocation.Syntax), message));
    }

    // typeof(T).GetMethod("Name"), GetMethods(), ...: reported where the MethodInfo is found, unless a factory call that
    // reports it takes it, or the code only reads its metadata.
    private static void AnalyzeLookup(OperationAnalysisContext context, KnownSymbols known, MethodLookups lookups, MethodLookup? lookup)
    {
        if (lookup is null || lookup.Types.IsEmpty)
        {
            return;
        }

        var annotated = lookups.FindAnnotated(lookup);
        if (annotated.IsEmpty || MethodLookups.ReadsMetadataOnly(lookup.Operation) || IsHandedToFactory(lookup, known, lookups))
        {
            return;
        }

        var type = lookup.Types[0].Name;
        var found = lookup.Name is not null ? $"finds '{type}.{lookup.Name}'" : lookup.NameUnknown ? $"may find methods of '{type}'" : $"finds methods of '{type}'";
        var message = $"{lookup.Api} {found} by reflection: {ReflectionMessages.Policies(annotated)} do not apply through a MethodInfo (Invoke, CreateDelegate, AIFunctionFactory.Create); {ReflectionMessages.Fix(annotated[0].Method, receiver: null)}";
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.AnnotatedMethodAsDelegate, GetNameLocation(lookup.Operation.Syntax), message));
    }

    private static bool IsHandedToFactory(MethodLookup lookup, KnownSymbols known, MethodLookups lookups)
    {
        foreach (var operation in MethodLookups.Root(lookup.Operation).Descendants())
        {
            if (operation is not IInvocationOperation invocation || !IsFactoryCreate(invocation, known))
            {
                continue;
            }

            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter is { } parameter && (lookups.IsMethodInfo(parameter.Type) || lookups.IsDelegate(parameter.Type)))
                {
                    foreach (var traced in lookups.Trace(argument.Value))
                    {
                        if (traced.Operation == lookup.Operation)
                        {
                            return true;
                        }
                    }
                }
            }
        }

        return false;
    }

    private static bool IsFactoryCreate(IInvocationOperation invocation, KnownSymbols known)
        => invocation.TargetMethod.Name == "Create"
            && known.AIFunctionFactory is not null
            && SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType, known.AIFunctionFactory);

    private static Location GetNameLocation(SyntaxNode syntax) => syntax switch
    {
        InvocationExpressionSyntax invocation => invocation.Expression switch
        {
            MemberAccessExpressionSyntax memberAccess => memberAccess.Name.Identifier.GetLocation(),
            MemberBindingExpressionSyntax memberBinding => memberBinding.Name.Identifier.GetLocation(),
            SimpleNameSyntax name => name.Identifier.GetLocation(),
            _ => invocation.Expression.GetLocation(),
        },
        MemberAccessExpressionSyntax memberAccess => memberAccess.Name.Identifier.GetLocation(),
        MemberBindingExpressionSyntax memberBinding => memberBinding.Name.Identifier.GetLocation(),
        _ => syntax.GetLocation(),
    };
}
