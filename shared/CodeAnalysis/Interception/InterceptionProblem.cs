using Microsoft.CodeAnalysis;

namespace AgentCost.CodeAnalysis;

/// <summary>Why an annotated method, or one call of it, cannot be intercepted.</summary>
internal enum InterceptionReason
{
    /// <summary>Nothing stands in the way.</summary>
    None,

    /// <summary>The code does not compile here: the compiler reports it, and no rule does.</summary>
    BrokenCode,

    /// <summary>A local function, which generated code cannot call.</summary>
    LocalFunction,

    /// <summary>An operator, accessor or other method that is not ordinary.</summary>
    NotOrdinaryMethod,

    /// <summary>The method takes <c>__arglist</c>.</summary>
    Vararg,

    /// <summary>The method returns by reference.</summary>
    ReturnsByReference,

    /// <summary>A static abstract or virtual interface member, only callable through a type parameter.</summary>
    StaticAbstractMember,

    /// <summary>An instance method of a struct, whose receiver an interceptor would copy.</summary>
    StructInstanceMethod,

    /// <summary>The method's own accessibility (<see cref="InterceptionProblem.Subject"/>) keeps generated code out.</summary>
    InaccessibleMethod,

    /// <summary>Generated code cannot call the method for another reason of accessibility.</summary>
    NotCallable,

    /// <summary>The method is obsolete or experimental in a way generated code cannot suppress (<see cref="InterceptionProblem.Cause"/>).</summary>
    MethodAttribute,

    /// <summary>The method's containing type (<see cref="InterceptionProblem.Type"/>) cannot be named (<see cref="InterceptionProblem.Cause"/>).</summary>
    ContainingType,

    /// <summary>The return type (<see cref="InterceptionProblem.Type"/>) cannot be named or packed (<see cref="InterceptionProblem.Cause"/>).</summary>
    ReturnType,

    /// <summary>A parameter (<see cref="InterceptionProblem.Subject"/>) is passed by reference.</summary>
    ParameterByReference,

    /// <summary>A parameter's type (<see cref="InterceptionProblem.Type"/>) cannot be named or packed (<see cref="InterceptionProblem.Cause"/>).</summary>
    ParameterType,

    /// <summary>The call is made through <c>base</c>, which binds non-virtually.</summary>
    BaseCall,

    /// <summary>The call is inside an expression tree, which is not compiled to a call.</summary>
    ExpressionTree,

    /// <summary>The receiver's type (<see cref="InterceptionProblem.Type"/>) is a type parameter, which may be a struct.</summary>
    TypeParameterReceiver,

    /// <summary>The receiver (of type <see cref="InterceptionProblem.Type"/>) is a struct value an interceptor would copy.</summary>
    StructReceiver,

    /// <summary>A type argument of the method (<see cref="InterceptionProblem.Type"/>) cannot be named (<see cref="InterceptionProblem.Cause"/>).</summary>
    TypeArgument,

    /// <summary>
    /// A type argument (<see cref="InterceptionProblem.Type"/>) of a containing type (<see cref="InterceptionProblem.Subject"/>)
    /// cannot be named (<see cref="InterceptionProblem.Cause"/>).
    /// </summary>
    ContainingTypeArgument,

    /// <summary>A <c>[Cached]</c> method whose return type has no result the cache can keep.</summary>
    NoCacheableResult,

    /// <summary>A <c>[Cached]</c> method with a negative <c>TtlSeconds</c>.</summary>
    NegativeCacheTtl,

    /// <summary>The call is bound at run time, because an argument is dynamic.</summary>
    DynamicCall,

    /// <summary>A <c>[SemanticCached]</c> method that is also <c>[Cached]</c>.</summary>
    SemanticAndExactCache,

    /// <summary>A <c>[SemanticCached]</c> method with no prompt parameter.</summary>
    NoSemanticPrompt,

    /// <summary>A <c>[SemanticCached]</c> method with two or more prompt parameters and none marked <c>[Prompt]</c>, or several marked.</summary>
    AmbiguousSemanticPrompt,

    /// <summary>A <c>[SemanticCached]</c> method whose prompt parameter is not a <c>string</c>.</summary>
    SemanticPromptNotText,

    /// <summary>A <c>[SemanticCached]</c> method whose <c>Threshold</c> is neither 0 nor in (0, 1].</summary>
    InvalidSemanticThreshold,
}

/// <summary>Why generated code in another file cannot name a type, pack a value of it, or call an API.</summary>
internal enum TypeReason
{
    /// <summary>Nothing stands in the way.</summary>
    None,

    /// <summary>The code does not compile here (an error type, an unknown symbol).</summary>
    BrokenCode,

    /// <summary>A type parameter where an interceptor needs a known type.</summary>
    TypeParameter,

    /// <summary>A pointer or function pointer.</summary>
    Pointer,

    /// <summary><c>dynamic</c>.</summary>
    Dynamic,

    /// <summary>An anonymous type.</summary>
    Anonymous,

    /// <summary>A file-local type.</summary>
    FileLocal,

    /// <summary>A ref struct.</summary>
    RefStruct,

    /// <summary>A type whose accessibility (of <see cref="TypeProblem.Type"/>) keeps generated code out.</summary>
    Inaccessible,

    /// <summary><c>[Obsolete(..., error: true)]</c>.</summary>
    ObsoleteError,

    /// <summary><c>[Obsolete]</c> with a diagnostic id a pragma cannot name.</summary>
    ObsoleteUnsuppressible,

    /// <summary><c>[Experimental]</c> with a diagnostic id a pragma cannot name.</summary>
    ExperimentalUnsuppressible,
}

/// <summary>Why a type cannot be named by generated code; <see cref="Type"/> is the offending type, where one is.</summary>
internal readonly record struct TypeProblem(TypeReason Reason, ITypeSymbol? Type = null)
{
    public static TypeProblem None => default;

    public bool Exists => Reason != TypeReason.None;

    public bool Broken => Reason == TypeReason.BrokenCode;
}

/// <summary>
/// Why an annotated method or call cannot be intercepted, with the symbols a message names: the generator skips the
/// call when <see cref="Exists"/>, and the analyzers report it unless <see cref="Broken"/>.
/// </summary>
internal readonly record struct InterceptionProblem(
    InterceptionReason Reason, ISymbol? Subject = null, ITypeSymbol? Type = null, TypeProblem Cause = default)
{
    public static InterceptionProblem None => default;

    public static InterceptionProblem BrokenCode => new(InterceptionReason.BrokenCode);

    public bool Exists => Reason != InterceptionReason.None;

    /// <summary>The code does not compile here: the compiler reports it, and no rule does.</summary>
    public bool Broken => Reason == InterceptionReason.BrokenCode;
}
