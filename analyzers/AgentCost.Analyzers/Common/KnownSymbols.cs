using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using AgentCost.CodeAnalysis;
using Microsoft.CodeAnalysis;

namespace AgentCost.Analyzers.Common;

/// <summary>
/// The types AgentCost's rules look for, resolved once per compilation and shared by every rule. A rule whose types are
/// all missing registers nothing.
/// </summary>
internal sealed class KnownSymbols
{
    private static readonly ConditionalWeakTable<Compilation, KnownSymbols> s_cache = new();

    private KnownSymbols(Compilation compilation)
    {
        Compilation = compilation;
        ChatClient = compilation.GetTypeByMetadataName("Microsoft.Extensions.AI.IChatClient");
        AIFunctionFactory = compilation.GetTypeByMetadataName("Microsoft.Extensions.AI.AIFunctionFactory");
        OpenAIChatClient = compilation.GetTypeByMetadataName("OpenAI.Chat.ChatClient");
        ChatCompletionService = compilation.GetTypeByMetadataName("Microsoft.SemanticKernel.ChatCompletion.IChatCompletionService");
        Kernel = compilation.GetTypeByMetadataName("Microsoft.SemanticKernel.Kernel");
        Agent = compilation.GetTypeByMetadataName("Microsoft.Agents.AI.AIAgent");
        KernelFunctionAttribute = compilation.GetTypeByMetadataName("Microsoft.SemanticKernel.KernelFunctionAttribute");
        McpServerToolAttribute = compilation.GetTypeByMetadataName("ModelContextProtocol.Server.McpServerToolAttribute");
        DescriptionAttribute = compilation.GetTypeByMetadataName("System.ComponentModel.DescriptionAttribute");
        PureAttribute = compilation.GetTypeByMetadataName("System.Diagnostics.Contracts.PureAttribute");
        Console = compilation.GetTypeByMetadataName("System.Console");
        TokenBudgetAttribute = compilation.GetTypeByMetadataName("AgentCost.TokenBudgetAttribute");

        HasCachedAttribute = compilation.GetTypeByMetadataName("AgentCost.CachedAttribute") is not null;
        HasRouteModelAttribute = compilation.GetTypeByMetadataName("AgentCost.RouteModelAttribute") is not null;
        HasPromptAttribute = compilation.GetTypeByMetadataName("AgentCost.PromptAttribute") is not null;
        HasAgentToolAttribute = compilation.GetTypeByMetadataName("AgentCost.AgentToolAttribute") is not null;
        HasAgentTaskAttribute = compilation.GetTypeByMetadataName("AgentCost.AgentTaskAttribute") is not null;
        HasSemanticCachedAttribute = compilation.GetTypeByMetadataName("AgentCost.SemanticCachedAttribute") is not null;
        HasDeterministicAttribute = compilation.GetTypeByMetadataName("AgentCost.DeterministicAttribute") is not null;
    }

    public Compilation Compilation { get; }

    public INamedTypeSymbol? ChatClient { get; }

    public INamedTypeSymbol? AIFunctionFactory { get; }

    public INamedTypeSymbol? OpenAIChatClient { get; }

    public INamedTypeSymbol? ChatCompletionService { get; }

    public INamedTypeSymbol? Kernel { get; }

    public INamedTypeSymbol? Agent { get; }

    public INamedTypeSymbol? KernelFunctionAttribute { get; }

    public INamedTypeSymbol? McpServerToolAttribute { get; }

    public INamedTypeSymbol? DescriptionAttribute { get; }

    public INamedTypeSymbol? PureAttribute { get; }

    public INamedTypeSymbol? Console { get; }

    public INamedTypeSymbol? TokenBudgetAttribute { get; }

    public bool HasCachedAttribute { get; }

    public bool HasTokenBudgetAttribute => TokenBudgetAttribute is not null;

    public bool HasRouteModelAttribute { get; }

    public bool HasPromptAttribute { get; }

    public bool HasAgentToolAttribute { get; }

    public bool HasDeterministicAttribute { get; }

    public bool HasAgentTaskAttribute { get; }

    public bool HasSemanticCachedAttribute { get; }

    /// <summary>Whether any attribute whose calls are intercepted exists: otherwise no method can carry a policy.</summary>
    public bool HasPolicyAttributes => HasCachedAttribute || HasTokenBudgetAttribute || HasRouteModelAttribute || HasAgentTaskAttribute
        || HasSemanticCachedAttribute;

