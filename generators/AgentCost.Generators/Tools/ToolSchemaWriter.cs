using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;
using AgentCost.CodeAnalysis;
using AgentCost.Generators.Common;
using Microsoft.CodeAnalysis;

namespace AgentCost.Generators.Tools;

/// <summary>
/// Writes the JSON schemas of tools at compile time, with the very text <c>AIFunctionFactory.Create</c> would give them
/// at run time: System.Text.Json's exporter with AIJsonUtilities' transforms, members in their order, text escaped as
/// System.Text.Json escapes it. Types whose schema the serializer options' contract decides (records, classes,
/// dictionaries, enums with a converter of their own) have none here: the runtime describes them.
/// </summary>
internal static class ToolSchemaWriter
{
    /// <summary>
    /// The function's parameter schema, <c>{"type":"object","properties":{...},"required":[...]}</c>; null when some
    /// argument's schema is left to the runtime.
    /// </summary>
    public static string? Function(ImmutableArray<ToolParameter> parameters)
    {
        var properties = new StringBuilder();
        var required = new List<string>();
        foreach (var parameter in parameters)
        {
            if (parameter.Binding != ToolBinding.Argument)
            {
                continue;
            }

            if (parameter.Schema?.Json is not { } json)
            {
                return null;
            }

            properties.Append(properties.Length == 0 ? string.Empty : ",").Append(JsonText.String(parameter.SchemaName)).Append(':').Append(json);
            if (parameter.IsRequired)
            {
                required.Add(JsonText.String(parameter.SchemaName));
            }
        }

        var schema = new StringBuilder("{\"type\":\"object\",\"properties\":{").Append(properties).Append('}');
        if (required.Count > 0)
        {
            schema.Append(",\"required\":[").Append(string.Join(",", required)).Append(']');
        }

        return schema.Append('}').ToString();
    }

    /// <summary>A parameter's schema: its description, its type's <paramref name="body"/>, its default, its validation members.</summary>
    public static string Parameter(IParameterSymbol parameter, string? description, string body, string? defaultJson)
        => Wrap(description, body, defaultJson, Annotations(parameter, parameter.Type));

    /// <summary>A result's schema: its description and its type's <paramref name="body"/>.</summary>
    public static string Result(string? description, string body) => Wrap(description, body, defaultJson: null, annotations: string.Empty);

    /// <summary>
    /// The members of a type's schema, or null when the serializer options' contract decides it.
    /// <paramref name="markNullable"/>: the parameter is a nullable reference, and AIFunctionFactory then lets every
    /// reference-type node of its schema be null.
    /// </summary>
    public static string? Body(ITypeSymbol type, bool markNullable)
    {
        if (type is IArrayTypeSymbol { Rank: 1 } array)
        {
            return ItemsBody(array.ElementType, markNullable);
        }

        if (type is not INamedTypeSymbol named)
        {
            return null;
        }

        if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
        {
            return ScalarBody(named.TypeArguments[0], nullable: true);
        }

        if (ToolSymbols.IsListLike(named))
        {
            return ItemsBody(named.TypeArguments[0], markNullable);
        }

        return ScalarBody(named, nullable: markNullable && !named.IsValueType);
    }

    /// <summary>A default value as System.Text.Json writes it with the string enum converter; null when it cannot be written here.</summary>
    public static string? DefaultJson(ITypeSymbol type, object? value)
    {
        var isNullable = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T };
        var target = isNullable ? ((INamedTypeSymbol)type).TypeArguments[0] : type;
        if (value is null)
        {
            return !type.IsValueType || isNullable ? "null" : DefaultOfValueType(target);
        }

        if (target.TypeKind == TypeKind.Enum)
        {
            var member = ToolSymbols.GetEnumMembers(target)?.FirstOrDefault(m => Equals(m.Value, value));
            return member is { Name: { } name } ? JsonText.String(name) : ToolSymbols.FormatInteger(value);
        }

