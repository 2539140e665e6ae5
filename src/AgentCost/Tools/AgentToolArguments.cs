using System.ComponentModel;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace AgentCost.Tools;

/// <summary>
/// The arguments of one invocation of a generated tool function, as its generated binder reads them: one call per
/// parameter. A missing required value or a value of the wrong type throws <see cref="ToolArgumentException"/>, which the
/// function turns into a tool error result.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct AgentToolArguments
{
    private readonly string _toolName;

    internal AgentToolArguments(string toolName, AIFunctionArguments arguments, JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        _toolName = toolName;
        Arguments = arguments;
        Options = options;
        CancellationToken = cancellationToken;
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
