using System.Collections.Generic;
using System.Collections.Immutable;
using AgentCost.Analyzers.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AgentCost.Analyzers.Rules;

/// <summary>
/// Finds, in the expression that fills a tool list, the collections whose enumeration order is not part of their
/// contract. Follows LINQ chains to their source (a sort ends the search: its result is ordered), collection
/// expressions' spreads, list constructors, conditional branches and the initializers of locals. The types are
/// resolved once per compilation.
/// </summary>
internal sealed class UnorderedSources
{
    // A chain of LINQ calls and locals is short in real code; the bound keeps a circular or generated one cheap.
    private const int MaxDepth = 12;

    private static readonly string[] UnorderedTypeNames =
    [
        "System.Collections.Generic.HashSet`1",
        "System.Collections.Generic.Dictionary`2",
        "System.Collections.Generic.Dictionary`2+KeyCollection",
        "System.Collections.Generic.Dictionary`2+ValueCollection",
        "System.Collections.Concurrent.ConcurrentDictionary`2",
        "System.Collections.Concurrent.ConcurrentBag`1",
        "System.Collections.Immutable.ImmutableHashSet`1",
        "System.Collections.Immutable.ImmutableDictionary`2",
        "System.Collections.Frozen.FrozenDictionary`2",
        "System.Collections.Frozen.FrozenSet`1",
        "System.Collections.Hashtable",
    ];

    // Dictionary<string, AITool>.ValueCollection rather than ValueCollection: the nested name alone says nothing.
    private static readonly SymbolDisplayFormat TypeFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

    private readonly IPropertySymbol _tools;
    private readonly INamedTypeSymbol _aiTool;
    private readonly ImmutableHashSet<INamedTypeSymbol> _unordered;
    private readonly INamedTypeSymbol? _enumerable;
    private readonly INamedTypeSymbol? _parallelEnumerable;
    private readonly INamedTypeSymbol? _immutableArrayExtensions;
    private readonly INamedTypeSymbol? _enumerableInterface;

    private UnorderedSources(IPropertySymbol tools, INamedTypeSymbol aiTool, ImmutableHashSet<INamedTypeSymbol> unordered, Compilation compilation)
    {
        _tools = tools;
        _aiTool = aiTool;
        _unordered = unordered;
        _enumerable = compilation.GetTypeByMetadataName("System.Linq.Enumerable");
        _parallelEnumerable = compilation.GetTypeByMetadataName("System.Linq.ParallelEnumerable");
        _enumerableInterface = compilation.GetTypeByMetadataName("System.Collections.IEnumerable");

        // ImmutableArray's own Select and Where, which a FrozenDictionary's Values (an ImmutableArray) binds to.
        _immutableArrayExtensions = compilation.GetTypeByMetadataName("System.Linq.ImmutableArrayExtensions");
    }

    /// <summary>The finder for <paramref name="compilation"/>, or <see langword="null"/> when it has no <c>ChatOptions.Tools</c>.</summary>
    public static UnorderedSources? Create(Compilation compilation)
    {
        if (compilation.GetTypeByMetadataName("Microsoft.Extensions.AI.ChatOptions") is not { } options
            || compilation.GetTypeByMetadataName("Microsoft.Extensions.AI.AITool") is not { } aiTool)
        {
            return null;
        }

        IPropertySymbol? tools = null;
        foreach (var member in options.GetMembers("Tools"))
        {
            tools ??= member as IPropertySymbol;
        }

        if (tools is null)
        {
            return null;
        }

        var unordered = ImmutableHashSet.CreateBuilder<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        foreach (var name in UnorderedTypeNames)
        {
            if (compilation.GetTypeByMetadataName(name) is { } type)
            {
                unordered.Add(type);
            }
        }

        return new UnorderedSources(tools, aiTool, unordered.ToImmutable(), compilation);
    }

    /// <summary>Whether <paramref name="operation"/> reads or writes <c>ChatOptions.Tools</c>.</summary>
    public bool IsToolsProperty(IOperation operation)
        => OperationTree.Unwrap(operation) is IPropertyReferenceOperation property
            && SymbolEqualityComparer.Default.Equals(property.Property.OriginalDefinition, _tools);

