using Microsoft.CodeAnalysis.CSharp;

namespace AgentCost.Generators.Model;

/// <summary>One invocation of an intercepted method.</summary>
/// <param name="Method">The method the invocation targets.</param>
/// <param name="Location">Where the invocation is, as the <c>InterceptsLocation</c> attribute names it.</param>
internal sealed record CallSite(InterceptedMethod Method, CallLocation Location);

/// <summary>Where an intercepted invocation is.</summary>
/// <param name="Interceptable">The compiler's location of the invocation.</param>
/// <param name="FilePath">The path of the file, to order call sites.</param>
/// <param name="Position">The position of the method name in the file, to order call sites.</param>
/// <param name="Display">The file name, line and column, for a comment that helps readers of the generated code.</param>
internal sealed record CallLocation(InterceptableLocation Interceptable, string FilePath, int Position, string Display);
