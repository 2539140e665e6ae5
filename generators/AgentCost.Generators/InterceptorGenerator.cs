using AgentCost.Generators.Common;
using AgentCost.Generators.Tools;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace AgentCost.Generators;

/// <summary>
/// Routes every call of an AgentCost-annotated method through a generated interceptor that hands the call to the
/// AgentCost runtime, also for methods declared in referenced assemblies, and every <c>AIFunctionFactory.Create</c>
/// call given such a method as a method group. For the <c>[AgentTool]</c> methods of each type, it writes the tool
/// functions: schema at compile time, arguments bound without reflection, invocations through the same runtime.
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

        // [AgentTool] methods, wherever they are declared in the project: one class of tool functions per type.
        var toolTypes = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                "AgentCost.AgentToolAttribute",
                static (node, _) => node is MethodDeclarationSyntax,
                static (context, cancellationToken) => ToolParser.Parse(context, cancellationToken))
            .WithTrackingName(TrackingNames.ToolMethods)
            .Where(static tool => tool is not null)
            .Select(static (tool, _) => tool!)
            .Collect()
            .Select(static (tools, cancellationToken) => ToolParser.Group(tools, cancellationToken).ToEquatableArray())
            .WithTrackingName(TrackingNames.ToolTypes);

        context.RegisterSourceOutput(toolTypes, static (context, types) =>
        {
            foreach (var type in types)
            {
                context.AddSource(ToolEmitter.HintName(type), SourceText.From(ToolEmitter.Emit(type), System.Text.Encoding.UTF8));
            }
        });
    }
}
