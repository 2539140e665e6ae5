using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace AgentCost.Interception;

/// <summary>
/// Reads one argument value of type <typeparamref name="T"/> from the JSON a model sent, without reflection. Generated
/// tool functions (<see cref="AgentToolAttribute"/>) hold one reader per parameter; <see cref="ToolValueReaders"/> makes
/// them.
/// </summary>
/// <typeparam name="T">The parameter's type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class ToolValueReader<T>
{
    /// <summary>What the reader accepts, for error messages: "an integer", "one of 'Red', 'Blue'".</summary>
    public abstract string Expected { get; }

    /// <summary>Reads a value.</summary>
    /// <param name="element">The JSON value.</param>
    /// <param name="options">The tool's serializer options.</param>
    /// <param name="value">The value read.</param>
    /// <returns><see langword="false"/> when the JSON value does not fit <typeparamref name="T"/>.</returns>
    public abstract bool TryRead(JsonElement element, JsonSerializerOptions options, out T value);

    /// <summary>Reads a value, saying what is wrong with it when it does not fit.</summary>
    /// <param name="element">The JSON value.</param>
    /// <param name="options">The tool's serializer options.</param>
    /// <param name="value">The value read.</param>
    /// <param name="problem">What is wrong beyond not being <see cref="Expected"/>, when the reader can tell; otherwise <see langword="null"/>.</param>
    /// <returns><see langword="false"/> when the JSON value does not fit <typeparamref name="T"/>.</returns>
    public virtual bool TryRead(JsonElement element, JsonSerializerOptions options, out T value, out string? problem)
    {
        problem = null;
        return TryRead(element, options, out value);
    }

    /// <summary>
    /// Reads an argument the common way — a JSON value that <typeparamref name="T"/> does not take as it is, that is not
    /// JSON <c>null</c>, and that fits — or returns <see langword="false"/> for the general path to decide (null, a value
    /// used as it is, a value that does not fit). Readers that accept neither a <see cref="JsonElement"/> as it is nor
    /// <c>null</c> skip the checks.
    /// </summary>
    internal virtual bool TryReadArgument(JsonElement element, JsonSerializerOptions options, out T value)
    {
        if (ToolArgumentsCore.TakesJsonElement<T>() || element.ValueKind == JsonValueKind.Null)
        {
            value = default!;
            return false;
        }

        return TryRead(element, options, out value, out _);
    }
}

