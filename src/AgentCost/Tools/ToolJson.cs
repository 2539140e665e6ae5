using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace AgentCost.Interception;

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

        return SerializeToElement(result, GetTypeInfo<T>(options));
    }

    /// <summary>
    /// What <see cref="JsonSerializer.SerializeToElement{TValue}(TValue, JsonTypeInfo{TValue})"/> returns — the value
    /// written with the options' contract and writer settings, parsed back into an element — through a writer and buffer
    /// kept per thread, and parsed without the serializer's intermediate copy.
    /// </summary>
    public static JsonElement SerializeToElement<T>(T value, JsonTypeInfo<T> typeInfo)
        => SerializeToElement(value, typeInfo, DocumentOptions(typeInfo.Options), writeString: false);

    /// <summary>The options <see cref="JsonSerializer"/> reads its own output back with, from the serializer options.</summary>
    public static JsonDocumentOptions DocumentOptions(JsonSerializerOptions options) => new()
    {
        AllowDuplicateProperties = options.AllowDuplicateProperties,
        AllowTrailingCommas = options.AllowTrailingCommas,
        CommentHandling = options.ReadCommentHandling,
        MaxDepth = options.MaxDepth,
    };

    /// <summary>Whether <paramref name="typeInfo"/> writes a string as the built-in string converter does: a JSON string, or null.</summary>
    public static bool IsBuiltInString<T>(JsonTypeInfo<T> typeInfo)
        => typeof(T) == typeof(string) && ReferenceEquals(typeInfo.Converter, JsonMetadataServices.StringConverter);

    /// <summary>
    /// <see cref="SerializeToElement{T}(T, JsonTypeInfo{T})"/> with the parse options worked out once, and strings whose
    /// contract is the built-in one written straight to the writer.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <param name="typeInfo">Its contract.</param>
    /// <param name="documentOptions">The options to parse the written JSON with (<see cref="DocumentOptions"/>).</param>
    /// <param name="writeString">
    /// Writes the value with <see cref="Utf8JsonWriter.WriteStringValue(string)"/>, which is all the serializer does for a
    /// string whose contract has the built-in converter (<see cref="IsBuiltInString{T}"/>).
    /// </param>
    public static JsonElement SerializeToElement<T>(T value, JsonTypeInfo<T> typeInfo, JsonDocumentOptions documentOptions, bool writeString)
    {
        // Marked while in use: a converter that marshals another result on this thread gets a buffer of its own.
        var buffer = t_resultBuffer;
        if (buffer is null || buffer.InUse)
        {
            buffer = new ResultBuffer();
            t_resultBuffer ??= buffer;
        }

        buffer.InUse = true;
        var writer = buffer.WriterFor(typeInfo.Options);
        try
        {
            if (writeString && value is string text)
            {
                writer.WriteStringValue(text);
            }
            else
            {
                JsonSerializer.Serialize(writer, value, typeInfo);
            }

            writer.Flush();
            return JsonElement.Parse(buffer.Output.WrittenSpan, documentOptions);
        }
        finally
        {
            writer.Reset();
            buffer.Output.Clear();
            buffer.InUse = false;
            if (buffer.Output.Capacity > ResultBuffer.MaxKeptCapacity && ReferenceEquals(t_resultBuffer, buffer))
            {
                // A buffer grown by a large result is not kept.
                t_resultBuffer = null;
            }
        }
    }

    [ThreadStatic]
    private static ResultBuffer? t_resultBuffer;

    [GeneratedRegex("""^\s*(null|false|true|-?[0-9]|"|\[|\{|//|/\*)""")]
    private static partial Regex PotentiallyJson();

    /// <summary>
    /// Marshals one function's results as AIFunctionFactory's functions do — AI content as it is, anything else
    /// serialised to a <see cref="JsonElement"/> with the function's options — with what does not change between calls
    /// (the contract, the parse options) looked up once.
    /// </summary>
    internal sealed class ResultMarshaller<T>(JsonSerializerOptions options)
    {
        private readonly bool _isAIContent = ResultShape<T>.IsAIContent;
        private readonly JsonDocumentOptions _documentOptions = DocumentOptions(options);
        private Contract? _contract;

        public object? Marshal(T result)
        {
            if (_isAIContent)
            {
                return result;
            }

            // Resolved on the first result, not per call: the contract lookup is a search of the options' cache.
            var contract = _contract ??= new Contract(GetTypeInfo<T>(options));
            return SerializeToElement(result, contract.TypeInfo, _documentOptions, contract.WriteString);
        }

        private sealed class Contract(JsonTypeInfo<T> typeInfo)
        {
            public JsonTypeInfo<T> TypeInfo { get; } = typeInfo;

            public bool WriteString { get; } = IsBuiltInString(typeInfo);
        }
    }

    /// <summary>A thread's buffer for results, and a writer with the settings of the options it last wrote for.</summary>
    private sealed class ResultBuffer
    {
        /// <summary>A buffer grown past this by a large result is not kept.</summary>
        public const int MaxKeptCapacity = 64 * 1024;

        private JsonSerializerOptions? _writerOptions;
        private Utf8JsonWriter? _writer;

        /// <summary>Whether a result is being written with it.</summary>
        public bool InUse { get; set; }

        public ArrayBufferWriter<byte> Output { get; } = new(1024);

        public Utf8JsonWriter WriterFor(JsonSerializerOptions options)
        {
            if (_writer is null || !ReferenceEquals(_writerOptions, options))
            {
                // The writer settings JsonSerializer derives from the options for its own writer.
                _writer = new Utf8JsonWriter(Output, new JsonWriterOptions
                {
                    Encoder = options.Encoder,
                    Indented = options.WriteIndented,
                    IndentCharacter = options.IndentCharacter,
                    IndentSize = options.IndentSize,
                    NewLine = options.NewLine,
                    MaxDepth = options.MaxDepth == 0 ? DefaultMaxDepth : options.MaxDepth,
                    SkipValidation = true,
                });
                _writerOptions = options;
            }

            return _writer;
        }

        private const int DefaultMaxDepth = 64;
    }

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
