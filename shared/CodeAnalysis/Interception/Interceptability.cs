using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AgentCost.CodeAnalysis;

/// <summary>
/// Which annotated methods an interceptor can call, and which calls of them it can reach. The generator skips whatever
/// has a problem; COST007 and COST008 report the same problem, so that every skipped call is explained.
/// </summary>
/// <remarks>
/// Generated code that names an obsolete or experimental API draws the same diagnostic as the user's call did, in a
/// file the user cannot annotate: the scans collect those diagnostic ids into <c>suppressed</c> for the generator to
/// suppress, and refuse the APIs whose diagnostics cannot be suppressed.
/// </remarks>
internal static class Interceptability
{
    /// <summary>
    /// Why no interceptor can call <paramref name="method"/>, judged from its declaration alone; parameters for which
    /// <paramref name="skipParameter"/> is true are left to another rule.
    /// </summary>
    public static InterceptionProblem GetDeclarationProblem(
        IMethodSymbol method, Compilation compilation, Func<IParameterSymbol, bool>? skipParameter = null, ISet<string>? suppressed = null)
    {
        method = (method.ReducedFrom ?? method).OriginalDefinition;
        if (method.MethodKind == MethodKind.LocalFunction)
        {
            return new(InterceptionReason.LocalFunction);
        }

        if (method.MethodKind != MethodKind.Ordinary)
        {
            return new(InterceptionReason.NotOrdinaryMethod);
        }

        if (method.IsVararg)
        {
            return new(InterceptionReason.Vararg);
        }

        if (method.ReturnsByRef || method.ReturnsByRefReadonly)
        {
            return new(InterceptionReason.ReturnsByReference);
        }

        var containingType = method.ContainingType;
        if (method.IsStatic && (method.IsAbstract || method.IsVirtual))
        {
            return new(InterceptionReason.StaticAbstractMember);
        }

        if (!method.IsStatic && containingType.TypeKind is not (TypeKind.Class or TypeKind.Interface))
        {
            return new(InterceptionReason.StructInstanceMethod);
        }

        var accessible = compilation.IsSymbolAccessibleWithin(method, compilation.Assembly);
        if (!accessible && method.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
        {
            return new(InterceptionReason.InaccessibleMethod, method);
        }

        var typeProblem = GetTypeProblem(containingType, compilation, allowTypeParameters: true, suppressed);
        if (typeProblem.Exists)
        {
            return Wrap(InterceptionReason.ContainingType, typeProblem, containingType);
        }

        if (!accessible)
        {
            return new(InterceptionReason.NotCallable);
        }

        var attributeProblem = ScanAttributes(method, suppressed);
        if (attributeProblem.Exists)
        {
            return new(InterceptionReason.MethodAttribute, Cause: attributeProblem);
        }

        if (!method.ReturnsVoid)
        {
            var returnProblem = GetTypeProblem(method.ReturnType, compilation, allowTypeParameters: true, suppressed);
            if (returnProblem.Exists)
            {
                return Wrap(InterceptionReason.ReturnType, returnProblem, method.ReturnType);
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
                return new(InterceptionReason.ParameterByReference, parameter);
            }

            var parameterProblem = GetTypeProblem(parameter.Type, compilation, allowTypeParameters: true, suppressed);
            if (parameterProblem.Exists)
            {
                return Wrap(InterceptionReason.ParameterType, parameterProblem, parameter.Type, parameter);
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
        var problem = GetCallSiteProblem(invocation);
        return problem.Exists ? problem : GetTypeArgumentProblem(GetCalledMethod(invocation)!, compilation);
    }

    /// <summary>Why the call itself, apart from its type arguments, cannot be intercepted: its receiver and where it stands.</summary>
    public static InterceptionProblem GetCallSiteProblem(IInvocationOperation invocation)
    {
        if (GetCalledMethod(invocation) is not { } method)
        {
            return InterceptionProblem.BrokenCode;
        }

        if (invocation.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: BaseExpressionSyntax } })
        {
            return new(InterceptionReason.BaseCall);
        }

        if (IsInExpressionTree(invocation))
        {
            return new(InterceptionReason.ExpressionTree);
        }

        return GetReceiverProblem(method, invocation.Instance);
    }

    /// <summary>Why an interceptor cannot take the receiver of a call (or of a method group) of <paramref name="method"/>.</summary>
    public static InterceptionProblem GetReceiverProblem(IMethodSymbol method, IOperation? instance)
    {
        if (method.IsStatic)
        {
            return InterceptionProblem.None;
        }

        return instance?.Type switch
        {
            { TypeKind: TypeKind.TypeParameter } receiver => new(InterceptionReason.TypeParameterReceiver, Type: receiver),
            { IsValueType: true } receiver => new(InterceptionReason.StructReceiver, Type: receiver),
            null => InterceptionProblem.BrokenCode,
            _ => InterceptionProblem.None,
        };
    }

    /// <summary>Why generated code cannot name the type arguments of <paramref name="method"/> or of its containing types.</summary>
    public static InterceptionProblem GetTypeArgumentProblem(IMethodSymbol method, Compilation compilation, ISet<string>? suppressed = null)
    {
        foreach (var typeArgument in method.TypeArguments)
        {
            var problem = GetTypeProblem(typeArgument, compilation, allowTypeParameters: false, suppressed);
            if (problem.Exists)
            {
                return Wrap(InterceptionReason.TypeArgument, problem, typeArgument);
            }
        }

        for (var type = method.ContainingType; type is not null; type = type.ContainingType)
        {
            foreach (var typeArgument in type.TypeArguments)
            {
                var problem = GetTypeProblem(typeArgument, compilation, allowTypeParameters: false, suppressed);
                if (problem.Exists)
                {
                    return Wrap(InterceptionReason.ContainingTypeArgument, problem, typeArgument, type);
                }
            }
        }

        return InterceptionProblem.None;
    }

    /// <summary>Why generated code in another file cannot name <paramref name="type"/> or pack a value of it.</summary>
    public static TypeProblem GetTypeProblem(ITypeSymbol type, Compilation compilation, bool allowTypeParameters, ISet<string>? suppressed = null)
        => GetTypeProblem(type, compilation, allowTypeParameters, suppressed, depth: 0);

    // Expression trees are not lowered through interceptors: the call would stay a call to the method itself.
    public static bool IsInExpressionTree(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation { Parent: IConversionOperation { Type: { } type } }
                && Symbols.IsOrDerivesFrom(type, "System.Linq.Expressions", "LambdaExpression"))
            {
                return true;
            }
        }