/// <summary>The readers generated tool functions bind their parameters with.</summary>
/// <remarks>
/// They accept what <c>System.Text.Json</c> accepts with <c>AIJsonUtilities.DefaultOptions</c> (the web defaults and
/// string enums): numbers as JSON numbers, or as numeric strings when the options allow reading numbers from strings;
/// enum members by name, case-insensitively, or by integer value; ISO 8601 dates and times; arrays as JSON arrays;
/// JSON <c>null</c> for any type that allows it. Records and classes are read through their <see cref="JsonTypeInfo"/>
/// from the tool's serializer options.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ToolValueReaders
{
    /// <summary>Reads a JSON string.</summary>
    public static ToolValueReader<string> String { get; } = new StringReader();

    /// <summary>Reads <see langword="true"/> or <see langword="false"/>.</summary>
    public static ToolValueReader<bool> Boolean { get; } = new BooleanReader();

    /// <summary>Reads a one-character string.</summary>
    public static ToolValueReader<char> Char { get; } = new Simple<char>("a single character", static (e, _, out v) =>
    {
        var text = e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        v = text is { Length: 1 } ? text[0] : default;
        return text is { Length: 1 };
    });

    /// <summary>Reads a <see cref="byte"/>.</summary>
    public static ToolValueReader<byte> Byte { get; } = new NumberReader<byte, ByteFormat>("an integer from 0 to 255");

    /// <summary>Reads an <see cref="sbyte"/>.</summary>
    public static ToolValueReader<sbyte> SByte { get; } = new NumberReader<sbyte, SByteFormat>("an integer from -128 to 127");

    /// <summary>Reads a <see cref="short"/>.</summary>
    public static ToolValueReader<short> Int16 { get; } = new NumberReader<short, Int16Format>("a 16-bit integer");

    /// <summary>Reads a <see cref="ushort"/>.</summary>
    public static ToolValueReader<ushort> UInt16 { get; } = new NumberReader<ushort, UInt16Format>("an unsigned 16-bit integer");

    /// <summary>Reads an <see cref="int"/>.</summary>
    public static ToolValueReader<int> Int32 { get; } = new NumberReader<int, Int32Format>("an integer");

    /// <summary>Reads a <see cref="uint"/>.</summary>
    public static ToolValueReader<uint> UInt32 { get; } = new NumberReader<uint, UInt32Format>("an unsigned integer");

    /// <summary>Reads a <see cref="long"/>.</summary>
    public static ToolValueReader<long> Int64 { get; } = new NumberReader<long, Int64Format>("an integer");

    /// <summary>Reads a <see cref="ulong"/>.</summary>
    public static ToolValueReader<ulong> UInt64 { get; } = new NumberReader<ulong, UInt64Format>("an unsigned integer");

    /// <summary>Reads a <see cref="float"/>.</summary>
    public static ToolValueReader<float> Single { get; } = new NumberReader<float, SingleFormat>("a number");

    /// <summary>Reads a <see cref="double"/>.</summary>
    public static ToolValueReader<double> Double { get; } = new NumberReader<double, DoubleFormat>("a number");

    /// <summary>Reads a <see cref="decimal"/>.</summary>
    public static ToolValueReader<decimal> Decimal { get; } = new NumberReader<decimal, DecimalFormat>("a number");

    /// <summary>Reads a <see cref="System.Half"/>.</summary>
    public static ToolValueReader<Half> Half { get; } = new NumberReader<Half, HalfFormat>("a number");

    /// <summary>Reads a <see cref="System.Guid"/> string.</summary>
    public static ToolValueReader<Guid> Guid { get; } = new Simple<Guid>("a GUID string", static (e, _, out v) =>
    {
        v = default;
        return e.ValueKind == JsonValueKind.String && e.TryGetGuid(out v);
    });

    /// <summary>Reads an ISO 8601 <see cref="System.DateTime"/> string.</summary>
    public static ToolValueReader<DateTime> DateTime { get; } = new Simple<DateTime>("an ISO 8601 date and time", static (e, _, out v) =>
    {
        v = default;
        return e.ValueKind == JsonValueKind.String && e.TryGetDateTime(out v);
    });

    /// <summary>Reads an ISO 8601 <see cref="System.DateTimeOffset"/> string.</summary>
    public static ToolValueReader<DateTimeOffset> DateTimeOffset { get; } = new Simple<DateTimeOffset>("an ISO 8601 date and time", static (e, _, out v) =>
    {
        v = default;
        return e.ValueKind == JsonValueKind.String && e.TryGetDateTimeOffset(out v);
    });

    /// <summary>Reads a <c>yyyy-MM-dd</c> <see cref="System.DateOnly"/> string.</summary>
    public static ToolValueReader<DateOnly> DateOnly { get; } = new Simple<DateOnly>("a date (yyyy-MM-dd)", static (e, _, out v) =>
    {
        v = default;
        return e.ValueKind == JsonValueKind.String
            && System.DateOnly.TryParseExact(e.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out v);
    });

    /// <summary>Reads an <c>HH:mm:ss</c> <see cref="System.TimeOnly"/> string.</summary>
    public static ToolValueReader<TimeOnly> TimeOnly { get; } = new Simple<TimeOnly>("a time of day (HH:mm:ss)", static (e, _, out v) =>
    {
        v = default;
        return e.ValueKind == JsonValueKind.String
            && System.TimeSpan.TryParseExact(e.GetString(), "c", CultureInfo.InvariantCulture, out var time)
            && time >= System.TimeSpan.Zero && time < System.TimeSpan.FromDays(1)
            && Assign(System.TimeOnly.FromTimeSpan(time), out v);
    });

    /// <summary>Reads a <c>[-][d.]hh:mm:ss[.fffffff]</c> <see cref="System.TimeSpan"/> string.</summary>
    public static ToolValueReader<TimeSpan> TimeSpan { get; } = new Simple<TimeSpan>("a time span ([-][d.]hh:mm:ss[.fffffff])", static (e, _, out v) =>
    {
        v = default;
        return e.ValueKind == JsonValueKind.String && System.TimeSpan.TryParseExact(e.GetString(), "c", CultureInfo.InvariantCulture, out v);
    });

    /// <summary>Reads an absolute or relative <see cref="System.Uri"/> string.</summary>
    public static ToolValueReader<Uri> Uri { get; } = new Simple<Uri>("a URI", static (e, _, out v) =>
    {
        v = null!;
        return e.ValueKind == JsonValueKind.String && System.Uri.TryCreate(e.GetString(), UriKind.RelativeOrAbsolute, out v!);
    });

    /// <summary>Reads an enum member by name (case-insensitive) or by integer value.</summary>
    /// <typeparam name="TEnum">The enum type.</typeparam>
    /// <param name="names">The members' names as the schema lists them.</param>
    /// <param name="values">The members, in the order of <paramref name="names"/>.</param>
    /// <returns>The reader.</returns>
    public static ToolValueReader<TEnum> Enum<TEnum>(string[] names, TEnum[] values)
        where TEnum : struct, Enum
        => new EnumReader<TEnum>(names, values);

    /// <summary>Reads a nullable value: JSON <c>null</c>, or a value <paramref name="reader"/> reads.</summary>
    /// <typeparam name="T">The underlying type.</typeparam>
    /// <param name="reader">Reads the underlying value.</param>
    /// <returns>The reader.</returns>
    public static ToolValueReader<T?> Nullable<T>(ToolValueReader<T> reader)
        where T : struct
        => new NullableReader<T>(reader);

    /// <summary>Reads a JSON array into an array.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="item">Reads each item.</param>
    /// <returns>The reader.</returns>
    public static ToolValueReader<T[]> Array<T>(ToolValueReader<T> item) => new ArrayReader<T>(item);

    /// <summary>Reads a JSON array into a <see cref="List{T}"/>, which also serves list and sequence interfaces.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="item">Reads each item.</param>
    /// <returns>The reader.</returns>
    public static ToolValueReader<List<T>> List<T>(ToolValueReader<T> item) => new ListReader<T>(item);

    /// <summary>
    /// Reads a value through its <see cref="JsonTypeInfo"/> from the tool's serializer options: records, classes,
    /// dictionaries and any type with a converter. Trimmed and native AOT applications pass options whose resolver
    /// (a <c>JsonSerializerContext</c>) knows <typeparamref name="T"/>.
    /// </summary>
    /// <typeparam name="T">The parameter's type.</typeparam>
    /// <returns>The reader.</returns>
    public static ToolValueReader<T> Contract<T>() => ContractReader<T>.Instance;

    private delegate bool ReadValue<T>(JsonElement element, JsonSerializerOptions options, out T value);

    private static bool Assign<T>(T value, out T target)
    {
        target = value;
        return true;
    }

    /// <summary>Reads a number of one type from a JSON number; a type argument, so that each reader is specialised code.</summary>
    private interface INumberFormat<T>
    {
        static abstract bool TryGet(JsonElement element, out T value);
    }

    private readonly struct ByteFormat : INumberFormat<byte>
    {
        public static bool TryGet(JsonElement element, out byte value) => element.TryGetByte(out value);
    }

    private readonly struct SByteFormat : INumberFormat<sbyte>
    {
        public static bool TryGet(JsonElement element, out sbyte value) => element.TryGetSByte(out value);
    }

    private readonly struct Int16Format : INumberFormat<short>
    {
        public static bool TryGet(JsonElement element, out short value) => element.TryGetInt16(out value);
    }

    private readonly struct UInt16Format : INumberFormat<ushort>
    {
        public static bool TryGet(JsonElement element, out ushort value) => element.TryGetUInt16(out value);
    }

    private readonly struct Int32Format : INumberFormat<int>
    {
        public static bool TryGet(JsonElement element, out int value) => element.TryGetInt32(out value);
    }

    private readonly struct UInt32Format : INumberFormat<uint>
    {
        public static bool TryGet(JsonElement element, out uint value) => element.TryGetUInt32(out value);
    }

    private readonly struct Int64Format : INumberFormat<long>
    {
        public static bool TryGet(JsonElement element, out long value) => element.TryGetInt64(out value);
    }

    private readonly struct UInt64Format : INumberFormat<ulong>
    {
        public static bool TryGet(JsonElement element, out ulong value) => element.TryGetUInt64(out value);
    }

    private readonly struct SingleFormat : INumberFormat<float>
    {
        public static bool TryGet(JsonElement element, out float value) => element.TryGetSingle(out value) && float.IsFinite(value);
    }

    private readonly struct DoubleFormat : INumberFormat<double>
    {
        public static bool TryGet(JsonElement element, out double value) => element.TryGetDouble(out value) && double.IsFinite(value);
    }

    private readonly struct DecimalFormat : INumberFormat<decimal>
    {
        public static bool TryGet(JsonElement element, out decimal value) => element.TryGetDecimal(out value);
    }

    private readonly struct HalfFormat : INumberFormat<Half>
    {
        public static bool TryGet(JsonElement element, out Half value)
        {
            var ok = element.TryGetDouble(out var number);
            value = (Half)number;
            return ok && System.Half.IsFinite(value);
        }
    }

    private sealed class StringReader : ToolValueReader<string>
    {
        public override string Expected => "a string";

        public override bool TryRead(JsonElement element, JsonSerializerOptions options, out string value)
        {
            if (element.ValueKind == JsonValueKind.String)
            {
                value = element.GetString()!;
                return true;
            }

            value = null!;
            return false;
        }

        public override bool TryRead(JsonElement element, JsonSerializerOptions options, out string value, out string? problem)
        {
            problem = null;
            return TryRead(element, options, out value);
        }

        internal override bool TryReadArgument(JsonElement element, JsonSerializerOptions options, out string value) => TryRead(element, options, out value);
    }

    private sealed class BooleanReader : ToolValueReader<bool>
    {
        public override string Expected => "true or false";

        public override bool TryRead(JsonElement element, JsonSerializerOptions options, out bool value)
        {
            var kind = element.ValueKind;
            value = kind == JsonValueKind.True;
            return kind is JsonValueKind.True or JsonValueKind.False;
        }

        public override bool TryRead(JsonElement element, JsonSerializerOptions options, out bool value, out string? problem)
        {
            problem = null;
            return TryRead(element, options, out value);
        }

        internal override bool TryReadArgument(JsonElement element, JsonSerializerOptions options, out bool value) => TryRead(element, options, out value);
    }

    // Numbers as JSON numbers, or as numeric strings when the options allow it (the web defaults do).
    private sealed class NumberReader<T, TFormat>(string expected) : ToolValueReader<T>
        where TFormat : INumberFormat<T>
    {
        public override string Expected => expected;

        public override bool TryRead(JsonElement element, JsonSerializerOptions options, out T value)
        {
            if (element.ValueKind == JsonValueKind.Number)
            {
                return TFormat.TryGet(element, out value);
            }

            return TryReadString(element, options, out value);
        }

        public override bool TryRead(JsonElement element, JsonSerializerOptions options, out T value, out string? problem)
        {
            problem = null;
            return TryRead(element, options, out value);
        }

        internal override bool TryReadArgument(JsonElement element, JsonSerializerOptions options, out T value) => TryRead(element, options, out value);

        private static bool TryReadString(JsonElement element, JsonSerializerOptions options, out T value)
        {
            value = default!;
            if (element.ValueKind != JsonValueKind.String || (options.NumberHandling & JsonNumberHandling.AllowReadingFromString) == 0)
            {
                return false;
            }

            var text = element.GetString()!;
            if (text.Length == 0 || char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1]))
            {
                return false;
            }

            try
            {
                using var number = JsonDocument.Parse(text.Length <= 64 ? text : "x");
                return number.RootElement.ValueKind == JsonValueKind.Number && TFormat.TryGet(number.RootElement, out value);
            }
            catch (JsonException)
            {
                return false;
            }
        }
    }

    private sealed class Simple<T>(string expected, ReadValue<T> read) : ToolValueReader<T>
    {
        public override string Expected => expected;

        public override bool TryRead(JsonElement element, JsonSerializerOptions options, out T value, out string? problem)
        {
            problem = null;
            return TryRead(element, options, out value);
        }

        public override bool TryRead(JsonElement element, JsonSerializerOptions options, out T value)
        {
            try
            {
                return read(element, options, out value);
            }
            catch (JsonException)
            {
                value = default!;
                return false;
            }
        }
    }

    private sealed class EnumReader<TEnum> : ToolValueReader<TEnum>
        where TEnum : struct, Enum
    {
        private readonly string[] _names;
        private readonly byte[][] _utf8Names;
        private readonly TEnum[] _values;

        public EnumReader(string[] names, TEnum[] values)
        {
            ArgumentNullException.ThrowIfNull(names);
            ArgumentNullException.ThrowIfNull(values);
            if (names.Length != values.Length)
            {
                throw new ArgumentException("Every enum name needs a value.", nameof(values));
            }

            _names = names;
            _utf8Names = System.Array.ConvertAll(names, System.Text.Encoding.UTF8.GetBytes);
            _values = values;
            Expected = "one of " + string.Join(", ", names.Select(name => "'" + name + "'"));
        }

        public override string Expected { get; }

        public override bool TryRead(JsonElement element, JsonSerializerOptions options, out TEnum value, out string? problem)
        {
            problem = null;
            return TryRead(element, options, out value);
        }

        internal override bool TryReadArgument(JsonElement element, JsonSerializerOptions options, out TEnum value) => TryRead(element, options, out value);

        public override bool TryRead(JsonElement element, JsonSerializerOptions options, out TEnum value)
        {
            value = default;
            if (element.ValueKind == JsonValueKind.String)
            {
                // The exact name, compared as UTF-8 without allocating; then any casing, as the string enum converter reads.
                for (var i = 0; i < _utf8Names.Length; i++)
                {
                    if (element.ValueEquals(_utf8Names[i]))
                    {
                        value = _values[i];
                        return true;
                    }
                }

                var text = element.GetString()!;
                for (var i = 0; i < _names.Length; i++)
                {
                    if (string.Equals(_names[i], text, StringComparison.OrdinalIgnoreCase))
                    {
                        value = _values[i];
                        return true;
                    }
                }

                return false;
            }

            // An integer value, as the string enum converter allows.
            if (element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var number))
            {
                value = (TEnum)System.Enum.ToObject(typeof(TEnum), number);
                return true;
            }

            return false;
        }
    }

    private sealed class NullableReader<T>(ToolValueReader<T> reader) : ToolValueReader<T?>
        where T : struct
    {
        public override string Expected => reader.Expected + " or null";

        public override bool TryRead(JsonElement element, JsonSerializerOptions options, out T? value)
        {
            value = null;
            if (element.ValueKind == JsonValueKind.Null)
            {
                return true;
            }

            if (!reader.TryRead(element, options, out var inner))
            {
                return false;
            }

            value = inner;
            return true;
        }
    }

    private sealed class ArrayReader<T>(ToolValueReader<T> item) : ToolValueReader<T[]>
    {
        public override string Expected => "an array of " + item.Expected;

        public override bool TryRead(JsonElement element, JsonSerializerOptions options, out T[] value)
        {
            value = null!;
            if (element.ValueKind == JsonValueKind.Null)
            {
                return true;
            }

            if (element.ValueKind != JsonValueKind.Array)
            {
                return false;
            }

            var items = new T[element.GetArrayLength()];
            var i = 0;
            foreach (var child in element.EnumerateArray())
            {
                if (!ToolArgumentsCore.TryReadItem(child, item, options, out items[i++]))
                {
                    return false;
                }
            }

            value = items;
            return true;
        }
    }

    private sealed class ListReader<T>(ToolValueReader<T> item) : ToolValueReader<List<T>>
    {
        public override string Expected => "an array of " + item.Expected;

        public override bool TryRead(JsonElement element, JsonSerializerOptions options, out List<T> value)
        {
            value = null!;
            if (element.ValueKind == JsonValueKind.Null)
            {
                return true;
            }

            if (element.ValueKind != JsonValueKind.Array)
            {
                return false;
            }

            var items = new List<T>(element.GetArrayLength());
            foreach (var child in element.EnumerateArray())
            {
                if (!ToolArgumentsCore.TryReadItem(child, item, options, out var read))
                {
                    return false;
                }

                items.Add(read);
            }

            value = items;
            return true;
        }
    }

    private sealed class ContractReader<T> : ToolValueReader<T>
    {
        public static readonly ContractReader<T> Instance = new();

        public override string Expected => $"a JSON value of type '{typeof(T).Name}'";

        public override bool TryRead(JsonElement element, JsonSerializerOptions options, out T value) => TryRead(element, options, out value, out _);

        public override bool TryRead(JsonElement element, JsonSerializerOptions options, out T value, out string? problem)
        {
            var typeInfo = ToolJson.GetTypeInfo<T>(options);
            try
            {
                value = element.Deserialize(typeInfo)!;
                problem = null;
                return true;
            }
            catch (JsonException exception)
            {
                // The serializer's own words say which property is missing or wrong.
                value = default!;
                problem = exception.Message;
                return false;
            }
        }
    }
}