    /// <summary>Whether any known model API or model-calling attribute is referenced.</summary>
    public bool HasModelApis => ChatClient is not null || OpenAIChatClient is not null || ChatCompletionService is not null
        || Kernel is not null || Agent is not null || HasTokenBudgetAttribute || HasRouteModelAttribute;

    public static KnownSymbols Get(Compilation compilation) => s_cache.GetValue(compilation, static c => new KnownSymbols(c));

    private readonly ConcurrentDictionary<IAssemblySymbol, bool> _agentCostAssemblies = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<IMethodSymbol, ImmutableArray<AttributeData>> _agentCostAttributes = new(SymbolEqualityComparer.Default);

    /// <summary>
    /// The AgentCost attributes of a method's original definition, read once per compilation. Methods of assemblies
    /// that neither are this compilation nor reference an assembly named AgentCost (nor declare the namespace) have none:
    /// the framework's methods are not read at all.
    /// </summary>
    public ImmutableArray<AttributeData> GetAgentCostAttributes(IMethodSymbol method)
    {
        var definition = (method.ReducedFrom ?? method).OriginalDefinition;
        if (!AgentCostAttributes.MayHaveAttributes(definition)
            || definition.ContainingAssembly is not { } assembly
            || !_agentCostAssemblies.GetOrAdd(assembly, MayDeclareAgentCostAttributes))
        {
            return ImmutableArray<AttributeData>.Empty;
        }

        return _agentCostAttributes.GetOrAdd(definition, static d => d.GetAttributes()
            .Where(a => a.AttributeClass is { ContainingType: null } type && Symbols.IsNamespace(type.ContainingNamespace, AgentCostAttributes.Namespace))
            .ToImmutableArray());
    }

    /// <summary>The first policy attribute of the method (<c>[Cached]</c>, <c>[TokenBudget]</c>, ...), or <see langword="null"/>.</summary>
    public AttributeData? FindPolicy(IMethodSymbol method)
    {
        foreach (var attribute in GetAgentCostAttributes(method))
        {
            if (AgentCostAttributes.IsPolicy(attribute.AttributeClass!))
            {
                return attribute;
            }
        }

        return null;
    }

    /// <summary>The AgentCost attribute <paramref name="name"/> of the method, or <see langword="null"/>.</summary>
    public AttributeData? FindAttribute(IMethodSymbol method, string name)
    {
        foreach (var attribute in GetAgentCostAttributes(method))
        {
            if (attribute.AttributeClass!.Name == name)
            {
                return attribute;
            }
        }

        return null;
    }

    private int _mayWaitForPerson = -1;

    /// <summary>
    /// Whether any file of the compilation mentions an API that waits for a person (a console read, a prompt library).
    /// When none does, no helper needs reading to learn whether a loop is interactive. Found once, from the text.
    /// </summary>
    public bool MayWaitForPerson(System.Threading.CancellationToken cancellationToken)
    {
        var value = System.Threading.Volatile.Read(ref _mayWaitForPerson);
        if (value < 0)
        {
            value = 0;
            foreach (var tree in Compilation.SyntaxTrees)
            {
                var text = tree.GetText(cancellationToken).ToString();
                if (text.IndexOf("ReadLine", System.StringComparison.Ordinal) >= 0
                    || text.IndexOf("ReadKey", System.StringComparison.Ordinal) >= 0
                    || text.IndexOf("Console.Read", System.StringComparison.Ordinal) >= 0
                    || text.IndexOf("Spectre.Console", System.StringComparison.Ordinal) >= 0
                    || text.IndexOf("Sharprompt", System.StringComparison.Ordinal) >= 0)
                {
                    value = 1;
                    break;
                }
            }

            System.Threading.Volatile.Write(ref _mayWaitForPerson, value);
        }

        return value == 1;
    }

    private bool MayDeclareAgentCostAttributes(IAssemblySymbol assembly)
        => SymbolEqualityComparer.Default.Equals(assembly, Compilation.Assembly)
            || assembly.Name == AgentCostAttributes.Namespace
            || assembly.Modules.Any(module => module.ReferencedAssemblies.Any(reference => reference.Name == AgentCostAttributes.Namespace))
            || assembly.GlobalNamespace.GetNamespaceMembers().Any(n => n.Name == AgentCostAttributes.Namespace);
}
