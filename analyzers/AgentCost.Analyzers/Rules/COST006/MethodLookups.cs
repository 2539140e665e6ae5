using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using AgentCost.Analyzers.Common;
using AgentCost.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AgentCost.Analyzers.Rules;

/// <summary>
/// A reflection call that finds methods of a type: <c>Type.GetMethod(s)</c>, <c>GetRuntimeMethod(s)</c>,
/// <c>TypeInfo.DeclaredMethods</c> / <c>GetDeclaredMethod(s)</c>, or <c>Delegate.CreateDelegate</c> by name.
/// </summary>
internal sealed class MethodLookup(IOperation operation, string api, ImmutableArray<INamedTypeSymbol> types, string? name, int bindingFlags)
{
    /// <summary>The invocation or property reference that looks the methods up.</summary>
    public IOperation Operation { get; } = operation;

    /// <summary>How the code names the lookup: <c>GetMethods</c>, <c>DeclaredMethods</c>, ...</summary>
    public string Api { get; } = api;

    /// <summary>The types searched, as far as the code says; empty when the type is known only at run time.</summary>
    public ImmutableArray<INamedTypeSymbol> Types { get; } = types;

    /// <summary>The method name looked up, when the code gives one as a constant; <see langword="null"/> for every method, or a name known only at run time.</summary>
    public string? Name { get; } = name;

    /// <summary>Whether a single name is looked up but its value is known only at run time.</summary>
    public bool NameUnknown { get; init; }

    /// <summary>The <c>BindingFlags</c> value the lookup uses.</summary>
    public int BindingFlags { get; } = bindingFlags;
}

/// <summary>
/// The reflection APIs that find methods, resolved once per compilation, and the questions COST006 asks of them: which
/// lookup a <c>MethodInfo</c> value comes from, and which annotated methods a lookup can find.
/// </summary>
internal sealed class MethodLookups
{
    // System.Reflection.BindingFlags, as the runtime defines them.
    private const int IgnoreCase = 1;
    private const int DeclaredOnly = 2;
    private const int Instance = 4;
    private const int Static = 8;
    private const int Public = 16;
    private const int NonPublic = 32;
    private const int FlattenHierarchy = 64;
    private const int DefaultLookup = Public | Instance | Static;
    private const int AnyMember = Public | NonPublic | Instance | Static;

    // How far a value is followed back through locals, lambdas and LINQ before the trail is given up.
    private const int MaxDepth = 12;

    private readonly KnownSymbols _known;
    private readonly INamedTypeSymbol _type;
    private readonly INamedTypeSymbol _methodInfo;
    private readonly INamedTypeSymbol? _typeInfo;
    private readonly INamedTypeSymbol? _delegate;
    private readonly INamedTypeSymbol? _bindingFlags;
    private readonly INamedTypeSymbol? _runtimeReflectionExtensions;
    private readonly INamedTypeSymbol? _introspectionExtensions;
    private readonly INamedTypeSymbol? _enumerable;

    private MethodLookups(KnownSymbols known, INamedTypeSymbol type, INamedTypeSymbol methodInfo)
    {
        var compilation = known.Compilation;
        _known = known;
        _type = type;
        _methodInfo = methodInfo;
        _typeInfo = compilation.GetTypeByMetadataName("System.Reflection.TypeInfo");
        _delegate = compilation.GetSpecialType(SpecialType.System_Delegate);
        _bindingFlags = compilation.GetTypeByMetadataName("System.Reflection.BindingFlags");
        _runtimeReflectionExtensions = compilation.GetTypeByMetadataName("System.Reflection.RuntimeReflectionExtensions");
        _introspectionExtensions = compilation.GetTypeByMetadataName("System.Reflection.IntrospectionExtensions");
        _enumerable = compilation.GetTypeByMetadataName("System.Linq.Enumerable");
    }

