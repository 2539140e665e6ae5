using AgentCost.CodeAnalysis;
using Microsoft.CodeAnalysis;

namespace AgentCost.Analyzers.Rules;

/// <summary>
/// Which parameter types the runtime's cache key (<c>CacheKeyBuilder</c>) can encode: primitives, strings, enums and the
/// other scalars it knows, collections and value tuples of encodable values, and records, structs and classes through
/// their public properties and public fields.
/// </summary>
/// <remarks>
/// The same rule as the runtime's, where the declared type decides it: a class or struct with no public readable state
/// (no public property with a getter, no public field, not counting <c>[JsonIgnore]</c> members) is refused, because
/// every value would encode alike. Abstract types, interfaces and type parameters are left to the run-time type.
/// </remarks>
internal static class CacheKeyTypes
{
    /// <summary>Why a value of <paramref name="type"/> cannot be part of a cache key, or <see langword="null"/> when it can (or when it is not known).</summary>
    public static string? GetProblem(ITypeSymbol type) => GetProblem(type, depth: 0);

    /// <summary>Whether marking such a parameter <c>[NotCacheKey]</c> lets the call be intercepted: not for values an interceptor cannot carry at all.</summary>
    public static bool CanBeLeftOut(ITypeSymbol type)
        => type is not (IPointerTypeSymbol or IFunctionPointerTypeSymbol or IDynamicTypeSymbol);

    private static string? GetProblem(ITypeSymbol type, int depth)
    {
        if (depth > 4)
        {
            return null;
        }

        switch (type)
        {
            case IPointerTypeSymbol or IFunctionPointerTypeSymbol:
                return "a pointer is an address, not a value";
            case IDynamicTypeSymbol:
                return "a dynamic value has no declared type to encode";
            case IArrayTypeSymbol array:
                return GetProblem(array.ElementType, depth + 1);
            case INamedTypeSymbol named:
                return GetNamedProblem(named, depth);
            default:
                return null;
        }
    }

    private static string? GetNamedProblem(INamedTypeSymbol type, int depth)
    {
        if (type.TypeKind == TypeKind.Error || type.IsRefLikeType)
        {
            // Broken code, or a ref struct: the compiler, or COST008, says why.
            return null;
        }

        switch (type.SpecialType)
        {
            case SpecialType.System_Object:
                return "'object' says nothing about the value, so the key depends on whatever is passed";
            case SpecialType.System_IntPtr or SpecialType.System_UIntPtr:
                return "a native integer is usually an address, and its size depends on the process";
            case SpecialType.System_Delegate or SpecialType.System_MulticastDelegate:
                return "a delegate is code, not a value";
            case SpecialType.System_Nullable_T:
                return GetProblem(type.TypeArguments[0], depth + 1);
            case SpecialType.System_Enum or SpecialType.System_ValueType:
                return "its declared type says nothing about the value, so the key depends on whatever is passed";
            case not SpecialType.None:
                return null;
        }

        if (type.TypeKind == TypeKind.Delegate)
        {
            return "a delegate is code, not a value";
        }

        if (type.TypeKind == TypeKind.Enum || IsKnownScalar(type))
        {
            return null;
        }

        if (Symbols.IsOrDerivesFrom(type, "System.IO", "Stream")
            || Symbols.IsOrDerivesFrom(type, "System.IO", "TextReader")
            || Symbols.IsOrDerivesFrom(type, "System.IO", "TextWriter"))
        {
            return "a stream is read once and has no value to compare";
        }

        if (Symbols.IsOrDerivesFrom(type, "System.Threading.Tasks", "Task")
            || Symbols.IsTypeOfAnyArity(type, "System.Threading.Tasks", "ValueTask")
            || IsNamed(type, "System.Collections.Generic", "IAsyncEnumerable", "IAsyncEnumerator", "IEnumerator")
            || Symbols.IsTypeOfAnyArity(type, "System.Collections", "IEnumerator"))
        {
            return "it stands for work in progress, not a value";
        }

        if (Symbols.IsOrDerivesFrom(type, "System", "Type") || Symbols.IsOrDerivesFrom(type, "System.Reflection", "MemberInfo"))
        {
            return "a reflection object has no stable serialised form";
        }

        if (type.IsTupleType || Symbols.IsTypeOfAnyArity(type, "System", "ValueTuple"))
        {
            // Keyed by its elements (fields Item1, Item2, ...), like a record by its properties.
            foreach (var element in type.TypeArguments)
            {
                if (GetProblem(element, depth + 1) is { } problem)
                {
                    return problem;
                }
            }

            return null;
        }

        if (IsService(type))
        {
            return "it is a service or a resource, not a value";
        }

        // Collections are keyed by their elements.
        foreach (var @interface in type.AllInterfaces)
        {
            if (Symbols.IsTypeOfAnyArity(@interface, "System.Collections.Generic", "IEnumerable") && @interface.TypeArguments.Length == 1)
            {
                return GetProblem(@interface.TypeArguments[0], depth + 1);
            }
        }

        if (Symbols.IsTypeOfAnyArity(type, "System.Collections.Generic", "IEnumerable") && type.TypeArguments.Length == 1)
        {
            return GetProblem(type.TypeArguments[0], depth + 1);
        }

        if (type.TypeKind is TypeKind.Class or TypeKind.Struct && !type.IsAbstract && !HasConverter(type) && !HasPublicState(type))
        {
            return "it has no public readable state (no public property with a getter, no public field), so every value would encode alike";
        }

        return null;
    }

