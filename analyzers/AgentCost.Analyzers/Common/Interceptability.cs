using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AgentCost.Analyzers.Common;

/// <summary>Why an annotated method or call cannot be intercepted; <see cref="Broken"/> when the code does not compile.</summary>
internal readonly struct InterceptionProblem(string? reason, bool broken)
{
    public static readonly InterceptionProblem None = default;

    /// <summary>The code does not compile here: the compiler reports it, and no rule does.</summary>
    public static readonly InterceptionProblem BrokenCode = new(null, broken: true);

    public string? Reason { get; } = reason;

    public bool Broken { get; } = broken;

    public bool Exists => Reason is not null || Broken;

    public static InterceptionProblem Because(string reason) => new(reason, broken: false);
}

/// <summary>
/// The generator's skip rules (<c>InterceptorGenerator.Parser</c>), as questions an analyzer can ask: which annotated
/// methods no interceptor can call, and which calls of the others no interceptor can reach. Keep the two in step.
/// </summary>
internal static class Interceptability
{
    /// <summary>
    /// Why no interceptor can call <paramref name="method"/>, judged from its declaration alone; parameters for which
    /// <paramref name="skipParameter"/> is true are left to another rule.
    /// </summary>
    public static InterceptionProblem GetDeclarationProblem(
        IMethodSymbol method, Compilation compilation, Func<IParameterSymbol, bool>? skipParameter = null)
    {
        method = (method.ReducedFrom ?? method).OriginalDefinition;
        if (method.MethodKind == MethodKind.LocalFunction)
        {
            return InterceptionProblem.Because("a local function cannot be called from generated code; make it a method");
        }

        if (method.MethodKind != MethodKind.Ordinary)
        {
            return InterceptionProblem.Because("only ordinary methods are intercepted, not operators, accessors or other special methods");
        }

        if (method.IsVararg)
        {
            return InterceptionProblem.Because("it takes __arglist");
        }

        if (method.ReturnsByRef || method.ReturnsByRefReadonly)
        {
            return InterceptionProblem.Because("it returns by reference");
        }

        var containingType = method.ContainingType;
        if (method.IsStatic && (method.IsAbstract || method.IsVirtual))
        {
            return InterceptionProblem.Because("a static abstract or virtual interface member is called through a type parameter, which interceptors cannot name");
        }

        if (!method.IsStatic && containingType.TypeKind is not (TypeKind.Class or TypeKind.Interface))
        {
            return InterceptionProblem.Because("it is an instance method of a struct, whose receiver an interceptor would copy");
        }

        if (!compilation.IsSymbolAccessibleWithin(method, compilation.Assembly))
        {
            if (method.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
            {
                return InterceptionProblem.Because($"it is {Describe(method.DeclaredAccessibility)}, and the generated interceptors in another file of the project cannot call it");
            }
        }

        var typeProblem = GetTypeProblem(containingType, compilation, allowTypeParameters: true);
        if (typeProblem.Exists)
        {
            return typeProblem.Broken ? typeProblem : InterceptionProblem.Because($"its type '{containingType.Name}' {typeProblem.Reason}");
        }

        if (!compilation.IsSymbolAccessibleWithin(method, compilation.Assembly))
        {
            return InterceptionProblem.Because("generated code in another file of the project cannot call it");
        }

        if (GetAttributeProblem(method) is { } attributeProblem)
        {
            return InterceptionProblem.Because("it " + attributeProblem);
        }

        if (!method.ReturnsVoid)
        {
            var returnProblem = GetTypeProblem(method.ReturnType, compilation, allowTypeParameters: true);
            if (returnProblem.Exists)
            {
                return returnProblem.Broken ? returnProblem : InterceptionProblem.Because($"its return type '{Display(method.ReturnType)}' {returnProblem.Reason}");
            }
        }

        foreach (var parameter in method.Parameters)
        {
            if (skipParameter?.Invoke(parameter) == true)
            {
                continue;
            }

            if (parameter.RefKind != RefKind.None)
            {
                return InterceptionProblem.Because($"parameter '{parameter.Name}' is passed by reference ({Describe(parameter.RefKind)}), which an interceptor cannot pass on");
            }

            var parameterProblem = GetTypeProblem(parameter.Type, compilation, allowTypeParameters: true);
            if (parameterProblem.Exists)
            {
                return parameterProblem.Broken
                    ? parameterProblem
                    : InterceptionProblem.Because($"parameter '{parameter.Name}' has type '{Display(parameter.Type)}', which {parameterProblem.Reason}");
            }
        }

        return InterceptionProblem.None;
    }

    /// <summary>
    /// Why this call of an annotated method cannot be intercepted although the method itself can be; the declaration's
    /// own problems are not repeated.
    /// </summary>
    public static InterceptionProblem GetCallProblem(IInvocationOperation invocation, Compilation compilation)
    {
        var called = invocation.TargetMethod;
        var method = called.ReducedFrom is null ? called : called.GetConstructedReducedFrom();
        if (method is null)
        {
            return InterceptionProblem.BrokenCode;
        }

        if (invocation.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: BaseExpressionSyntax } })
        {
            return InterceptionProblem.Because("it is called through 'base'");
        }

