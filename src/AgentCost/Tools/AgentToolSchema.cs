using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace AgentCost.Interception;

/// <summary>
/// A JSON schema of a generated tool function: its parameters or its result. The generator writes it as JSON text at
/// compile time; only parts whose shape the serializer options decide — records, classes, dictionaries — are completed
/// at run time from the options' contracts, the way <c>AIFunctionFactory</c> describes them.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class AgentToolSchema
{
    private protected AgentToolSchema()
    {
    }

    /// <summary>A schema written at compile time.</summary>
    /// <param name="json">The schema's JSON text.</param>
    /// <returns>The schema.</returns>
    public static AgentToolSchema FromJson(string json) => new Constant(Parse(json));

    /// <summary>The parameter schema of a function some of whose parameters are described by their JSON contract.</summary>
    /// <param name="parameters">The parameters in the schema, in order.</param>
    /// <returns>The schema.</returns>
    public static AgentToolSchema Function(params AgentToolSchemaParameter[] parameters) => new FunctionSchema(parameters);

    /// <summary>The schema of a value described by its JSON contract, as <c>AIJsonUtilities.CreateJsonSchema</c> writes it.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="description">The description, if any.</param>
    /// <returns>The schema.</returns>
    public static AgentToolSchema Contract<T>(string? description = null) => new ContractSchema(typeof(T), description);

    /// <summary>The schema for functions created with <paramref name="options"/>.</summary>
    /// <param name="options">The function's serializer options.</param>
    /// <returns>The schema.</returns>
    public abstract JsonElement GetSchema(JsonSerializerOptions options);

    internal static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private sealed class Constant(JsonElement schema) : AgentToolSchema
    {
        public override JsonElement GetSchema(JsonSerializerOptions options) => schema;
    }

    private sealed class ContractSchema(Type type, string? description) : AgentToolSchema
    {
        private readonly ConditionalWeakTable<JsonSerializerOptions, object> _byOptions = new();

        public override JsonElement GetSchema(JsonSerializerOptions options)
            => (JsonElement)_byOptions.GetValue(options, o => AIJsonUtilities.CreateJsonSchema(type, description, serializerOptions: o));
    }

    private sealed class FunctionSchema(AgentToolSchemaParameter[] parameters) : AgentToolSchema
    {
        private readonly ConditionalWeakTable<JsonSerializerOptions, object> _byOptions = new();

        public override JsonElement GetSchema(JsonSerializerOptions options)
            => (JsonElement)_byOptions.GetValue(options, Create);

        // The shape of AIJsonUtilities.CreateFunctionJsonSchema with no title or description, as AIFunctionFactory asks.
        private object Create(JsonSerializerOptions options)
        {
            var properties = new JsonObject();
            JsonArray? required = null;
            foreach (var parameter in parameters)
            {
                properties.Add(parameter.Name, parameter.CreateNode(options));
                if (parameter.IsRequired)
                {
                    (required ??= []).Add((JsonNode?)parameter.Name);
                }
            }

            var schema = new JsonObject { ["type"] = "object", ["properties"] = properties };
            if (required is not null)
            {
                schema["required"] = required;
            }

            return Parse(schema.ToJsonString());
        }
    }
}

/// <summary>One parameter of a generated tool function's schema.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class AgentToolSchemaParameter
{
    private protected AgentToolSchemaParameter(string name, bool isRequired)
    {
        Name = name;
        IsRequired = isRequired;
    }

    /// <summary>The argument's name.</summary>
    public string Name { get; }

    /// <summary>Whether the schema lists the argument as required.</summary>
    public bool IsRequired { get; }

    /// <summary>A parameter whose schema the generator wrote.</summary>
    /// <param name="name">The argument's name.</param>
    /// <param name="json">The parameter's schema as JSON text.</param>
    /// <param name="isRequired">Whether the argument is required.</param>
    /// <returns>The parameter.</returns>
    public static AgentToolSchemaParameter FromJson(string name, string json, bool isRequired) => new JsonParameter(name, json, isRequired);

    /// <summary>A parameter described by the JSON contract of its type, as <c>AIFunctionFactory</c> describes it.</summary>
    /// <typeparam name="T">The parameter's type.</typeparam>
    /// <param name="name">The argument's name.</param>
    /// <param name="description">The parameter's <c>[Description]</c>, if any.</param>
    /// <param name="isNullable">Whether the parameter's type is a nullable reference type.</param>
    /// <param name="isRequired">Whether the argument is required.</param>
    /// <param name="hasDefaultValue">Whether the parameter has a default value.</param>
    /// <param name="defaultValue">The default value, when it has one.</param>
    /// <returns>The parameter.</returns>
    public static AgentToolSchemaParameter Contract<T>(string name, string? description, bool isNullable, bool isRequired, bool hasDefaultValue, T? defaultValue = default)
        => new ContractParameter(name, typeof(T), description, isNullable, isRequired, hasDefaultValue, hasDefaultValue ? defaultValue : null);

    internal abstract JsonNode CreateNode(JsonSerializerOptions options);

    private sealed class JsonParameter(string name, string json, bool isRequired) : AgentToolSchemaParameter(name, isRequired)
    {
        internal override JsonNode CreateNode(JsonSerializerOptions options) => JsonNode.Parse(json)!;
    }

    private sealed class ContractParameter(string name, Type type, string? description, bool isNullable, bool isRequired, bool hasDefaultValue, object? defaultValue)
        : AgentToolSchemaParameter(name, isRequired)
    {
        internal override JsonNode CreateNode(JsonSerializerOptions options)
        {
            // AIFunctionFactory marks every reference-type node of a nullable parameter's schema as nullable; the same
            // transform, applied after AIJsonUtilities' own, gives the same schema.
            var inference = !isNullable ? AIJsonSchemaCreateOptions.Default : new AIJsonSchemaCreateOptions
            {
                TransformSchemaNode = static (context, node) =>
                {
                    if (!context.TypeInfo.Type.IsValueType
                        && node is JsonObject schema
                        && schema.TryGetPropertyValue("type", out var kind)
                        && kind is JsonValue value
                        && value.TryGetValue<string>(out var text)
                        && text != "null")
                    {
                        schema["type"] = new JsonArray((JsonNode?)text, (JsonNode?)"null");
                    }

                    return node;
                },
            };

            var element = AIJsonUtilities.CreateJsonSchema(type, description, hasDefaultValue, defaultValue, options, inference);
            return JsonNode.Parse(element.GetRawText())!;
        }
    }
}