        return value switch
        {
            string text => JsonText.String(text),
            bool flag => flag ? "true" : "false",
            char c => JsonText.String(c.ToString()),
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            float f => f.ToString("R", CultureInfo.InvariantCulture),
            decimal m => m.ToString(CultureInfo.InvariantCulture),
            _ => ToolSymbols.FormatInteger(value),
        };
    }

    private static string? DefaultOfValueType(ITypeSymbol type)
    {
        if (type.TypeKind == TypeKind.Enum)
        {
            return DefaultJson(type, Convert.ChangeType(0, ((INamedTypeSymbol)type).EnumUnderlyingType!.SpecialType switch
            {
                SpecialType.System_Byte => typeof(byte),
                SpecialType.System_SByte => typeof(sbyte),
                SpecialType.System_Int16 => typeof(short),
                SpecialType.System_UInt16 => typeof(ushort),
                SpecialType.System_UInt32 => typeof(uint),
                SpecialType.System_Int64 => typeof(long),
                SpecialType.System_UInt64 => typeof(ulong),
                _ => typeof(int),
            }, CultureInfo.InvariantCulture));
        }

        return ScalarType.Find(type)?.DefaultJson;
    }

    private static string? ItemsBody(ITypeSymbol item, bool markNullable)
    {
        var items = Body(item, markNullable);
        return items is null ? null : $"\"type\":{Type("array", markNullable)},\"items\":{{{items}}}";
    }

    private static string? ScalarBody(ITypeSymbol type, bool nullable)
    {
        if (type.TypeKind == TypeKind.Enum)
        {
            return ToolSymbols.GetEnumMembers(type) is { } members
                ? $"\"type\":{Type("string", nullable)},\"enum\":[{string.Join(",", members.Select(m => JsonText.String(m.Name)))}{(nullable ? ",null" : string.Empty)}]"
                : null;
        }

        if (ScalarType.Find(type) is not { } scalar)
        {
            return null;
        }

        var body = new StringBuilder();
        if (scalar.Comment is not null)
        {
            body.Append("\"$comment\":").Append(JsonText.String(scalar.Comment)).Append(',');
        }

        body.Append("\"type\":").Append(Type(scalar.JsonType, nullable));
        foreach (var (key, json) in scalar.Members)
        {
            body.Append(',').Append(JsonText.String(key)).Append(':').Append(json);
        }

        return body.ToString();
    }

    private static string Type(string name, bool nullable) => nullable ? $"[\"{name}\",\"null\"]" : $"\"{name}\"";

    // {"description":...,<body>,"default":...,<annotations>}: the order AIJsonUtilities writes a parameter's schema in.
    private static string Wrap(string? description, string body, string? defaultJson, string annotations)
    {
        var builder = new StringBuilder("{");
        if (description is not null)
        {
            builder.Append("\"description\":").Append(JsonText.String(description)).Append(',');
        }

        builder.Append(body);
        if (defaultJson is not null)
        {
            builder.Append(",\"default\":").Append(defaultJson);
        }

        return builder.Append(annotations).Append('}').ToString();
    }

    /// <summary>
    /// The members AIJsonUtilities adds for a parameter's validation attributes, in its order, after the default:
    /// <c>[DisplayName]</c>, <c>[EmailAddress]</c>, <c>[Url]</c>, <c>[RegularExpression]</c>, <c>[StringLength]</c>,
    /// <c>[MinLength]</c>, <c>[MaxLength]</c>, <c>[Range]</c>, <c>[Base64String]</c>, <c>[Length]</c>; each only where the
    /// schema has no such member yet.
    /// </summary>
    private static string Annotations(IParameterSymbol parameter, ITypeSymbol type)
    {
        var attributes = parameter.GetAttributes();
        if (attributes.IsEmpty)
        {
            return string.Empty;
        }

        var (keys, schemaType) = RootShape(type);
        var builder = new StringBuilder();
        void Add(string key, string json)
        {
            if (keys.Add(key))
            {
                builder.Append(',').Append(JsonText.String(key)).Append(':').Append(json);
            }
        }

        AttributeData? Find(string @namespace, string name)
            => attributes.FirstOrDefault(a => a.AttributeClass is { } c && Symbols.IsType(c, @namespace, name));

        const string DataAnnotations = "System.ComponentModel.DataAnnotations";
        if (ToolSymbols.GetAttributeString(attributes, "System.ComponentModel", "DisplayNameAttribute") is { } title)
        {
            Add("title", JsonText.String(title));
        }

        if (Find(DataAnnotations, "EmailAddressAttribute") is not null)
        {
            Add("format", "\"email\"");
        }

        if (Find(DataAnnotations, "UrlAttribute") is not null)
        {
            Add("format", "\"uri\"");
        }

        if (ToolSymbols.GetAttributeString(attributes, DataAnnotations, "RegularExpressionAttribute") is { } pattern)
        {
            Add("pattern", JsonText.String(pattern));
        }

        if (Find(DataAnnotations, "StringLengthAttribute") is { ConstructorArguments.Length: 1 } stringLength
            && stringLength.ConstructorArguments[0].Value is int maximumLength)
        {
            if (stringLength.NamedArguments.FirstOrDefault(a => a.Key == "MinimumLength").Value.Value is int minimumLength && minimumLength > 0)
            {
                Add("minLength", Number(minimumLength));
            }

            Add("maxLength", Number(maximumLength));
        }

        var isString = schemaType == "string";
        if (Find(DataAnnotations, "MinLengthAttribute") is { ConstructorArguments.Length: 1 } minLength && minLength.ConstructorArguments[0].Value is int min)
        {
            Add(isString ? "minLength" : "minItems", Number(min));
        }

        if (Find(DataAnnotations, "MaxLengthAttribute") is { ConstructorArguments.Length: 1 } maxLength && maxLength.ConstructorArguments[0].Value is int max)
        {
            Add(isString ? "maxLength" : "maxItems", Number(max));
        }

        if (Find(DataAnnotations, "RangeAttribute") is { ConstructorArguments.Length: 2 } range)
        {
            bool Named(string name) => range.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value is true;
            var minimumIsExclusive = Named("MinimumIsExclusive");
            var (low, high) = (range.ConstructorArguments[0].Value, range.ConstructorArguments[1].Value);
            string? minimum = null, maximum = null;
            if (low is int lowInt && high is int highInt)
            {
                maximum = Number(highInt);
                minimum = !minimumIsExclusive || lowInt > 0 ? Number(lowInt) : null;
            }
            else if (low is double lowDouble && high is double highDouble)
            {
                maximum = highDouble.ToString("R", CultureInfo.InvariantCulture);
                minimum = !minimumIsExclusive || lowDouble > 0 ? lowDouble.ToString("R", CultureInfo.InvariantCulture) : null;
            }

            if (minimum is not null)
            {
                Add(minimumIsExclusive ? "exclusiveMinimum" : "minimum", minimum);
            }

            if (maximum is not null)
            {
                Add(Named("MaximumIsExclusive") ? "exclusiveMaximum" : "maximum", maximum);
            }
        }

        if (Find(DataAnnotations, "Base64StringAttribute") is not null)
        {
            Add("contentEncoding", "\"base64\"");
        }

        if (Find(DataAnnotations, "LengthAttribute") is { ConstructorArguments.Length: 2 } length
            && length.ConstructorArguments[0].Value is int lengthMin && length.ConstructorArguments[1].Value is int lengthMax)
        {
            if (lengthMin > 0)
            {
                Add(isString ? "minLength" : "minItems", Number(lengthMin));
            }

            Add(isString ? "maxLength" : "maxItems", Number(lengthMax));
        }

        return builder.ToString();

        static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
    }

    // The members the schema of a type described here has at its root, and its JSON type.
    private static (HashSet<string> Keys, string? SchemaType) RootShape(ITypeSymbol type)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            return RootShape(nullable.TypeArguments[0]);
        }

        var keys = new HashSet<string>(StringComparer.Ordinal) { "type", "description", "default" };
        if (type is IArrayTypeSymbol || (type is INamedTypeSymbol named && ToolSymbols.IsListLike(named)))
        {
            keys.Add("items");
            return (keys, "array");
        }

        if (type.TypeKind == TypeKind.Enum)
        {
            keys.Add("enum");
            return (keys, "string");
        }

        if (ScalarType.Find(type) is not { } scalar)
        {
            return (keys, null);
        }

        if (scalar.Comment is not null)
        {
            keys.Add("$comment");
        }

        foreach (var (key, _) in scalar.Members)
        {
            keys.Add(key);
        }

        return (keys, scalar.JsonType);
    }
}