    /// <summary>The lookups of a compilation, or <see langword="null"/> when it has no reflection to look with.</summary>
    public static MethodLookups? Create(KnownSymbols known)
    {
        var compilation = known.Compilation;
        return compilation.GetTypeByMetadataName("System.Type") is { } type
            && compilation.GetTypeByMetadataName("System.Reflection.MethodInfo") is { } methodInfo
            ? new MethodLookups(known, type, methodInfo)
            : null;
    }

    /// <summary>Whether <paramref name="type"/> is <c>MethodInfo</c> or derives from it.</summary>
    public bool IsMethodInfo(ITypeSymbol? type) => Names.IsOrInherits(type, _methodInfo);

    /// <summary>Whether <paramref name="type"/> is <c>System.Delegate</c>.</summary>
    public bool IsDelegate(ITypeSymbol? type) => SymbolEqualityComparer.Default.Equals(type, _delegate);

    /// <summary>The lookup <paramref name="operation"/> is, or <see langword="null"/>.</summary>
    public MethodLookup? AsLookup(IOperation operation) => operation switch
    {
        IInvocationOperation { TargetMethod.Name: "GetMethod" or "GetMethods" or "GetRuntimeMethod" or "GetRuntimeMethods" or "GetDeclaredMethod" or "GetDeclaredMethods" or "CreateDelegate" }
            or IPropertyReferenceOperation { Property.Name: "DeclaredMethods" } => AsLookup(operation, new Trail(operation)),
        _ => null,
    };

    private MethodLookup? AsLookup(IOperation operation, Trail trail)
    {
        switch (operation)
        {
            case IInvocationOperation invocation:
                return AsLookup(invocation, trail);
            case IPropertyReferenceOperation { Property.Name: "DeclaredMethods" } property
                when IsTypeInfo(property.Property.ContainingType):
                return new MethodLookup(property, "DeclaredMethods", ResolveTypes(property.Instance, trail, 0), name: null, DeclaredOnly | AnyMember);
            default:
                return null;
        }
    }

    private MethodLookup? AsLookup(IInvocationOperation invocation, Trail trail)
    {
        var method = invocation.TargetMethod;
        var container = method.ContainingType;
        switch (method.Name)
        {
            case "GetMethod" or "GetMethods" when Names.IsOrInherits(container, _type):
                return Lookup(invocation, ResolveTypes(invocation.Instance, trail, 0), single: method.Name == "GetMethod", DefaultLookup);
            case "GetRuntimeMethod" or "GetRuntimeMethods" when IsContainer(container, _runtimeReflectionExtensions) && invocation.Arguments.Length > 0:
                // GetRuntimeMethods: every method, public or not; GetRuntimeMethod: public ones, as Type.GetMethod.
                return Lookup(
                    invocation,
                    ResolveTypes(invocation.Arguments[0].Value, trail, 0),
                    single: method.Name == "GetRuntimeMethod",
                    method.Name == "GetRuntimeMethod" ? DefaultLookup : AnyMember);
            case "GetDeclaredMethod" or "GetDeclaredMethods" when IsTypeInfo(container):
                return Lookup(invocation, ResolveTypes(invocation.Instance, trail, 0), single: true, DeclaredOnly | AnyMember);
            case "CreateDelegate" when IsContainer(container, _delegate) && method.IsStatic:
                return AsDelegateByName(invocation, trail);
            default:
                return null;
        }
    }

    private MethodLookup Lookup(IInvocationOperation invocation, ImmutableArray<INamedTypeSymbol> types, bool single, int defaultFlags)
    {
        string? name = null;
        var nameUnknown = false;
        var flags = defaultFlags;
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is not { } parameter || argument.ArgumentKind == ArgumentKind.DefaultValue)
            {
                continue;
            }

