using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;

namespace AgentCost.Interception;

/// <summary>
/// The arguments of one invocation of a tool function, as its generated binder reads them: one call per parameter. A
/// function generated for an <see cref="AgentToolAttribute"/> method reads each argument by name with the reader the
/// generator chose (<see cref="Get{T}(string, ToolValueReader{T})"/>); an intercepted <c>AIFunctionFactory.Create</c>
/// function binds each parameter by position with the factory's rules (<see cref="Get{T}(int)"/>). A missing required
/// value or a value of the wrong type throws <see cref="ToolArgumentException"/>, which the function turns into a tool
/// error result.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct AgentToolArguments
{
    private readonly string _toolName;

    // How AIFunctionFactory binds the parameters, for a function it made; null for a generated tool function.
    private readonly FactoryBinding? _factory;

    internal AgentToolArguments(string toolName, AIFunctionArguments arguments, JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        _toolName = toolName;
        Arguments = arguments;
        Options = options;
        CancellationToken = cancellationToken;
    }

    internal AgentToolArguments(string toolName, AIFunctionArguments arguments, FactoryBinding factory, CancellationToken cancellationToken)
        : this(toolName, arguments, factory.Options, cancellationToken)
    {
        _factory = factory;
    }

    /// <summary>The invocation's arguments, for an <see cref="AIFunctionArguments"/> parameter.</summary>
    public AIFunctionArguments Arguments { get; }

    /// <summary>The invocation's cancellation token, for a <see cref="System.Threading.CancellationToken"/> parameter.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The tool's serializer options.</summary>
    public JsonSerializerOptions Options { get; }

    /// <summary>The invocation's services, for an optional <see cref="IServiceProvider"/> parameter.</summary>
    public IServiceProvider? Services => Arguments.Services;

    /// <summary>The invocation's services, for a required <see cref="IServiceProvider"/> parameter.</summary>
    /// <param name="parameterName">The parameter's name, for the error.</param>
    /// <returns>The services.</returns>
    /// <exception cref="ArgumentNullException">The invocation has no services.</exception>
    public IServiceProvider GetRequiredServices(string parameterName)
        => Arguments.Services ?? throw new ArgumentNullException("arguments.Services", $"Services are required for parameter '{parameterName}' of tool '{_toolName}'.");

    /// <summary>Reads a required argument.</summary>
    /// <typeparam name="T">The parameter's type.</typeparam>
    /// <param name="name">The argument's name in the schema.</param>
    /// <param name="reader">Reads the JSON value.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ToolArgumentException">The argument is missing or does not fit.</exception>
    public T Get<T>(string name, ToolValueReader<T> reader)
    {
        if (!Arguments.TryGetValue(name, out var value))
        {
            throw new ToolArgumentException(_toolName, name, $"is required but missing; expected {reader.Expected}");
        }

        return TryReadFast(value, reader, out var read) ? read : ToolArgumentsCore.Convert(_toolName, name, value, reader, Options);
    }

    /// <summary>Reads an optional argument.</summary>
    /// <typeparam name="T">The parameter's type.</typeparam>
    /// <param name="name">The argument's name in the schema.</param>
    /// <param name="reader">Reads the JSON value.</param>
    /// <param name="defaultValue">The parameter's default value, used when the argument is missing.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ToolArgumentException">The argument does not fit.</exception>
    public T Get<T>(string name, ToolValueReader<T> reader, T defaultValue)
    {
        if (!Arguments.TryGetValue(name, out var value))
        {
            return defaultValue;
        }

        return TryReadFast(value, reader, out var read) ? read : ToolArgumentsCore.Convert(_toolName, name, value, reader, Options);
    }

    /// <summary>Binds the parameter at <paramref name="index"/> of a function <c>AIFunctionFactory</c> made, by its rules.</summary>
    /// <typeparam name="T">The parameter's type.</typeparam>
    /// <param name="index">The parameter's position.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ToolArgumentException">The argument is missing or does not fit.</exception>
    /// <exception cref="InvalidOperationException">The arguments are not those of a function <c>AIFunctionFactory</c> made.</exception>
    public T Get<T>(int index)
    {
        if (typeof(T) == typeof(CancellationToken))
        {
            var token = CancellationToken;
            return Unsafe.As<CancellationToken, T>(ref token);
        }

        var factory = _factory ?? throw new InvalidOperationException("Parameters are bound by position only for functions AIFunctionFactory made.");
        var parameter = factory.Parameters[index];
        if (parameter.Bind is { } bind)
        {
            return (T)bind(parameter.Info, Arguments)!;
        }

        if (typeof(T) == typeof(AIFunctionArguments))
        {
            return (T)(object)Arguments;
        }

        if (typeof(T) == typeof(IServiceProvider))
        {
            if (Arguments.Services is null && !parameter.HasDefaultValue)
            {
                throw new ArgumentNullException("arguments.Services", $"Services are required for parameter '{parameter.Info.Name}'.");
            }

            return (T)Arguments.Services!;
        }

        if (Arguments.TryGetValue(parameter.Name, out var value))
        {
            return ToolArgumentsCore.ConvertAsFactory<T>(_toolName, parameter, value, factory.Options);
        }

        if (!parameter.HasDefaultValue)
        {
            throw new ToolArgumentException(_toolName, parameter.Name, "is required but missing");
        }

        return parameter.DefaultValue is null ? default! : (T)parameter.DefaultValue;
    }

    // What a model's arguments hold: a JSON value the reader takes. Anything else — null, a value used as it is, another
    // representation, an error — takes the general path, which decides in the same order.
    private bool TryReadFast<T>(object? value, ToolValueReader<T> reader, out T read)
    {
        if (value is JsonElement element)
        {
            return reader.TryReadArgument(element, Options, out read);
        }

        read = default!;
        return false;
    }
}