        return false;
    }

    // An extension method called as x.M() is judged as M(x): one interceptor for both forms.
    private static IMethodSymbol? GetCalledMethod(IInvocationOperation invocation)
    {
        var called = invocation.TargetMethod;
        return called.ReducedFrom is null ? called : called.GetConstructedReducedFrom();
    }

    private static InterceptionProblem Wrap(InterceptionReason reason, TypeProblem cause, ITypeSymbol type, ISymbol? subject = null)
        => cause.Broken ? InterceptionProblem.BrokenCode : new(reason, subject, type, cause);

    private static TypeProblem GetTypeProblem(ITypeSymbol type, Compilation compilation, bool allowTypeParameters, ISet<string>? suppressed, int depth)
    {
        if (depth > 16)
        {
            return TypeProblem.None;
        }

        return type switch
        {
            IArrayTypeSymbol array => GetTypeProblem(array.ElementType, compilation, allowTypeParameters, suppressed, depth + 1),
            ITypeParameterSymbol => allowTypeParameters ? TypeProblem.None : new(TypeReason.TypeParameter, type),
            IPointerTypeSymbol or IFunctionPointerTypeSymbol => new(TypeReason.Pointer, type),
            IDynamicTypeSymbol => new(TypeReason.Dynamic, type),
            INamedTypeSymbol named => GetNamedTypeProblem(named, compilation, allowTypeParameters, suppressed, depth),
            _ => new(TypeReason.BrokenCode),
        };
    }

    private static TypeProblem GetNamedTypeProblem(
        INamedTypeSymbol type, Compilation compilation, bool allowTypeParameters, ISet<string>? suppressed, int depth)
    {
        if (type.TypeKind == TypeKind.Error)
        {
            return new(TypeReason.BrokenCode);
        }

        if (type.IsAnonymousType)
        {
            return new(TypeReason.Anonymous, type);
        }

        if (type.IsFileLocal)
        {
            return new(TypeReason.FileLocal, type);
        }

        if (type.IsRefLikeType)
        {
            return new(TypeReason.RefStruct, type);
        }

        if (!compilation.IsSymbolAccessibleWithin(type, compilation.Assembly))
        {
            return new(TypeReason.Inaccessible, type);
        }

        var attributeProblem = ScanAttributes(type.OriginalDefinition, suppressed);
        if (attributeProblem.Exists)
        {
            return attributeProblem;
        }

        if (type.ContainingType is { } containing)
        {
            var problem = GetNamedTypeProblem(containing, compilation, allowTypeParameters, suppressed, depth + 1);
            if (problem.Exists)
            {
                return problem;
            }
        }

        foreach (var typeArgument in type.TypeArguments)
        {
            var problem = GetTypeProblem(typeArgument, compilation, allowTypeParameters, suppressed, depth + 1);
            if (problem.Exists)
            {
                return problem;
            }
        }

        return TypeProblem.None;
    }

    /// <summary>What the obsolete and experimental attributes of a symbol, its module and its assembly mean for generated code that names it.</summary>
    private sealed class AttributeScan(TypeReason problem, ImmutableArray<string> suppressedIds)
    {
        public TypeReason Problem { get; } = problem;

        public ImmutableArray<string> SuppressedIds { get; } = suppressedIds;
    }

    // Symbols of one compilation are read by many calls and declarations: each is scanned once.
    private static readonly ConditionalWeakTable<ISymbol, AttributeScan> s_attributeScans = new();

    private static TypeProblem ScanAttributes(ISymbol symbol, ISet<string>? suppressed)
    {
        var scan = s_attributeScans.GetValue(symbol, static s => Scan(s));
        if (scan.Problem != TypeReason.None)
        {
            return new(scan.Problem);
        }

        if (suppressed is not null)
        {
            foreach (var id in scan.SuppressedIds)
            {
                suppressed.Add(id);
            }
        }

        return TypeProblem.None;
    }

    // The generator suppresses obsolete and experimental diagnostics in its file, except those it cannot: an
    // obsolete-as-error API, or an experimental one whose id a pragma cannot name.
    private static AttributeScan Scan(ISymbol symbol)
    {
        var ids = ImmutableArray.CreateBuilder<string>();
        foreach (var attribute in symbol.GetAttributes())
        {
            var type = attribute.AttributeClass;
            if (type is null)
            {
                continue;
            }

            if (Symbols.IsType(type, "System", "ObsoleteAttribute"))
            {
                var arguments = attribute.ConstructorArguments;
                if (arguments.Length == 2 && arguments[1].Value is true)
                {
                    return new(TypeReason.ObsoleteError, ImmutableArray<string>.Empty);
                }

                string? diagnosticId = null;
                foreach (var argument in attribute.NamedArguments)
                {
                    if (argument.Key == "DiagnosticId")
                    {
                        diagnosticId = argument.Value.Value as string;
                    }
                }

                diagnosticId ??= arguments.Length == 0 ? "CS0612" : "CS0618";
                if (!SyntaxFacts.IsValidIdentifier(diagnosticId))
                {
                    return new(TypeReason.ObsoleteUnsuppressible, ImmutableArray<string>.Empty);
                }

                ids.Add(diagnosticId);
            }
            else if (Symbols.IsType(type, "System.Diagnostics.CodeAnalysis", "ExperimentalAttribute"))
            {
                if (!(attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Value is string id && SyntaxFacts.IsValidIdentifier(id)))
                {
                    return new(TypeReason.ExperimentalUnsuppressible, ImmutableArray<string>.Empty);
                }

                ids.Add(id);
            }
        }

        // An experimental assembly or module makes every API in it experimental.
        if (symbol is INamedTypeSymbol or IMethodSymbol)
        {
            foreach (var container in new ISymbol?[] { symbol.ContainingModule, symbol.ContainingAssembly })
            {
                if (container is null)
                {
                    continue;
                }

                var scan = s_attributeScans.GetValue(container, static s => Scan(s));
                if (scan.Problem != TypeReason.None)
                {
                    return scan;
                }

                ids.AddRange(scan.SuppressedIds);
            }
        }

        return new(TypeReason.None, ids.ToImmutable());
    }
}