            if (parameter.Name == "name" && parameter.Type.SpecialType == SpecialType.System_String)
            {
                name = argument.Value.ConstantValue is { HasValue: true, Value: string constant } ? constant : null;
                nameUnknown = name is null;
            }
            else if (SymbolEqualityComparer.Default.Equals(parameter.Type, _bindingFlags))
            {
                // Flags known only at run time may find anything.
                flags = argument.Value.ConstantValue is { HasValue: true, Value: int value } ? value : AnyMember | FlattenHierarchy;
            }
        }

        // GetMethods(BindingFlags) and the like have no name; a single-method lookup without a constant name may find any method.
        return new MethodLookup(invocation, invocation.TargetMethod.Name, types, name, flags) { NameUnknown = single && nameUnknown };
    }

    // Delegate.CreateDelegate(type, target, "Name") finds an instance method of the target's type; (type, typeof(T), "Name") a static one of T.
    private MethodLookup? AsDelegateByName(IInvocationOperation invocation, Trail trail)
    {
        string? name = null;
        var nameUnknown = false;
        IOperation? target = null;
        var flags = 0;
        foreach (var argument in invocation.Arguments)
        {
            switch (argument.Parameter)
            {
                case { Name: "method", Type.SpecialType: SpecialType.System_String }:
                    name = argument.Value.ConstantValue is { HasValue: true, Value: string constant } ? constant : null;
                    nameUnknown = name is null;
                    break;
                case { Name: "target" } parameter when parameter.Type.SpecialType == SpecialType.System_Object:
                    target = argument.Value;
                    flags |= Instance | Public | NonPublic;
                    break;
                case { Name: "target" } parameter when SymbolEqualityComparer.Default.Equals(parameter.Type, _type):
                    target = argument.Value;
                    flags |= Static | Public | NonPublic;
                    break;
                case { Name: "ignoreCase" } when argument.Value.ConstantValue is { HasValue: true, Value: true }:
                    flags |= IgnoreCase;
                    break;
            }
        }

        if (target is null || (name is null && !nameUnknown))
        {
            return null;
        }

        var types = (flags & Instance) != 0 ? StaticTypeOf(target) : ResolveTypes(target, trail, 0);
        return new MethodLookup(invocation, "Delegate.CreateDelegate", types, name, flags) { NameUnknown = nameUnknown };
    }

    /// <summary>
    /// The annotated methods a lookup can find, with their policy attribute, in declaration order: the methods of its type
    /// and, as its binding flags allow, of the type's bases.
    /// </summary>
    public ImmutableArray<(IMethodSymbol Method, AttributeData Policy)> FindAnnotated(MethodLookup lookup)
    {
        var found = ImmutableArray.CreateBuilder<(IMethodSymbol, AttributeData)>();
        foreach (var type in lookup.Types)
        {
            var inherited = false;
            for (var current = type; current is not null && current.SpecialType == SpecialType.None; current = current.BaseType)
            {
                var members = lookup.Name is null || (lookup.BindingFlags & IgnoreCase) != 0 ? current.GetMembers() : current.GetMembers(lookup.Name);
                foreach (var member in members)
                {
                    if (member is IMethodSymbol { MethodKind: MethodKind.Ordinary } method
                        && NameMatches(method, lookup)
                        && IsFound(method, inherited, lookup.BindingFlags)
                        && _known.FindPolicy(method) is { } policy
                        && !Contains(found, method))
                    {
                        found.Add((method, policy));
                    }
                }

                if ((lookup.BindingFlags & DeclaredOnly) != 0)
                {
                    break;
                }

                inherited = true;
            }
        }

        return found.ToImmutable();
    }

    /// <summary>The annotated instance methods of the static type of the object a <c>MethodInfo</c> is invoked on.</summary>
    public ImmutableArray<(IMethodSymbol Method, AttributeData Policy)> FindAnnotatedOfTarget(IOperation target)
    {
        var types = StaticTypeOf(target);
        return types.IsEmpty
            ? ImmutableArray<(IMethodSymbol, AttributeData)>.Empty
            : FindAnnotated(new MethodLookup(target, "target", types, name: null, Instance | Public | NonPublic));
    }

    /// <summary>
    /// The lookups a <c>MethodInfo</c> (or a sequence of them, or a delegate made from one) comes from, followed back
    /// through locals, lambdas over sequences, LINQ, indexing and <c>CreateDelegate</c> within the operation tree of
    /// <paramref name="value"/>'s member. Empty when the value comes from somewhere else: a parameter, a field, a call.
    /// </summary>
    public ImmutableArray<MethodLookup> Trace(IOperation value)
    {
        var results = ImmutableArray.CreateBuilder<MethodLookup>();
        Trace(value, new Trail(value), results, 0);
        return results.ToImmutable();
    }

    private void Trace(IOperation? value, Trail trail, ImmutableArray<MethodLookup>.Builder results, int depth)
    {
        if (value is null || depth > MaxDepth)
        {
            return;
        }

        value = OperationTree.Unwrap(value);
        if (AsLookup(value, trail) is { } lookup)
        {
            results.Add(lookup);
            return;
        }

        switch (value)
        {
            case IInvocationOperation invocation:
                Trace(Source(invocation), trail, results, depth + 1);
                break;
            case IArrayElementReferenceOperation element:
                Trace(element.ArrayReference, trail, results, depth + 1);
                break;
            case IPropertyReferenceOperation { Property.IsIndexer: true } indexer:
                Trace(indexer.Instance, trail, results, depth + 1);
                break;
            case IConditionalAccessOperation conditional:
                Trace(conditional.WhenNotNull, trail, results, depth + 1);
                break;
            case IConditionalAccessInstanceOperation:
                Trace(ConditionalReceiver(value), trail, results, depth + 1);
                break;
            case ICoalesceOperation coalesce:
                Trace(coalesce.Value, trail, results, depth + 1);
                Trace(coalesce.WhenNull, trail, results, depth + 1);
                break;
            case IConditionalOperation conditional:
                Trace(conditional.WhenTrue, trail, results, depth + 1);
                Trace(conditional.WhenFalse, trail, results, depth + 1);
                break;
            case IArrayCreationOperation { Initializer: { } initializer }:
                foreach (var element in initializer.ElementValues)
                {
                    Trace(element, trail, results, depth + 1);
                }

                break;
            case IObjectCreationOperation creation:
                // new List<MethodInfo>(methods), new List<MethodInfo> { a, b }
                foreach (var argument in creation.Arguments)
                {
                    Trace(argument.Value, trail, results, depth + 1);
                }

                if (creation.Initializer is { } objectInitializer)
                {
                    foreach (var initializer in objectInitializer.Initializers)
                    {
                        if (initializer is IInvocationOperation { Arguments.Length: > 0 } add)
                        {
                            Trace(add.Arguments[0].Value, trail, results, depth + 1);
                        }
                    }
                }

                break;
            case ICollectionExpressionOperation collection:
                foreach (var element in collection.Elements)
                {
                    Trace(element is ISpreadOperation spread ? spread.Operand : element, trail, results, depth + 1);
                }

                break;
            case ILocalReferenceOperation local when trail.Enter(local.Local):
                foreach (var assigned in trail.ValuesOf(local.Local))
                {
                    Trace(assigned, trail, results, depth + 1);
                }

                break;
            case IParameterReferenceOperation parameter when trail.Enter(parameter.Parameter):
                Trace(LambdaSource(parameter), trail, results, depth + 1);
                break;
        }
    }

    // What a call passes on: the MethodInfo a delegate is made of, or the sequence a LINQ, Array or List method reads.
    private IOperation? Source(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (method.Name == "CreateDelegate")
        {
            if (!method.IsStatic && IsMethodInfo(method.ContainingType))
            {
                return invocation.Instance;
            }

            if (IsContainer(method.ContainingType, _delegate))
            {
                return ArgumentOfType(invocation, _methodInfo);
            }

            return null;
        }

        if (IsContainer(method.ContainingType, _enumerable)
            || (method.IsStatic && method.ContainingType?.SpecialType == SpecialType.System_Array))
        {
            return invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null;
        }

        return !method.IsStatic
            && method.ContainingType is { TypeArguments.Length: 1 } list
            && Symbols.IsTypeOfAnyArity(list, "System.Collections.Generic", "List")
            && IsMethodInfo(list.TypeArguments[0])
            ? invocation.Instance
            : null;
    }

    // x => ... as an argument of methods.Select(...), methods.Where(...), list.ForEach(...): the sequence x comes from.
    private static IOperation? LambdaSource(IParameterReferenceOperation reference)
    {
        for (var current = reference.Parent; current is not null; current = current.Parent)
        {
            if (current is not IAnonymousFunctionOperation lambda || !SymbolEqualityComparer.Default.Equals(lambda.Symbol, reference.Parameter.ContainingSymbol))
            {
                continue;
            }

            var argument = lambda.Parent is IDelegateCreationOperation creation ? creation.Parent : lambda.Parent;
            while (argument is IConversionOperation)
            {
                argument = argument.Parent;
            }

            if (argument is not IArgumentOperation { Parent: IInvocationOperation invocation } lambdaArgument)
            {
                return null;
            }

            if (invocation.Instance is { } instance)
            {
                return instance;
            }

            return invocation.Arguments.Length > 0 && invocation.Arguments[0] != lambdaArgument ? invocation.Arguments[0].Value : null;
        }

        return null;
    }

    private static IOperation? ConditionalReceiver(IOperation instance)
    {
        for (var current = instance.Parent; current is not null; current = current.Parent)
        {
            if (current is IConditionalAccessOperation conditional && conditional.Operation != instance)
            {
                return conditional.Operation;
            }
        }

        return null;
    }

    private static IOperation? ArgumentOfType(IInvocationOperation invocation, INamedTypeSymbol type)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (SymbolEqualityComparer.Default.Equals(argument.Parameter?.Type, type))
            {
                return argument.Value;
            }
        }

        return null;
    }

    // typeof(T), x.GetType(), typeof(T).GetTypeInfo(), Type.GetType("N.T"), or a local assigned one of those.
    private ImmutableArray<INamedTypeSymbol> ResolveTypes(IOperation? operation, Trail trail, int depth)
    {
        if (operation is null || depth > MaxDepth)
        {
            return ImmutableArray<INamedTypeSymbol>.Empty;
        }

        switch (OperationTree.Unwrap(operation))
        {
            case ITypeOfOperation { TypeOperand: INamedTypeSymbol type } when type.TypeKind != TypeKind.Error:
                return ImmutableArray.Create(type.OriginalDefinition);
            case IInvocationOperation { TargetMethod.Name: "GetType", Arguments.IsEmpty: true, Instance: { } instance, TargetMethod.ContainingType.SpecialType: SpecialType.System_Object }:
                return StaticTypeOf(instance);
            case IInvocationOperation { TargetMethod.Name: "GetTypeInfo", Arguments.Length: 1 } invocation when IsContainer(invocation.TargetMethod.ContainingType, _introspectionExtensions):
                return ResolveTypes(invocation.Arguments[0].Value, trail, depth + 1);
            case IInvocationOperation { TargetMethod.Name: "AsType", Instance: { } instance } invocation when IsTypeInfo(invocation.TargetMethod.ContainingType):
                return ResolveTypes(instance, trail, depth + 1);
            case IInvocationOperation { TargetMethod.Name: "GetType", TargetMethod.IsStatic: true, Arguments.Length: > 0 } invocation
                when SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType, _type)
                    && invocation.Arguments[0].Value.ConstantValue is { HasValue: true, Value: string name }:
                return FromMetadataName(name);
            case ILocalReferenceOperation local:
                return trail.TypesOf(local.Local, value => ResolveTypes(value, trail, depth + 1));
            default:
                return ImmutableArray<INamedTypeSymbol>.Empty;
        }
    }

    private ImmutableArray<INamedTypeSymbol> FromMetadataName(string name)
    {
        var comma = name.IndexOf(',');
        var type = _known.Compilation.GetTypeByMetadataName((comma < 0 ? name : name.Substring(0, comma)).Trim());
        return type is null ? ImmutableArray<INamedTypeSymbol>.Empty : ImmutableArray.Create(type);
    }

    // The declared type of an object: what its GetType() is, or a subclass of it. Not object or an interface, which say nothing.
    private static ImmutableArray<INamedTypeSymbol> StaticTypeOf(IOperation operation)
        => OperationTree.Unwrap(operation).Type is INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct, SpecialType: SpecialType.None } type
            ? ImmutableArray.Create(type.OriginalDefinition)
            : ImmutableArray<INamedTypeSymbol>.Empty;

    private static bool NameMatches(IMethodSymbol method, MethodLookup lookup)
        => lookup.Name is null || string.Equals(method.Name, lookup.Name, (lookup.BindingFlags & IgnoreCase) != 0 ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    // What reflection returns for the flags: public or not, static or instance; from base types, no private methods,
    // and static ones only with FlattenHierarchy.
    private static bool IsFound(IMethodSymbol method, bool inherited, int flags)
    {
        var isPublic = method.DeclaredAccessibility == Accessibility.Public;
        if ((flags & (isPublic ? Public : NonPublic)) == 0 || (flags & (method.IsStatic ? Static : Instance)) == 0)
        {
            return false;
        }

        return !inherited || (method.DeclaredAccessibility != Accessibility.Private && (!method.IsStatic || (flags & FlattenHierarchy) != 0));
    }

    private static bool Contains(ImmutableArray<(IMethodSymbol, AttributeData)>.Builder found, IMethodSymbol method)
    {
        foreach (var (existing, _) in found)
        {
            if (SymbolEqualityComparer.Default.Equals(existing, method))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the looked-up method is only read for its metadata where it is found
    /// (<c>GetMethod(...)?.GetCustomAttribute&lt;T&gt;()</c>, <c>.Name</c>, <c>.GetParameters()</c>): nothing calls it.
    /// </summary>
    public static bool ReadsMetadataOnly(IOperation lookup)
    {
        var current = lookup;
        var parent = SkipConversions(ref current);
        if (parent is IConditionalAccessOperation conditional && conditional.Operation == current)
        {
            current = FindConditionalInstance(conditional.WhenNotNull);
            if (current is null)
            {
                return false;
            }

            parent = SkipConversions(ref current);
        }

        var member = parent switch
        {
            IInvocationOperation invocation when invocation.Instance == current => invocation.TargetMethod,
            IPropertyReferenceOperation property when property.Instance == current => property.Property,
            IArgumentOperation { Parent: IInvocationOperation invocation } argument
                when invocation.TargetMethod.IsExtensionMethod && invocation.Arguments[0] == argument => invocation.TargetMethod,
            _ => (ISymbol?)null,
        };

        return member is not null
            && (Symbols.IsNamespace(member.ContainingNamespace, "System.Reflection") || member.ContainingType?.SpecialType == SpecialType.System_Object)
            && member.Name is not ("Invoke" or "CreateDelegate" or "MethodHandle" or "MakeGenericMethod" or "GetBaseDefinition" or "GetGenericMethodDefinition");
    }

    private static IOperation? SkipConversions(ref IOperation current)
    {
        var parent = current.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
        {
            current = parent;
            parent = parent.Parent;
        }

        return parent;
    }

    private static IOperation? FindConditionalInstance(IOperation whenNotNull)
    {
        foreach (var operation in whenNotNull.DescendantsAndSelf())
        {
            if (operation is IConditionalAccessInstanceOperation)
            {
                return operation;
            }
        }

        return null;
    }

    private bool IsTypeInfo(INamedTypeSymbol? type) => _typeInfo is not null && Names.IsOrInherits(type, _typeInfo);

    private static bool IsContainer(INamedTypeSymbol? type, INamedTypeSymbol? expected)
        => expected is not null && SymbolEqualityComparer.Default.Equals(type, expected);

    /// <summary>The root of the operation tree an operation belongs to: its member's body, or a field initializer.</summary>
    public static IOperation Root(IOperation operation)
    {
        var current = operation;
        while (current.Parent is { } parent)
        {
            current = parent;
        }

        return current;
    }

    /// <summary>
    /// One walk back from a value: the values assigned to the locals of its member (collected once, when first asked),
    /// the symbols already followed, and the types a <c>Type</c> local was found to hold.
    /// </summary>
    private sealed class Trail(IOperation start)
    {
        private HashSet<ISymbol>? _visited;
        private Dictionary<ILocalSymbol, List<IOperation>>? _assignments;
        private Dictionary<ILocalSymbol, ImmutableArray<INamedTypeSymbol>>? _types;

        public bool Enter(ISymbol symbol) => (_visited ??= new HashSet<ISymbol>(SymbolEqualityComparer.Default)).Add(symbol);

        public IReadOnlyList<IOperation> ValuesOf(ILocalSymbol local)
        {
            _assignments ??= CollectAssignments(Root(start));
            return _assignments.TryGetValue(local, out var values) ? values : (IReadOnlyList<IOperation>)Array.Empty<IOperation>();
        }

        // Each local once: a local assigned from itself (t = t2; t2 = t) resolves to what its other assignments say.
        public ImmutableArray<INamedTypeSymbol> TypesOf(ILocalSymbol local, Func<IOperation, ImmutableArray<INamedTypeSymbol>> resolve)
        {
            _types ??= new Dictionary<ILocalSymbol, ImmutableArray<INamedTypeSymbol>>(SymbolEqualityComparer.Default);
            if (_types.TryGetValue(local, out var known))
            {
                return known;
            }

            _types.Add(local, ImmutableArray<INamedTypeSymbol>.Empty);
            var types = ImmutableArray.CreateBuilder<INamedTypeSymbol>();
            foreach (var value in ValuesOf(local))
            {
                types.AddRange(resolve(value));
            }

            return _types[local] = types.ToImmutable();
        }

        // var m = ...; m = ...; foreach (var m in ...): a foreach variable holds the elements of its collection, a list
        // what is added to it.
        private static Dictionary<ILocalSymbol, List<IOperation>> CollectAssignments(IOperation root)
        {
            var assignments = new Dictionary<ILocalSymbol, List<IOperation>>(SymbolEqualityComparer.Default);
            foreach (var operation in root.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation { Initializer.Value: { } value } declarator:
                        Add(assignments, declarator.Symbol, value);
                        break;
                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment:
                        Add(assignments, target.Local, assignment.Value);
                        break;
                    case IForEachLoopOperation { LoopControlVariable: IVariableDeclaratorOperation variable } loop:
                        Add(assignments, variable.Symbol, loop.Collection);
                        break;
                    case IInvocationOperation { TargetMethod.Name: "Add" or "AddRange" or "Insert" or "InsertRange", Instance: ILocalReferenceOperation list } fill
                        when fill.Arguments.Length > 0:
                        // methods.Add(m): the list holds what is added to it.
                        Add(assignments, list.Local, fill.Arguments[fill.Arguments.Length - 1].Value);
                        break;
                }
            }

            return assignments;
        }

        private static void Add(Dictionary<ILocalSymbol, List<IOperation>> assignments, ILocalSymbol local, IOperation value)
        {
            if (!assignments.TryGetValue(local, out var values))
            {
                assignments.Add(local, values = []);
            }

            values.Add(value);
        }
    }
}