/// <summary>Argument conversion shared by generated and intercepted tool functions.</summary>
internal static class ToolArgumentsCore
{
    /// <summary>Whether a boxed <see cref="JsonElement"/> is already a <typeparamref name="T"/>, used as it is.</summary>
    public static bool TakesJsonElement<T>() => JsonElementShape<T>.IsAssignable;

    public static T Convert<T>(string toolName, string name, object? value, ToolValueReader<T> reader, JsonSerializerOptions options)
    {
        switch (value)
        {
            // As AIFunctionFactory binds it: null is the type's default, a value of the right type is used as it is.
            case null:
                return default!;
            case T typed:
                return typed;

            // What a model's arguments hold, parsed: read without a detour.
            case JsonElement element:
                return Read(toolName, name, element, reader, options);
        }

        if (ToolJson.TryToElement(value, options, out var converted))
        {
            return Read(toolName, name, converted, reader, options);
        }

        throw new ToolArgumentException(toolName, name, $"must be {reader.Expected}, but the value was a '{value.GetType().Name}'");
    }

    /// <summary>Converts an argument as <c>AIFunctionFactory</c>'s functions do, with the parameter's <see cref="JsonTypeInfo"/>.</summary>
    public static T ConvertAsFactory<T>(string toolName, FactoryParameter parameter, object? value, JsonSerializerOptions options)
    {
        switch (value)
        {
            case null:
                return default!;
            case T typed:
                return typed;
        }

        var typeInfo = parameter.GetTypeInfo<T>(options);
        try
        {
            switch (value)
            {
                case JsonElement element:
                    return element.Deserialize(typeInfo)!;
                case JsonDocument document:
                    return document.Deserialize(typeInfo)!;
                case JsonNode node:
                    return node.Deserialize(typeInfo)!;
            }

            // As the factory: text that parses as JSON of the type is taken as such; anything else is round-tripped.
            if (value is string text)
            {
                try
                {
                    return JsonSerializer.Deserialize(text, typeInfo)!;
                }
                catch (JsonException)
                {
                }
            }

            var json = JsonSerializer.Serialize(value, options.GetTypeInfo(value.GetType()));
            return JsonSerializer.Deserialize(json, typeInfo)!;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or FormatException)
        {
            var shown = value is JsonElement e ? Describe(e) : $"a '{value.GetType().Name}'";

            // For an object or array, the serializer's own words say which property is missing or wrong.
            var detail = value is JsonElement { ValueKind: JsonValueKind.Object or JsonValueKind.Array } && ex is JsonException ? ": " + ex.Message : string.Empty;
            throw new ToolArgumentException(toolName, parameter.Name, $"must be a JSON value of type '{typeof(T).Name}', but the value was {shown}{detail}", ex);
        }
    }

    private static T Read<T>(string toolName, string name, JsonElement element, ToolValueReader<T> reader, JsonSerializerOptions options)
    {
        if (element.ValueKind == JsonValueKind.Null && default(T) is null)
        {
            return default!;
        }

        if (reader.TryRead(element, options, out var read, out var problem))
        {
            return read;
        }

        throw new ToolArgumentException(toolName, name, $"must be {reader.Expected}, but the value was {Describe(element)}{(problem is null ? string.Empty : ": " + problem)}");
    }

    public static bool TryReadItem<T>(JsonElement element, ToolValueReader<T> reader, JsonSerializerOptions options, out T value)
    {
        if (element.ValueKind == JsonValueKind.Null && default(T) is null)
        {
            value = default!;
            return true;
        }

        return reader.TryRead(element, options, out value);
    }

    /// <summary>Describes a JSON value for an error message, quoting a short one.</summary>
    public static string Describe(JsonElement element)
    {
        var kind = element.ValueKind switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Array => "an array",
            JsonValueKind.Object => "an object",
            JsonValueKind.Null => "null",
            _ => "undefined",
        };
        if (element.ValueKind is JsonValueKind.Array or JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return kind;
        }

        var text = element.GetRawText();
        return text.Length <= 40 ? $"{kind} ({text})" : kind;
    }

    private static class JsonElementShape<T>
    {
        public static readonly bool IsAssignable = typeof(T).IsAssignableFrom(typeof(JsonElement));
    }
}
