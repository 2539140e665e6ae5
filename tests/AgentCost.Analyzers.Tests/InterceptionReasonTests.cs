using AgentCost.Analyzers.Common;
using AgentCost.Analyzers.Tests.Infrastructure;
using AgentCost.CodeAnalysis;
using Microsoft.CodeAnalysis;

namespace AgentCost.Analyzers.Tests;

/// <summary>
/// The generator skips a call for every reason the shared rules give; COST007 and COST008 can only report a reason they
/// have words for. A reason added to the rules without words would be a skip no rule explains.
/// </summary>
public sealed class InterceptionReasonTests
{
    [Fact]
    public void EveryReasonHasItsOwnWords()
    {
        var compilation = AnalyzerRunner.Compile("public class C<T> { public void M(ref int x) { } }");
        var type = compilation.GetTypeByMetadataName("C`1")!;
        var method = (IMethodSymbol)type.GetMembers("M").Single();
        var parameter = method.Parameters[0];

        var messages = new HashSet<string>(StringComparer.Ordinal);
        foreach (var reason in Enum.GetValues<InterceptionReason>())
        {
            ISymbol subject = reason switch
            {
                InterceptionReason.ParameterByReference or InterceptionReason.ParameterType => parameter,
                InterceptionReason.ContainingTypeArgument => type,
                _ => method,
            };
            var message = InterceptionMessages.Describe(new InterceptionProblem(reason, subject, type, new TypeProblem(TypeReason.Pointer, type)));
            if (reason is InterceptionReason.None or InterceptionReason.BrokenCode)
            {
                Assert.Null(message);
                continue;
            }

            Assert.False(string.IsNullOrEmpty(message), reason.ToString());
            Assert.True(messages.Add(message!), $"{reason}: '{message}' is another reason's message");
        }
    }

    [Fact]
    public void EveryTypeReasonHasItsOwnWords()
    {
        var compilation = AnalyzerRunner.Compile("internal class C { }");
        var type = compilation.GetTypeByMetadataName("C")!;

        var messages = new HashSet<string>(StringComparer.Ordinal);
        foreach (var cause in Enum.GetValues<TypeReason>())
        {
            if (cause is TypeReason.None or TypeReason.BrokenCode)
            {
                continue;
            }

            var message = InterceptionMessages.Describe(new InterceptionProblem(InterceptionReason.ReturnType, Type: type, Cause: new TypeProblem(cause, type)));
            Assert.NotNull(message);
            Assert.True(messages.Add(message!), $"{cause}: '{message}' is another cause's message");
            Assert.DoesNotContain("''", message, StringComparison.Ordinal);
            Assert.False(message!.EndsWith("' ", StringComparison.Ordinal), $"{cause} has no words");
        }
    }
}