    /// <summary>Whether a collection of <paramref name="type"/> enumerates AITools, so sorting it by <c>Name</c> keeps its type.</summary>
    public bool EnumeratesTools(ITypeSymbol? type)
    {
        if (type is null)
        {
            return false;
        }

        foreach (var @interface in type.AllInterfaces)
        {
            if (@interface is { Name: "IEnumerable", Arity: 1 } generic
                && generic.ContainingNamespace?.ToDisplayString() == "System.Collections.Generic"
                && Names.IsOrInherits(generic.TypeArguments[0], _aiTool))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>How the message names an unordered source: its type, or "a parallel query".</summary>
    public static string Describe(IOperation source)
        => source is IInvocationOperation { TargetMethod.Name: "AsParallel" or "AsUnordered" }
            ? "a parallel query"
            : "a " + (source.Type?.ToDisplayString(TypeFormat) ?? "collection");

    /// <summary>The unordered sources whose order <paramref name="value"/> takes.</summary>
    public List<IOperation> Find(IOperation value)
    {
        var found = new List<IOperation>();
        Visit(value, found, depth: 0);
        return found;
    }

    /// <summary>The unordered collections of the <c>foreach</c> loops around <paramref name="operation"/>, up to its method body.</summary>
    public List<IOperation> FindInEnclosingLoops(IOperation operation)
    {
        var found = new List<IOperation>();
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                break;
            }

            if (current is IForEachLoopOperation loop)
            {
                Visit(loop.Collection, found, depth: 0);
            }
        }

        return found;
    }

    private void Visit(IOperation? operation, List<IOperation> found, int depth)
    {
        if (operation is null || depth > MaxDepth)
        {
            return;
        }

        operation = OperationTree.Unwrap(operation);
        switch (operation)
        {
            case IInvocationOperation invocation when IsLinq(invocation.TargetMethod, out var parallel):
                VisitQuery(invocation, parallel, found, depth);
                return;
            case IPropertyReferenceOperation { Property.Name: "Keys" or "Values", Instance: { } instance } when IsUnordered(instance.Type):
                found.Add(operation);
                return;
            case ILocalReferenceOperation local:
                // A collection's own type speaks first; only a local typed as an interface is followed to its initializer.
                if (IsUnordered(operation.Type))
                {
                    found.Add(operation);
                }
                else
                {
                    Visit(Initializer(local), found, depth + 1);
                }

                return;
        }

        if (IsUnordered(operation.Type))
        {
            found.Add(operation);
            return;
        }

        switch (operation)
        {
            case ICollectionExpressionOperation collection:
                foreach (var element in collection.Elements)
                {
                    if (element is ISpreadOperation spread)
                    {
                        Visit(spread.Operand, found, depth + 1);
                    }
                }

                break;
            case IObjectCreationOperation creation:
                foreach (var argument in creation.Arguments)
                {
                    if (IsSequence(argument.Value.Type))
                    {
                        Visit(argument.Value, found, depth + 1);
                    }
                }

                break;
            case IConditionalOperation conditional:
                Visit(conditional.WhenTrue, found, depth + 1);
                Visit(conditional.WhenFalse, found, depth + 1);
                break;
            case ICoalesceOperation coalesce:
                Visit(coalesce.Value, found, depth + 1);
                Visit(coalesce.WhenNull, found, depth + 1);
                break;
        }
    }

    private void VisitQuery(IInvocationOperation invocation, bool parallel, List<IOperation> found, int depth)
    {
        switch (invocation.TargetMethod.Name)
        {
            case "OrderBy" or "OrderByDescending" or "ThenBy" or "ThenByDescending" or "Order" or "OrderDescending" or "AsOrdered":
                return;
            case "AsParallel" or "AsUnordered" when parallel:
                found.Add(invocation);
                return;
        }

        // ToHashSet, ToDictionary: the query ends in an unordered collection whatever its source's order.
        if (!parallel && IsUnordered(invocation.Type))
        {
            found.Add(invocation);
            return;
        }

        // The source and any other sequences (Concat, Union, Zip); the lambdas are not sequences.
        foreach (var argument in invocation.Arguments)
        {
            if (IsSequence(argument.Value.Type))
            {
                Visit(argument.Value, found, depth + 1);
            }
        }
    }

    private bool IsLinq(IMethodSymbol method, out bool parallel)
    {
        var type = (method.ReducedFrom ?? method).ContainingType?.OriginalDefinition;
        parallel = _parallelEnumerable is not null && SymbolEqualityComparer.Default.Equals(type, _parallelEnumerable);
        return parallel
            || (_enumerable is not null && SymbolEqualityComparer.Default.Equals(type, _enumerable))
            || (_immutableArrayExtensions is not null && SymbolEqualityComparer.Default.Equals(type, _immutableArrayExtensions));
    }

    private bool IsUnordered(ITypeSymbol? type)
    {
        for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            if (_unordered.Contains(current.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsSequence(ITypeSymbol? type)
        => type is not null && type.SpecialType != SpecialType.System_String && Names.IsOrInherits(type, _enumerableInterface);

    private static IOperation? Initializer(ILocalReferenceOperation reference)
    {
        if (reference.SemanticModel is not { } model)
        {
            return null;
        }

        foreach (var syntax in reference.Local.DeclaringSyntaxReferences)
        {
            if (model.GetOperation(syntax.GetSyntax()) is IVariableDeclaratorOperation declarator)
            {
                return declarator.Initializer?.Value ?? declarator.GetVariableInitializer()?.Value;
            }
        }

        return null;
    }
}
