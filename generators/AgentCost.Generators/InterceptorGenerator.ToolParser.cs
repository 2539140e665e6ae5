using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using AgentCost.CodeAnalysis;
using AgentCost.Generators.Common;
using AgentCost.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AgentCost.Generators;

public sealed partial class InterceptorGenerator
{
    /// <summary>
    /// Turns an <c>[AgentTool]</c> method into the model of its generated tool function: the name, description and JSON
    /// schema <c>AIFunctionFactory.Create</c> would give it, written at compile time, and a reader per parameter. Methods
    /// the generated code cannot call, or whose parameters cannot be bound, yield nothing; the analyzers report them.
    /// </summary>
    internal static class ToolParser
    {
        // Reader types are declared where nullable annotations are disabled: a reader of 'string' serves 'string?' too.
        private static readonly SymbolDisplayFormat s_obliviousFormat = SymbolDisplayFormat.FullyQualifiedFormat;

        private static readonly SymbolDisplayFormat s_sourceFormat = SymbolDisplayFormat.FullyQualifiedFormat
            .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

        private const string Readers = "global::AgentCost.Tools.ToolValueReaders";

        private const string TimeSpanSchema = "\"$comment\":\"Represents a System.TimeSpan value.\",\"type\":\"string\",\"pattern\":\"^-?(\\\\d\\u002B\\\\.)?\\\\d{2}:\\\\d{2}:\\\\d{2}(\\\\.\\\\d{1,7})?$\"";

        public static ToolMethod? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not IMethodSymbol method
                || method.MethodKind != MethodKind.Ordinary
                || method.IsGenericMethod
                || (method.IsStatic && (method.IsAbstract || method.IsVirtual))
                || (!method.IsStatic && method.ContainingType.TypeKind is not (TypeKind.Class or TypeKind.Interface))
                || IsInGenericType(method.ContainingType)
                || !IsNameable(method.ContainingType))
            {
                return null;
            }

            var compilation = context.SemanticModel.Compilation;
            var scan = new SymbolScan(compilation);
            if (!scan.IsUsable(method))
            {
                return null;
            }

            // A tool without policies still goes through the entry point: later policies reach it without a change here.
            var model = Parser.CreateMethodModel(method, PolicyReader.GetPolicies(method) ?? new Policies(null, null), scan);
            if (model is null)
            {
                return null;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var parameters = ImmutableArray.CreateBuilder<ToolParameter>(method.Parameters.Length);
            foreach (var parameter in method.Parameters)
            {
                if (CreateParameter(parameter) is not { } created)
                {
                    return null;
                }

                parameters.Add(created);
            }

            var returnSchema = (ToolSchema?)null;
            if (model.ReturnKind.HasResult())
            {
                ReturnKinds.TryGetReturnKind(method.ReturnType, method.ReturnsVoid, out _, out var resultType);
                var description = GetDescription(method.GetReturnTypeAttributes());
                returnSchema = SchemaBody(resultType!, markNullable: false) is { } body
                    ? new ToolSchema(Wrap(description, body, defaultJson: null), string.Empty, null, false, false)
                    : new ToolSchema(null, resultType!.ToDisplayString(s_obliviousFormat), description, false, false);
            }

            var type = method.ContainingType;
            var attribute = context.Attributes.FirstOrDefault();
            var key = new ToolTypeKey(
                GetNamespace(type),
                GetClassName(type),
                type.ToDisplayString(s_sourceFormat),
                IsPublic(type),
                type.IsStatic);
            var location = context.TargetNode.GetLocation();
            var parameterModels = parameters.MoveToImmutable();
            return new ToolMethod(
                key,
                model,
                GetToolName(method, attribute),
                GetNamedString(attribute, "Description") ?? GetDescription(method.GetAttributes()) ?? string.Empty,
                parameterModels.ToEquatableArray(),
                CreateFunctionSchema(parameterModels),
                returnSchema,
                location.SourceTree?.FilePath ?? string.Empty,
                location.SourceSpan.Start);
        }