        if (IsInExpressionTree(invocation))
        {
            return InterceptionProblem.Because("it is inside an expression tree, which is not compiled to a call");
        }

        if (!method.IsStatic)
        {
            var receiver = invocation.Instance?.Type;
            if (receiver is { TypeKind: TypeKind.TypeParameter })
            {
                return InterceptionProblem.Because($"the receiver's type '{receiver.Name}' is a type parameter, which may be a struct");
            }

            if (receiver is { IsValueType: true })
            {
                return InterceptionProblem.Because($"the receiver is a value of the struct '{receiver.Name}', which an interceptor would copy");
            }

            if (receiver is null)
            {
                return InterceptionProblem.BrokenCode;
            }
        }

        foreach (var typeArgument in method.TypeArguments)
        {
            var problem = GetTypeProblem(typeArgument, compilation, allowTypeParameters: false);
            if (problem.Exists)
            {
                return problem.Broken ? problem : InterceptionProblem.Because($"its type argument '{Display(typeArgument)}' {problem.Reason}");
            }
        }

        for (var type = method.ContainingType; type is not null; type = type.ContainingType)
        {
            foreach (var typeArgument in type.TypeArguments)
            {
                var problem = GetTypeProblem(typeArgument, compilation, allowTypeParameters: false);
                if (problem.Exists)
                {
                    return problem.Broken ? problem : InterceptionProblem.Because($"the type argument '{Display(typeArgument)}' of '{type.Name}' {problem.Reason}");
                }
            }
        }

