using System;
using System.Collections.Immutable;
using AgentCost.Analyzers.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AgentCost.Analyzers.Rules;

/// <summary>
/// COST006: a method with a policy attribute (<c>[Cached]</c>, <c>[TokenBudget]</c>, <c>[RouteModel]</c>) used as a
/// delegate or method group anywhere but <c>AIFunctionFactory.Create</c>, or exposed to a model by a factory that finds
/// methods by reflection (Semantic Kernel's plugin factories, the MCP server's <c>WithTools</c>): calls made through them
/// pass no call site the generator can intercept, so the policy silently does not apply.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class COST006AnnotatedMethodAsDelegate : DiagnosticAnalyzer
{
    private static readonly ImmutableHashSet<string> s_reflectionFactories = ImmutableHashSet.Create(
        StringComparer.Ordinal,
        "CreateFromType", "CreateFromObject", "AddFromType", "AddFromObject", "ImportPluginFromType", "ImportPluginFromObject", "WithTools");

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.AnnotatedMethodAsDelegate);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            var known = KnownSymbols.Get(start.Compilation);
            if (!known.HasPolicyAttributes)
            {
                return;
            }

            start.RegisterOperationAction(context => AnalyzeMethodReference(context, known), OperationKind.MethodReference);
            if (known.KernelFunctionAttribute is not null || known.McpServerToolAttribute is not null)
            {
                start.RegisterOperationAction(context => AnalyzeReflectionFactory(context, known), OperationKind.Invocation);
            }
        });
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

        return current is IArgumentOperation { Parent: IInvocationOperation invocation }
            && invocation.TargetMethod.Name == "Create"
            && SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType, known.AIFunctionFactory);
    }

    private static void AnalyzeReflectionFactory(OperationAnalysisContext context, KnownSymbols known)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var factory = invocation.TargetMethod;
        if (!s_reflectionFactories.Contains(factory.Name) || factory.ContainingType is not { } factoryType)
        {
            return;
        }

        INamedTypeSymbol? exposure;
        string exposureName;
        if (Names.IsInNamespace(factoryType.ContainingNamespace, "Microsoft.SemanticKernel"))
        {
            (exposure, exposureName) = (known.KernelFunctionAttribute, "KernelFunction");
        }
        else if (factoryType.Name == "McpServerBuilderExtensions" || Names.IsInNamespace(factoryType.ContainingNamespace, "ModelContextProtocol"))
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
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.AnnotatedMethodAsDelegate, GetNameLocation(invocation), message));
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

    private static Location GetNameLocation(IInvocationOperation invocation) => invocation.Syntax is InvocationExpressionSyntax syntax
        ? syntax.Expression switch
        {
            MemberAccessExpressionSyntax memberAccess => memberAccess.Name.Identifier.GetLocation(),
            MemberBindingExpressionSyntax memberBinding => memberBinding.Name.Identifier.GetLocation(),
            SimpleNameSyntax name => name.Identifier.GetLocation(),
            _ => syntax.Expression.GetLocation(),
        }
        : invocation.Syntax.GetLocation();
}