        public static ImmutableArray<ToolType> Group(ImmutableArray<ToolMethod> tools, CancellationToken cancellationToken)
        {
            var byType = new Dictionary<ToolTypeKey, List<ToolMethod>>();
            foreach (var tool in tools)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!byType.TryGetValue(tool.Type, out var list))
                {
                    byType.Add(tool.Type, list = new List<ToolMethod>());
                }

                list.Add(tool);
            }

            return byType
                .OrderBy(pair => pair.Key.Namespace, StringComparer.Ordinal)
                .ThenBy(pair => pair.Key.ClassName, StringComparer.Ordinal)
                .Select(pair => new ToolType(
                    pair.Key,
                    pair.Value
                        .OrderBy(t => t.FilePath, StringComparer.Ordinal)
                        .ThenBy(t => t.Position)
                        .ToEquatableArray(),
                    pair.Value.SelectMany(t => t.Method.SuppressedDiagnostics).Distinct().OrderBy(id => id, StringComparer.Ordinal).ToEquatableArray()))
                .ToImmutableArray();
        }

        private static ToolParameter? CreateParameter(IParameterSymbol parameter)
        {
            var type = parameter.Type;
            var hasDefault = TryGetDefault(parameter, out var defaultValue);
            if (Symbols.IsType(type, "System.Threading", "CancellationToken"))
            {
                return Special(ToolBinding.CancellationToken);
            }

            if (Symbols.IsType(type, "Microsoft.Extensions.AI", "AIFunctionArguments"))
            {
                return Special(ToolBinding.Arguments);
            }

            if (Symbols.IsType(type, "System", "IServiceProvider"))
            {
                return Special(hasDefault ? ToolBinding.OptionalServices : ToolBinding.RequiredServices);
            }

            var schemaName = GetAttributeString(parameter.GetAttributes(), "Microsoft.Extensions.AI", "AIParameterNameAttribute") ?? parameter.Name;
            var description = GetDescription(parameter.GetAttributes());
            var isNullable = !type.IsValueType && parameter.NullableAnnotation == NullableAnnotation.Annotated;
            var isRequired = (!parameter.IsOptional && !hasDefault)
                || parameter.GetAttributes().Any(a => a.AttributeClass is { } c && Symbols.IsType(c, "System.ComponentModel.DataAnnotations", "RequiredAttribute"));
            var (readerType, reader) = CreateReader(type);

            string? defaultExpression = null;
            string? defaultJson = null;
            if (hasDefault)
            {
                defaultExpression = DefaultExpression(type, defaultValue);
                defaultJson = DefaultJson(type, defaultValue);
                if (defaultExpression is null)
                {
                    return null;
                }
            }

            ToolSchema schema;
            if (SchemaBody(type, isNullable) is { } body)
            {
                if (hasDefault && defaultJson is null)
                {
                    return null;
                }

                var annotations = Annotations(parameter, type);
                schema = new ToolSchema(Wrap(description, body, defaultJson) is var json && annotations.Length > 0 ? json.Substring(0, json.Length - 1) + annotations + "}" : json, string.Empty, null, false, false);
            }
            else
            {
                // Described at run time from the options' contract, its default written by the contract too.
                schema = new ToolSchema(null, type.ToDisplayString(s_obliviousFormat), description, isNullable, hasDefault) { DefaultValue = defaultExpression };
            }

            return new ToolParameter(ToolBinding.Argument, parameter.Name, schemaName, readerType, reader, defaultExpression, schema, isRequired);

            ToolParameter Special(ToolBinding binding)
                => new(binding, parameter.Name, parameter.Name, string.Empty, string.Empty, null, null, false);
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
            if (GetAttributeString(attributes, "System.ComponentModel", "DisplayNameAttribute") is { } title)
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

            if (GetAttributeString(attributes, DataAnnotations, "RegularExpressionAttribute") is { } pattern)
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

        // The members the schema of a compile-time type has at its root, and its JSON type.
        private static (HashSet<string> Keys, string SchemaType) RootShape(ITypeSymbol type)
        {
            if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            {
                return RootShape(nullable.TypeArguments[0]);
            }

            var keys = new HashSet<string>(StringComparer.Ordinal) { "type", "description", "default" };
            if (type is IArrayTypeSymbol || (type is INamedTypeSymbol named && IsListLike(named)))
            {
                keys.Add("items");
                return (keys, "array");
            }

            if (type.TypeKind == TypeKind.Enum)
            {
                keys.Add("enum");
                return (keys, "string");
            }

            switch (type.SpecialType)
            {
                case SpecialType.System_Boolean:
                    return (keys, "boolean");
                case SpecialType.System_Char:
                    keys.Add("minLength");
                    keys.Add("maxLength");
                    return (keys, "string");
                case SpecialType.System_DateTime:
                    keys.Add("format");
                    return (keys, "string");
                case SpecialType.System_String:
                    return (keys, "string");
                case SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Decimal:
                    return (keys, "number");
                case >= SpecialType.System_SByte and <= SpecialType.System_UInt64:
                    return (keys, "integer");
            }

            switch (SystemTypeName(type))
            {
                case "Half":
                    return (keys, "number");
                case "TimeSpan":
                    keys.Add("$comment");
                    keys.Add("pattern");
                    return (keys, "string");
                default:
                    keys.Add("format");
                    return (keys, "string");
            }
        }

        private static string? CreateFunctionSchema(ImmutableArray<ToolParameter> parameters)
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

        // {"description":...,<body>,"default":...}: the order AIJsonUtilities writes a parameter's schema in.
        private static string Wrap(string? description, string body, string? defaultJson)
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

            return builder.Append('}').ToString();
        }

        /// <summary>
        /// The members of a type's schema as System.Text.Json's exporter writes them with AIJsonUtilities' transforms, or
        /// null when the serializer options' contract decides it. <paramref name="markNullable"/>: the parameter is a
        /// nullable reference, and AIFunctionFactory then lets every reference-type node of its schema be null.
        /// </summary>
        private static string? SchemaBody(ITypeSymbol type, bool markNullable)
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
                var underlying = named.TypeArguments[0];
                if (underlying.TypeKind == TypeKind.Enum)
                {
                    return GetEnumMembers(underlying) is { } members
                        ? "\"type\":[\"string\",\"null\"],\"enum\":[" + string.Join(",", members.Select(m => JsonText.String(m.Name))) + ",null]"
                        : null;
                }

                return ScalarBody(underlying, nullable: true);
            }

            if (IsListLike(named))
            {
                return ItemsBody(named.TypeArguments[0], markNullable);
            }

            return ScalarBody(named, nullable: markNullable && !named.IsValueType);
        }

        private static string? ItemsBody(ITypeSymbol item, bool markNullable)
        {
            var items = SchemaBody(item, markNullable);
            return items is null ? null : $"\"type\":{Type("array", markNullable)},\"items\":{{{items}}}";
        }

        private static string? ScalarBody(ITypeSymbol type, bool nullable)
        {
            switch (type.SpecialType)
            {
                case SpecialType.System_String:
                    return "\"type\":" + Type("string", nullable);
                case SpecialType.System_Boolean:
                    return "\"type\":" + Type("boolean", nullable);
                case SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_Int16 or SpecialType.System_UInt16
                    or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64:
                    return "\"type\":" + Type("integer", nullable);
                case SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Decimal:
                    return "\"type\":" + Type("number", nullable);
                case SpecialType.System_Char:
                    return "\"type\":" + Type("string", nullable) + ",\"minLength\":1,\"maxLength\":1";
                case SpecialType.System_DateTime:
                    return "\"type\":" + Type("string", nullable) + ",\"format\":\"date-time\"";
            }

            if (type.TypeKind == TypeKind.Enum)
            {
                return GetEnumMembers(type) is { } members
                    ? "\"type\":\"string\",\"enum\":[" + string.Join(",", members.Select(m => JsonText.String(m.Name))) + "]"
                    : null;
            }

            return SystemTypeName(type) switch
            {
                "Half" => "\"type\":" + Type("number", nullable),
                "Guid" => "\"type\":" + Type("string", nullable) + ",\"format\":\"uuid\"",
                "DateTimeOffset" => "\"type\":" + Type("string", nullable) + ",\"format\":\"date-time\"",
                "DateOnly" => "\"type\":" + Type("string", nullable) + ",\"format\":\"date\"",
                "TimeOnly" => "\"type\":" + Type("string", nullable) + ",\"format\":\"time\"",
                "TimeSpan" => TimeSpanSchema.Replace("\"type\":\"string\"", "\"type\":" + Type("string", nullable)),
                "Uri" => "\"type\":" + Type("string", nullable) + ",\"format\":\"uri\"",
                _ => null,
            };
        }

        private static string Type(string name, bool nullable) => nullable ? $"[\"{name}\",\"null\"]" : $"\"{name}\"";

        private static (string Type, string Expression) CreateReader(ITypeSymbol type)
        {
            if (type is IArrayTypeSymbol { Rank: 1 } array && CreateReader(array.ElementType) is var (itemType, item) && !IsContract(item))
            {
                return (itemType + "[]", $"{Readers}.Array({item})");
            }

            if (type is INamedTypeSymbol named)
            {
                if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T
                    && CreateReader(named.TypeArguments[0]) is var (valueType, value) && !IsContract(value))
                {
                    return (valueType + "?", $"{Readers}.Nullable({value})");
                }

                if (IsListLike(named) && CreateReader(named.TypeArguments[0]) is var (elementType, element) && !IsContract(element))
                {
                    return ($"global::System.Collections.Generic.List<{elementType}>", $"{Readers}.List({element})");
                }

                var display = named.ToDisplayString(s_obliviousFormat);
                if (named.TypeKind == TypeKind.Enum && GetEnumMembers(named) is { } members)
                {
                    var names = string.Join(", ", members.Select(m => Emitter.Literal(m.Name)));
                    var values = string.Join(", ", members.Select(m => $"({display})({FormatInteger(m.Value)})"));
                    return (display, $"{Readers}.Enum<{display}>(new string[] {{ {names} }}, new {display}[] {{ {values} }})");
                }

                var builtIn = named.SpecialType switch
                {
                    SpecialType.System_String => "String",
                    SpecialType.System_Boolean => "Boolean",
                    SpecialType.System_Char => "Char",
                    SpecialType.System_Byte => "Byte",
                    SpecialType.System_SByte => "SByte",
                    SpecialType.System_Int16 => "Int16",
                    SpecialType.System_UInt16 => "UInt16",
                    SpecialType.System_Int32 => "Int32",
                    SpecialType.System_UInt32 => "UInt32",
                    SpecialType.System_Int64 => "Int64",
                    SpecialType.System_UInt64 => "UInt64",
                    SpecialType.System_Single => "Single",
                    SpecialType.System_Double => "Double",
                    SpecialType.System_Decimal => "Decimal",
                    SpecialType.System_DateTime => "DateTime",
                    _ => SystemTypeName(named) is "Half" or "Guid" or "DateTimeOffset" or "DateOnly" or "TimeOnly" or "TimeSpan" or "Uri" ? SystemTypeName(named) : null,
                };
                if (builtIn is not null)
                {
                    return (display, $"{Readers}.{builtIn}");
                }
            }

            var contract = type.ToDisplayString(s_obliviousFormat);
            return (contract, $"{Readers}.Contract<{contract}>()");
        }

        private static bool IsContract(string reader) => reader.StartsWith(Readers + ".Contract<", StringComparison.Ordinal);

        // System.Half, Guid, DateTimeOffset, DateOnly, TimeOnly, TimeSpan and Uri, by name.
        private static string? SystemTypeName(ITypeSymbol type)
            => type is INamedTypeSymbol { Arity: 0, ContainingType: null } named
                && Symbols.IsNamespace(named.ContainingNamespace, "System")
                && named.Name is "Half" or "Guid" or "DateTimeOffset" or "DateOnly" or "TimeOnly" or "TimeSpan" or "Uri"
                    ? named.Name
                    : null;

        private static bool IsListLike(INamedTypeSymbol type)
            => type.Arity == 1
                && type.ContainingType is null
                && type.Name is "List" or "IList" or "ICollection" or "IEnumerable" or "IReadOnlyList" or "IReadOnlyCollection"
                && Symbols.IsNamespace(type.ContainingNamespace, "System.Collections.Generic");

        /// <summary>
        /// An enum's members as a string enum converter names them, in the order it lists them (by value, as unsigned); null
        /// for enums the options decide (flags, a converter of their own) or whose members share a value.
        /// </summary>
        private static List<(string Name, object Value)>? GetEnumMembers(ITypeSymbol type)
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

        private static ulong ToUnsigned(object value) => value switch
        {
            sbyte v => (byte)v,
            short v => (ushort)v,
            int v => (uint)v,
            long v => (ulong)v,
            _ => Convert.ToUInt64(value, CultureInfo.InvariantCulture),
        };

        private static string FormatInteger(object value) => Convert.ToString(value, CultureInfo.InvariantCulture)!;

        // The parameter's effective default as AIFunctionFactory reads it: [DefaultValue], the C# default, or null when optional.
        private static bool TryGetDefault(IParameterSymbol parameter, out object? value)
        {
            var attribute = parameter.GetAttributes().FirstOrDefault(a => a.AttributeClass is { } c && Symbols.IsType(c, "System.ComponentModel", "DefaultValueAttribute"));
            if (attribute is { ConstructorArguments.Length: 1 } && attribute.ConstructorArguments[0].Kind != TypedConstantKind.Array)
            {
                value = attribute.ConstructorArguments[0].Value;
                return true;
            }

            value = parameter.HasExplicitDefaultValue ? parameter.ExplicitDefaultValue : null;
            return parameter.HasExplicitDefaultValue || parameter.IsOptional;
        }

        private static string? DefaultExpression(ITypeSymbol type, object? value)
        {
            var target = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : type;
            switch (value)
            {
                case null:
                    return "default!";
                case string text:
                    return target.SpecialType == SpecialType.System_String ? Emitter.Literal(text) : null;
                case bool flag:
                    return target.SpecialType == SpecialType.System_Boolean ? (flag ? "true" : "false") : null;
                case char c:
                    return target.SpecialType == SpecialType.System_Char ? SymbolDisplay.FormatLiteral(c, quote: true) : null;
                case double d when double.IsNaN(d) || double.IsInfinity(d):
                case float f when float.IsNaN(f) || float.IsInfinity(f):
                    return null;
                case decimal m:
                    return target.SpecialType == SpecialType.System_Decimal ? m.ToString(CultureInfo.InvariantCulture) + "M" : null;
            }

            if (target.TypeKind == TypeKind.Enum || target.SpecialType is >= SpecialType.System_SByte and <= SpecialType.System_Double)
            {
                var literal = value is double or float
                    ? ((IFormattable)value).ToString("R", CultureInfo.InvariantCulture)
                    : FormatInteger(value);
                return $"({target.ToDisplayString(s_obliviousFormat)})({literal})";
            }

            return null;
        }

        // The default as System.Text.Json writes it with the string enum converter; null when it cannot be written here.
        private static string? DefaultJson(ITypeSymbol type, object? value)
        {
            var isNullable = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T };
            var target = isNullable ? ((INamedTypeSymbol)type).TypeArguments[0] : type;
            if (value is null)
            {
                return !type.IsValueType || isNullable ? "null" : DefaultOfValueType(target);
            }

            if (target.TypeKind == TypeKind.Enum)
            {
                var member = GetEnumMembers(target)?.FirstOrDefault(m => Equals(m.Value, value));
                return member is { Name: { } name } ? JsonText.String(name) : FormatInteger(value);
            }

            return value switch
            {
                string text => JsonText.String(text),
                bool flag => flag ? "true" : "false",
                char c => JsonText.String(c.ToString()),
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                float f => f.ToString("R", CultureInfo.InvariantCulture),
                decimal m => m.ToString(CultureInfo.InvariantCulture),
                _ => FormatInteger(value),
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

            return type.SpecialType switch
            {
                SpecialType.System_Boolean => "false",
                SpecialType.System_Char => "\"\\u0000\"",
                SpecialType.System_DateTime => "\"0001-01-01T00:00:00\"",
                >= SpecialType.System_SByte and <= SpecialType.System_Double => "0",
                _ => SystemTypeName(type) switch
                {
                    "Half" => "0",
                    "Guid" => "\"00000000-0000-0000-0000-000000000000\"",
                    "DateTimeOffset" => "\"0001-01-01T00:00:00+00:00\"",
                    "DateOnly" => "\"0001-01-01\"",
                    "TimeOnly" or "TimeSpan" => "\"00:00:00\"",
                    _ => null,
                },
            };
        }

        // AIFunctionFactory's name: [AIFunctionName], else [DisplayName], else the method's name, sanitised, without Async.
        private static string GetToolName(IMethodSymbol method, AttributeData? attribute)
        {
            if (GetNamedString(attribute, "Name") is { } name && !string.IsNullOrWhiteSpace(name))
            {
                return name;
            }

            var attributes = method.GetAttributes();
            if ((GetAttributeString(attributes, "Microsoft.Extensions.AI", "AIFunctionNameAttribute")
                ?? GetAttributeString(attributes, "System.ComponentModel", "DisplayNameAttribute")) is { } declared)
            {
                return declared;
            }

            var text = Sanitize(method.Name);
            if (IsAsync(method.ReturnType))
            {
                var index = text.LastIndexOf("Async", StringComparison.Ordinal);
                if (index > 0 && (index + 5 == text.Length || text[index + 5] == '_'))
                {
                    text = text.Substring(0, index) + text.Substring(index + 5);
                }
            }

            return text;
        }

        private static bool IsAsync(ITypeSymbol type)
            => type is INamedTypeSymbol { ContainingType: null } named
                && ((named.Name is "Task" or "ValueTask" && named.Arity <= 1 && Symbols.IsNamespace(named.ContainingNamespace, "System.Threading.Tasks"))
                    || (named.Name == "IAsyncEnumerable" && named.Arity == 1 && Symbols.IsNamespace(named.ContainingNamespace, "System.Collections.Generic")));

        // Runs of characters other than ASCII letters and digits become one underscore.
        private static string Sanitize(string name)
        {
            var builder = new StringBuilder(name.Length);
            var inRun = false;
            foreach (var c in name)
            {
                if (c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9'))
                {
                    builder.Append(c);
                    inRun = false;
                }
                else if (!inRun)
                {
                    builder.Append('_');
                    inRun = true;
                }
            }

            return builder.ToString();
        }

        private static string? GetDescription(ImmutableArray<AttributeData> attributes)
            => GetAttributeString(attributes, "System.ComponentModel", "DescriptionAttribute");

        private static string? GetAttributeString(ImmutableArray<AttributeData> attributes, string @namespace, string name)
        {
            var attribute = attributes.FirstOrDefault(a => a.AttributeClass is { } c && Symbols.IsType(c, @namespace, name));
            return attribute is { ConstructorArguments.Length: 1 } && attribute.ConstructorArguments[0].Value is string value ? value : null;
        }

        private static string? GetNamedString(AttributeData? attribute, string name)
            => attribute?.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value as string;

        // Broken or top-level code puts methods in types generated code cannot name (<invalid-global-code>, Program).
        private static bool IsNameable(INamedTypeSymbol? type)
        {
            for (; type is not null; type = type.ContainingType)
            {
                if (!type.CanBeReferencedByName || type.IsImplicitlyDeclared || type.IsScriptClass || type.IsFileLocal)
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsInGenericType(INamedTypeSymbol? type)
        {
            for (; type is not null; type = type.ContainingType)
            {
                if (type.IsGenericType)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsPublic(INamedTypeSymbol? type)
        {
            for (; type is not null; type = type.ContainingType)
            {
                if (type.DeclaredAccessibility != Accessibility.Public)
                {
                    return false;
                }
            }

            return true;
        }

        private static string GetNamespace(INamedTypeSymbol type)
            => type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : string.Empty;

        private static string GetClassName(INamedTypeSymbol type)
        {
            var name = type.Name;
            for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                name = outer.Name + name;
            }

            return name + "AgentTools";
        }
    }
}
