using System;
using System.Collections.Generic;
using System.Linq;
using AgentCost.CodeAnalysis;
using AgentCost.Generators.Common;
using Microsoft.CodeAnalysis;

namespace AgentCost.Generators.Tools;

/// <summary>
/// A type whose tool arguments are read, and whose schema is written, at compile time: what System.Text.Json's exporter
/// (with AIJsonUtilities' transforms) writes for it, the reader <c>ToolValueReaders</c> has for it, and its default
/// value as JSON. One table of them drives the readers the parser chooses and the schemas the schema writer writes.
/// </summary>
internal sealed class ScalarType
{
    private static readonly ScalarType[] s_table =
    [
        new("String", SpecialType.System_String, "string", defaultJson: null),
        new("Boolean", SpecialType.System_Boolean, "boolean", "false"),
        new("Char", SpecialType.System_Char, "string", Text("\0"), ("minLength", "1"), ("maxLength", "1")),
        new("Byte", SpecialType.System_Byte, "integer", "0"),
        new("SByte", SpecialType.System_SByte, "integer", "0"),
        new("Int16", SpecialType.System_Int16, "integer", "0"),
        new("UInt16", SpecialType.System_UInt16, "integer", "0"),
        new("Int32", SpecialType.System_Int32, "integer", "0"),
        new("UInt32", SpecialType.System_UInt32, "integer", "0"),
        new("Int64", SpecialType.System_Int64, "integer", "0"),
        new("UInt64", SpecialType.System_UInt64, "integer", "0"),
        new("Single", SpecialType.System_Single, "number", "0"),
        new("Double", SpecialType.System_Double, "number", "0"),
        new("Decimal", SpecialType.System_Decimal, "number", "0"),
        new("DateTime", SpecialType.System_DateTime, "string", Text("0001-01-01T00:00:00"), Format("date-time")),

        // Types the compiler does not know as special, matched by name in the System namespace.
        new("Half", SpecialType.None, "number", "0"),
        new("Guid", SpecialType.None, "string", Text("00000000-0000-0000-0000-000000000000"), Format("uuid")),
        new("DateTimeOffset", SpecialType.None, "string", Text("0001-01-01T00:00:00+00:00"), Format("date-time")),
        new("DateOnly", SpecialType.None, "string", Text("0001-01-01"), Format("date")),
        new("TimeOnly", SpecialType.None, "string", Text("00:00:00"), Format("time")),
        new("TimeSpan", SpecialType.None, "string", Text("00:00:00"), ("pattern", JsonText.String(@"^-?(\d+\.)?\d{2}:\d{2}:\d{2}(\.\d{1,7})?$")))
        {
            Comment = "Represents a System.TimeSpan value.",
        },
        new("Uri", SpecialType.None, "string", defaultJson: null, Format("uri")),
    ];

    private static readonly Dictionary<SpecialType, ScalarType> s_bySpecialType = s_table
        .Where(scalar => scalar.SpecialType != SpecialType.None)
        .ToDictionary(scalar => scalar.SpecialType);

    private static readonly Dictionary<string, ScalarType> s_byName = s_table
        .Where(scalar => scalar.SpecialType == SpecialType.None)
        .ToDictionary(scalar => scalar.Name, StringComparer.Ordinal);

    private ScalarType(string name, SpecialType specialType, string jsonType, string? defaultJson, params (string Key, string Json)[] members)
    {
        Name = name;
        SpecialType = specialType;
        JsonType = jsonType;
        DefaultJson = defaultJson;
        Members = members;
    }

    /// <summary>Every scalar type, in the order the table lists them.</summary>
    public static IReadOnlyList<ScalarType> All => s_table;

    /// <summary>The type's name in the <c>System</c> namespace, which is also the name of its reader.</summary>
    public string Name { get; }

    /// <summary>The type as the compiler knows it in the core library; <see cref="SpecialType.None"/> for the others.</summary>
    public SpecialType SpecialType { get; }

    /// <summary>The schema's <c>type</c>.</summary>
    public string JsonType { get; }

    /// <summary><c>default(T)</c> as System.Text.Json writes it; null for reference types.</summary>
    public string? DefaultJson { get; }

    /// <summary>The schema's <c>$comment</c>, which the exporter writes before the type.</summary>
    public string? Comment { get; private init; }

    /// <summary>The schema's members after its type, each with its JSON value, in the exporter's order.</summary>
    public IReadOnlyList<(string Key, string Json)> Members { get; }

    /// <summary>The expression of the reader that reads the type.</summary>
    public string Reader => RuntimeTypes.ToolValueReaders + "." + Name;

    /// <summary>The scalar type <paramref name="type"/> is, or null for any other type (enums included).</summary>
    public static ScalarType? Find(ITypeSymbol type)
    {
        if (type.SpecialType != SpecialType.None)
        {
            return s_bySpecialType.TryGetValue(type.SpecialType, out var special) ? special : null;
        }

        return type is INamedTypeSymbol { Arity: 0, ContainingType: null } named
            && s_byName.TryGetValue(named.Name, out var scalar)
            && Symbols.IsNamespace(named.ContainingNamespace, "System")
                ? scalar
                : null;
    }

    private static (string Key, string Json) Format(string format) => ("format", JsonText.String(format));

    // A default written as System.Text.Json writes strings: "+" in an offset, for one, is \u002B.
    private static string Text(string value) => JsonText.String(value);
}
