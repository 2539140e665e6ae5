using AgentCost.CodeAnalysis;
using Microsoft.CodeAnalysis;

namespace AgentCost.Analyzers.Common;

/// <summary>
/// The words COST007 and COST008 use for the shared rules' reasons: the clause after "because" in their messages.
/// </summary>
internal static class InterceptionMessages
{
    /// <summary>Why the method or call is not intercepted, or <see langword="null"/> when it is (or when the code does not compile).</summary>
    public static string? Describe(InterceptionProblem problem) => problem.Reason switch
    {
        InterceptionReason.LocalFunction => "a local function cannot be called from generated code; make it a method",
        InterceptionReason.NotOrdinaryMethod => "only ordinary methods are intercepted, not operators, accessors or other special methods",
        InterceptionReason.Vararg => "it takes __arglist",
        InterceptionReason.ReturnsByReference => "it returns by reference",
        InterceptionReason.StaticAbstractMember => "a static abstract or virtual interface member is called through a type parameter, which interceptors cannot name",
        InterceptionReason.StructInstanceMethod => "it is an instance method of a struct, whose receiver an interceptor would copy",
        InterceptionReason.InaccessibleMethod => $"it is {Describe(problem.Subject!.DeclaredAccessibility)}, and the generated interceptors in another file of the project cannot call it",
        InterceptionReason.NotCallable => "generated code in another file of the project cannot call it",
        InterceptionReason.MethodAttribute => "it " + Describe(problem.Cause),
        InterceptionReason.ContainingType => $"its type '{problem.Type!.Name}' {Describe(problem.Cause)}",
        InterceptionReason.ReturnType => $"its return type '{Display(problem.Type!)}' {Describe(problem.Cause)}",
        InterceptionReason.ParameterByReference => $"parameter '{problem.Subject!.Name}' is passed by reference ({Describe(((IParameterSymbol)problem.Subject).RefKind)}), which an interceptor cannot pass on",
        InterceptionReason.ParameterType => $"parameter '{problem.Subject!.Name}' has type '{Display(problem.Type!)}', which {Describe(problem.Cause)}",
        InterceptionReason.BaseCall => "it is called through 'base'",
        InterceptionReason.ExpressionTree => "it is inside an expression tree, which is not compiled to a call",
        InterceptionReason.TypeParameterReceiver => $"the receiver's type '{problem.Type!.Name}' is a type parameter, which may be a struct",
        InterceptionReason.StructReceiver => $"the receiver is a value of the struct '{problem.Type!.Name}', which an interceptor would copy",
        InterceptionReason.TypeArgument => $"its type argument '{Display(problem.Type!)}' {Describe(problem.Cause)}",
        InterceptionReason.ContainingTypeArgument => $"the type argument '{Display(problem.Type!)}' of '{problem.Subject!.Name}' {Describe(problem.Cause)}",
        InterceptionReason.NoCacheableResult => "its return type has no result the cache can keep",
        InterceptionReason.NegativeCacheTtl => "its cache TtlSeconds is negative",
        InterceptionReason.DynamicCall => "it is bound at run time, because an argument is dynamic",
        InterceptionReason.SemanticAndExactCache => "it is both [Cached] and [SemanticCached]; keep one",
        InterceptionReason.NoSemanticPrompt => "[SemanticCached] needs a string prompt parameter to compare by meaning, and it has none",
        InterceptionReason.AmbiguousSemanticPrompt => "its [SemanticCached] prompt is ambiguous: mark the one string parameter to compare by meaning with [Prompt]",
        InterceptionReason.SemanticPromptNotText => "its [SemanticCached] prompt parameter is not a string, and only text is compared by meaning",
        InterceptionReason.InvalidSemanticThreshold => "its [SemanticCached] Threshold is neither 0 (the configured one) nor in (0, 1]",
        _ => null,
    };

    // A predicate of the type (or API) named before it: "is ...".
    private static string Describe(TypeProblem problem) => problem.Reason switch
    {
        TypeReason.TypeParameter => "is a type parameter; an interceptor needs a known type",
        TypeReason.Pointer => "is a pointer, which cannot be packed into the interceptor's arguments",
        TypeReason.Dynamic => "is dynamic, which cannot be packed into the interceptor's arguments",
        TypeReason.Anonymous => "is an anonymous type, which generated code cannot name",
        TypeReason.FileLocal => "is file-local, so generated code in another file cannot name it",
        TypeReason.RefStruct => "is a ref struct, which cannot be packed into the interceptor's arguments",
        TypeReason.Inaccessible => $"is {Describe(problem.Type!.DeclaredAccessibility)}, so generated code in another file cannot name it",
        TypeReason.ObsoleteError => "is obsolete with an error, so generated code cannot call it",
        TypeReason.ObsoleteUnsuppressible => "is obsolete with a diagnostic id that generated code cannot suppress",
        TypeReason.ExperimentalUnsuppressible => "is experimental with a diagnostic id that generated code cannot suppress",
        _ => string.Empty,
    };

    private static string Display(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat);

    private static string Describe(Accessibility accessibility) => accessibility switch
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
