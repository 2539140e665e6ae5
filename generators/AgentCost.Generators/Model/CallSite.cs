using Microsoft.CodeAnalysis.CSharp;

namespace AgentCost.Generators.Model;

/// <summary>One intercepted invocation.</summary>
/// <param name="Method">The annotated method the invocation targets or, for a tool factory call, hands to the factory.</param>
/// <param name="Kind">A call of the method, or an <c>AIFunctionFactory.Create</c> call given the method as a method group.</param>
/// <param name="Location">Where the invocation is, as the <c>InterceptsLocation</c> attribute names it.</param>
internal sealed record CallSite(InterceptedMethod Method, InterceptionKind Kind, CallLocation Location);

/// <summary>What an interceptor replaces.</summary>
internal enum InterceptionKind
{
    /// <summary>A call of the annotated method.</summary>
    Call,

    /// <summary><c>AIFunctionFactory.Create(Delegate method, string? name, string? description, JsonSerializerOptions? serializerOptions)</c>.</summary>
    ToolFactory,

    /// <summary><c>AIFunctionFactory.Create(Delegate method, AIFunctionFactoryOptions? options)</c>.</summary>
    ToolFactoryWithOptions,
}

/// <summary>Where an intercepted invocation is.</summary>
/// <param name="Interceptable">The compiler's location of the invocation.</param>
/// <param name="FilePath">The path of the file, to order call sites.</param>
/// <param name="Position">The position of the method name in the file, to order call sites.</param>
/// <param name="Display">The file name, line and column, for a comment that helps readers of the generated code.</param>
internal sealed record CallLocation(InterceptableLocation Interceptable, string FilePath, int Position, string Display);