    private static bool IsNamed(INamedTypeSymbol type, string @namespace, string first, string second, string third)
        => (type.Name == first || type.Name == second || type.Name == third) && Symbols.IsTypeOfAnyArity(type, @namespace, type.Name);

    // Scalars the key encodes directly or through their own JSON converter.
    private static bool IsKnownScalar(INamedTypeSymbol type)
        => type.ContainingType is null
            && type.Name switch
            {
                "Guid" or "DateTimeOffset" or "TimeSpan" or "DateOnly" or "TimeOnly" or "Half" or "Int128" or "UInt128" or "Uri" or "Version"
                    => Symbols.IsNamespace(type.ContainingNamespace, "System"),
                "BigInteger" or "Complex" => Symbols.IsNamespace(type.ContainingNamespace, "System.Numerics"),
                "JsonElement" or "JsonDocument" => Symbols.IsNamespace(type.ContainingNamespace, "System.Text.Json"),
                "JsonNode" or "JsonObject" or "JsonArray" or "JsonValue" => Symbols.IsNamespace(type.ContainingNamespace, "System.Text.Json.Nodes"),
                _ => false,
            };

    // Services an agent method commonly receives that are never part of its answer's identity.
    private static bool IsService(INamedTypeSymbol type)
        => Symbols.IsTypeOfAnyArity(type, "System", "IServiceProvider")
            || Symbols.IsOrDerivesFrom(type, "System.Threading", "CancellationTokenSource")
            || Symbols.IsOrDerivesFrom(type, "System.Threading", "WaitHandle")
            || Symbols.IsOrDerivesFrom(type, "System.Threading", "Thread")
            || Symbols.IsOrDerivesFrom(type, "System.Net.Http", "HttpMessageInvoker")
            || Symbols.IsTypeOfAnyArity(type, "Microsoft.Extensions.Logging", "ILogger")
            || Symbols.IsTypeOfAnyArity(type, "Microsoft.Extensions.Logging", "ILoggerFactory")
            || Symbols.IsTypeOfAnyArity(type, "Microsoft.Extensions.AI", "IChatClient")
            || Symbols.IsTypeOfAnyArity(type, "Microsoft.Extensions.AI", "IEmbeddingGenerator")
            || Symbols.IsTypeOfAnyArity(type, "Microsoft.SemanticKernel", "Kernel");

    private static bool HasConverter(INamedTypeSymbol type)
    {
        foreach (var attribute in type.GetAttributes())
        {
            if (Symbols.IsTypeOfAnyArity(attribute.AttributeClass, "System.Text.Json.Serialization", "JsonConverterAttribute"))
            {
                return true;
            }
        }

        return false;
    }

    // What the key reads: public instance properties with a public getter and public instance fields, unless [JsonIgnore]d.
    private static bool HasPublicState(INamedTypeSymbol type)
    {
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                var keyed = member switch
                {
                    IPropertySymbol { IsStatic: false, IsIndexer: false, DeclaredAccessibility: Accessibility.Public, GetMethod.DeclaredAccessibility: Accessibility.Public } => true,
                    IFieldSymbol { IsStatic: false, IsConst: false, DeclaredAccessibility: Accessibility.Public } => true,
                    _ => false,
                };
                if (keyed && !IsJsonIgnored(member))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsJsonIgnored(ISymbol member)
    {
        foreach (var attribute in member.GetAttributes())
        {
            if (Symbols.IsTypeOfAnyArity(attribute.AttributeClass, "System.Text.Json.Serialization", "JsonIgnoreAttribute"))
            {
                return true;
            }
        }

        return false;
    }
}
