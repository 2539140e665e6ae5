using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using AgentCost.CodeAnalysis;
using Microsoft.CodeAnalysis;

namespace AgentCost.Generators.Tools;

/// <summary>What the tool parser and the schema writer both read from symbols: collections, enum members, attribute text.</summary>
internal static class ToolSymbols
{
    /// <summary>The generic collections AIFunctionFactory reads and describes as JSON arrays.</summary>
    public static bool IsListLike(INamedTypeSymbol type)
        => type.Arity == 1
            && type.ContainingType is null
            && type.Name is "List" or "IList" or "ICollection" or "IEnumerable" or "IReadOnlyList" or "IReadOnlyCollection"
            && Symbols.IsNamespace(type.ContainingNamespace, "System.Collections.Generic");

    /// <summary>
    /// An enum's members as a string enum converter names them, in the order it lists them (by value, as unsigned); null
    /// for enums the options decide (flags, a converter of their own) or whose members share a value.
    /// </summary>
    public static List<(string Name, object Value)>? GetEnumMembers(ITypeSymbol type)
    {
        // A description, display name or validation attribute on the enum type itself goes into the factory's schema
        // wherever the type appears: such enums are described from their contract at run time.
        if (type is not INamedTypeSymbol { TypeKind: TypeKind.Enum } named
            || named.GetAttributes().Any(a => a.AttributeClass is { } c
                && (Symbols.IsType(c, "System", "FlagsAttribute")
                    || Symbols.IsType(c, "System.Text.Json.Serialization", "JsonConverterAttribute")
                    || Symbols.IsType(c, "System.ComponentModel", "DescriptionAttribute")
                    || Symbols.IsType(c, "System.ComponentModel", "DisplayNameAttribute")
                    || Symbols.IsNamespace(c.ContainingNamespace, "System.ComponentModel.DataAnnotations"))))
        {
            return null;
        }

        var members = new List<(string Name, object Value, ulong Order)>();
        foreach (var field in named.GetMembers().OfType<IFieldSymbol>())
        {
            if (!field.HasConstantValue || field.ConstantValue is null)
            {
                continue;
            }

            var name = GetAttributeString(field.GetAttributes(), "System.Text.Json.Serialization", "JsonStringEnumMemberNameAttribute") ?? field.Name;
            members.Add((name, field.ConstantValue, ToUnsigned(field.ConstantValue)));
        }

        if (members.Select(m => m.Order).Distinct().Count() != members.Count)
        {
            return null;
        }

        return members.OrderBy(m => m.Order).Select(m => (m.Name, m.Value)).ToList();
    }

    /// <summary>An integer constant (an enum member's value) as C# and JSON both write it.</summary>
    public static string FormatInteger(object value) => Convert.ToString(value, CultureInfo.InvariantCulture)!;

    public static string? GetDescription(ImmutableArray<AttributeData> attributes)
        => GetAttributeString(attributes, "System.ComponentModel", "DescriptionAttribute");

    /// <summary>The string an attribute of the given type was constructed with, or null.</summary>
    public static string? GetAttributeString(ImmutableArray<AttributeData> attributes, string @namespace, string name)
    {
        var attribute = attributes.FirstOrDefault(a => a.AttributeClass is { } c && Symbols.IsType(c, @namespace, name));
        return attribute is { ConstructorArguments.Length: 1 } && attribute.ConstructorArguments[0].Value is string value ? value : null;
    }

    private static ulong ToUnsigned(object value) => value switch
    {
        sbyte v => (byte)v,
        short v => (ushort)v,
        int v => (uint)v,
        long v => (ulong)v,
        _ => Convert.ToUInt64(value, CultureInfo.InvariantCulture),
    };
}
