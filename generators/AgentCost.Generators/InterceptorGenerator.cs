using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace AgentCost.Generators;

/// <summary>
/// Routes every call of an AgentCost-annotated method through a generated interceptor that hands the call to the
/// AgentCost runtime, also for methods declared in referenced assemblies.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class InterceptorGenerator : IIncrementalGenerator
{
    internal const string HintName = "AgentCost.Interceptors.g.cs";

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // A call-site provider rather than ForAttributeWithMetadataName: the attribute sits on the called method,
        // which may be declared in a referenced assembly, while what is intercepted is each invocation.
        var callSites = context.SyntaxProvider
            .CreateSyntaxProvider(
                static (node, _) => node is InvocationExpressionSyntax,
                static (context, cancellationToken) => Parser.Parse(context, cancellationToken))
            .WithTrackingName(TrackingNames.Invocations)
            .Where(static site => site is not null)
            .Select(static (site, _) => site!)
            .WithTrackingName(TrackingNames.CallSites);

        var interceptors = callSites
            .Collect()
            .WithTrackingName(TrackingNames.AllCallSites)
            .Select(static (sites, cancellationToken) => Parser.Group(sites, cancellationToken))
            .WithTrackingName(TrackingNames.Interceptors);

        context.RegisterSourceOutput(interceptors, static (context, set) =>
        {
            if (!set.IsEmpty)
            {
                context.AddSource(HintName, SourceText.From(Emitter.Emit(set), System.Text.Encoding.UTF8));
            }
        });
    }
}