        return InterceptionProblem.None;
    }

    /// <summary>Why generated code in another file cannot name <paramref name="type"/> or pack a value of it.</summary>
    public static InterceptionProblem GetTypeProblem(ITypeSymbol type, Compilation compilation, bool allowTypeParameters)
        => GetTypeProblem(type, compilation, allowTypeParameters, depth: 0);

    private static InterceptionProblem GetTypeProblem(ITypeSymbol type, Compilation compilation, bool allowTypeParameters, int depth)
    {
        if (depth > 16)
        {
            return InterceptionProblem.None;
        }

        switch (type)
        {
            case IArrayTypeSymbol array:
                return GetTypeProblem(array.ElementType, compilation, allowTypeParameters, depth + 1);
            case ITypeParameterSymbol:
                return allowTypeParameters ? InterceptionProblem.None : InterceptionProblem.Because("is a type parameter; an interceptor needs a known type");
            case IPointerTypeSymbol or IFunctionPointerTypeSymbol:
                return InterceptionProblem.Because("is a pointer, which cannot be packed into the interceptor's arguments");
            case IDynamicTypeSymbol:
                return InterceptionProblem.Because("is dynamic, which cannot be packed into the interceptor's arguments");
            case INamedTypeSymbol named:
                return GetNamedTypeProblem(named, compilation, allowTypeParameters, depth);
            default:
                return InterceptionProblem.BrokenCode;
        }
    }

    private static InterceptionProblem GetNamedTypeProblem(INamedTypeSymbol type, Compilation compilation, bool allowTypeParameters, int depth)
    {
        if (type.TypeKind == TypeKind.Error)
        {
            return InterceptionProblem.BrokenCode;
        }

        if (type.IsAnonymousType)
        {
            return InterceptionProblem.Because("is an anonymous type, which generated code cannot name");
        }

        if (type.IsFileLocal)
        {
            return InterceptionProblem.Because("is file-local, so generated code in another file cannot name it");
        }

        if (type.IsRefLikeType)
        {
            return InterceptionProblem.Because("is a ref struct, which cannot be packed into the interceptor's arguments");
        }

        if (!compilation.IsSymbolAccessibleWithin(type, compilation.Assembly))
        {
            return InterceptionProblem.Because($"is {Describe(type.DeclaredAccessibility)}, so generated code in another file cannot name it");
        }

        if (GetAttributeProblem(type.OriginalDefinition) is { } attributeProblem)
        {
            return InterceptionProblem.Because(attributeProblem);
        }

        if (type.ContainingType is { } containing)
        {
            var problem = GetNamedTypeProblem(containing, compilation, allowTypeParameters, depth + 1);
            if (problem.Exists)
            {
                return problem;
            }
        }

        foreach (var typeArgument in type.TypeArguments)
        {
            var problem = GetTypeProblem(typeArgument, compilation, allowTypeParameters, depth + 1);
            if (problem.Exists)
            {
                return problem;
            }
        }

        return InterceptionProblem.None;
    }

    // Symbols of one compilation are read by many calls and declarations: each is scanned once.
    private static readonly ConditionalWeakTable<ISymbol, StrongBox<string?>> s_attributeProblems = new();

    private static string? GetAttributeProblem(ISymbol symbol)
        => s_attributeProblems.GetValue(symbol, static s => new StrongBox<string?>(ScanAttributes(s))).Value;

    // The generator suppresses obsolete and experimental diagnostics in its file, except those it cannot: an
    // obsolete-as-error API, or an experimental one whose id a pragma cannot name.
    private static string? ScanAttributes(ISymbol symbol)
    {
        foreach (var attribute in symbol.GetAttributes())
        {
            var type = attribute.AttributeClass;
            if (type is null)
            {
                continue;
            }

            if (Names.IsType(type, "System", "ObsoleteAttribute"))
            {
                var arguments = attribute.ConstructorArguments;
                if (arguments.Length == 2 && arguments[1].Value is true)
                {
                    return "is obsolete with an error, so generated code cannot call it";
                }

                foreach (var argument in attribute.NamedArguments)
                {
                    if (argument.Key == "DiagnosticId" && argument.Value.Value is string id && !SyntaxFacts.IsValidIdentifier(id))
                    {
                        return "is obsolete with a diagnostic id that generated code cannot suppress";
                    }
                }
            }
            else if (Names.IsType(type, "System.Diagnostics.CodeAnalysis", "ExperimentalAttribute")
                && !(attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Value is string id && SyntaxFacts.IsValidIdentifier(id)))
            {
                return "is experimental with a diagnostic id that generated code cannot suppress";
            }
        }

        if (symbol is INamedTypeSymbol or IMethodSymbol)
        {
            if (symbol.ContainingModule is { } module && GetAttributeProblem(module) is { } moduleProblem)
            {
                return moduleProblem;
            }

            if (symbol.ContainingAssembly is { } assembly && GetAttributeProblem(assembly) is { } assemblyProblem)
            {
                return assemblyProblem;
            }
        }

        return null;
    }

    // Expression trees are not lowered through interceptors: the call would stay a call to the method itself.
    private static bool IsInExpressionTree(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation { Parent: IConversionOperation { Type: { } type } }
                && Names.IsOrDerivesFrom(type, "System.Linq.Expressions", "LambdaExpression"))
            {
                return true;
            }
        }

        return false;
    }

    private static string Display(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat);

    public static string Describe(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Private => "private",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedAndInternal => "private protected",
        Accessibility.ProtectedOrInternal => "protected internal",
        Accessibility.Internal => "internal",
        _ => "not accessible here",
    };

    private static string Describe(RefKind refKind) => refKind switch
    {
        RefKind.Ref => "ref",
        RefKind.Out => "out",
        RefKind.In => "in",
        _ => "ref readonly",
    };
}
