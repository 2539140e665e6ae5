using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace AgentCost.Tools;

/// <summary>JSON plumbing shared by tool functions: type information, conversions of argument values, results.</summary>
internal static partial class ToolJson
{
    /// <summary>
    /// The contract of <typeparamref name="T"/> from <paramref name="options"/>, else from AgentCost's own
    /// source-generated context for primitives; never through reflection the application has not enabled.
    /// </summary>
    public static JsonTypeInfo<T> GetTypeInfo<T>(JsonSerializerOptions options)
    {
        if (options.TryGetTypeInfo(typeof(T), out var info) || ToolsJsonContext.Default.Options.TryGetTypeInfo(typeof(T), out info))
        {
            return (JsonTypeInfo<T>)info;
        }

        throw new NotSupportedException(
            $"The tool's JSON serializer options have no contract for '{typeof(T)}'. Pass options whose resolver knows it, " +
            "for example a JsonSerializerContext with [JsonSerializable(typeof(" + typeof(T).Name + "))], to the tool's Create method.");
    }

    /// <summary>Turns an argument value that is not yet JSON into a JSON value, as AIFunctionFactory's functions accept it.</summary>
    public static bool TryToElement(object value, JsonSerializerOptions options, out JsonElement element)
    {
        switch (value)
        {
            case JsonElement e:
                element = e;
                return true;
            case JsonDocument document:
                element = document.RootElement;
                return true;
            case JsonNode node:
                element = JsonSerializer.SerializeToElement(node, ToolsJsonContext.Default.JsonNode);
                return true;
            case string text:
                // Text that looks like JSON is taken as JSON ("42", "[1,2]"), other text as a JSON string.
                if (PotentiallyJson().IsMatch(text))
                {
                    try
                    {
                        using var document = JsonDocument.Parse(text);
                        element = document.RootElement.Clone();
                        return true;
                    }
                    catch (JsonException)
                    {
                    }
                }

                element = JsonSerializer.SerializeToElement(text, ToolsJsonContext.Default.String);
                return true;
        }

        // Any other value goes through its own JSON contract, as AIFunctionFactory round-trips it.
        if (options.TryGetTypeInfo(value.GetType(), out var info) || ToolsJsonContext.Default.Options.TryGetTypeInfo(value.GetType(), out info))
        {
            try
            {
                element = JsonSerializer.SerializeToElement(value, info);
                return true;
            }
            catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
            {
            }
        }

        element = default;
        return false;
    }

    /// <summary>Serialises a tool's result as AIFunctionFactory's functions do: to a <see cref="JsonElement"/>, except AI content.</summary>
    public static object? MarshalResult<T>(T result, JsonSerializerOptions options)
    {
        if (ResultShape<T>.IsAIContent)
        {
            return result;
        }

        return JsonSerializer.SerializeToElement(result, GetTypeInfo<T>(options));
    }

    [GeneratedRegex("""^\s*(null|false|true|-?[0-9]|"|\[|\{|//|/\*)""")]
    private static partial Regex PotentiallyJson();

    private static class ResultShape<T>
    {
        // AIFunctionFactory hands AIContent results (and sequences of them) back as they are, for clients to type-test.
        public static readonly bool IsAIContent = typeof(AIContent).IsAssignableFrom(typeof(T)) || typeof(IEnumerable<AIContent>).IsAssignableFrom(typeof(T));
    }
}

/// <summary>Contracts for the values tool functions convert whatever the application's options hold.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(char))]
[JsonSerializable(typeof(byte))]
[JsonSerializable(typeof(sbyte))]
[JsonSerializable(typeof(short))]
[JsonSerializable(typeof(ushort))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(uint))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(ulong))]
[JsonSerializable(typeof(float))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(decimal))]
[JsonSerializable(typeof(Guid))]
[JsonSerializable(typeof(DateTime))]
[JsonSerializable(typeof(DateTimeOffset))]
[JsonSerializable(typeof(DateOnly))]
[JsonSerializable(typeof(TimeOnly))]
[JsonSerializable(typeof(TimeSpan))]
[JsonSerializable(typeof(Uri))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(int[]))]
[JsonSerializable(typeof(long[]))]
[JsonSerializable(typeof(double[]))]
[JsonSerializable(typeof(bool[]))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(List<int>))]
[JsonSerializable(typeof(List<long>))]
[JsonSerializable(typeof(List<double>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(IList<string>))]
[JsonSerializable(typeof(IEnumerable<string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, int>))]
[JsonSerializable(typeof(Dictionary<string, object>))]
internal sealed partial class ToolsJsonContext : JsonSerializerContext;
