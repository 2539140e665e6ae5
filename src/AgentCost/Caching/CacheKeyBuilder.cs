using System.Collections;
using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace AgentCost.Caching;

/// <summary>
/// Builds a cache key: a SHA-256 hash over a canonical, versioned encoding of the method identity and each
/// argument. Every value is written with a type tag and, where its size varies, a length, so distinct argument
/// lists never share a key (<c>"a","bc"</c> and <c>"ab","c"</c>; <see langword="null"/> and <c>""</c>;
/// <c>1</c> as <see cref="int"/> and as <see cref="long"/>).
/// </summary>
/// <remarks>
/// Supported argument types: primitives, <see cref="string"/>, <see cref="decimal"/>, enums, <see cref="Guid"/>,
/// <see cref="DateTime"/>, <see cref="DateTimeOffset"/>, <see cref="TimeSpan"/>, <see cref="DateOnly"/>,
/// <see cref="TimeOnly"/>, their nullable forms, arrays and other sequences of these (keyed by their items, so a
/// <c>List&lt;int&gt;</c> and an <c>int[]</c> with the same items share a key), and records, structs, classes and
/// value tuples through their <see cref="System.Text.Json"/> contract: each public property with a getter and each
/// public field by name, each value by its run-time type, at every depth (so derived types held by a base-typed
/// property are told apart). Types with a converter of their own (for example <see cref="Uri"/>) are keyed by their
/// JSON text. Type names in keys carry no assembly version, so keys survive a rebuild;
/// <see cref="CachedAttribute.Version"/> is the way to retire old results. Generated interceptors use this type;
/// applications rarely need it.
/// <para>Refused, because distinct values would share a key or the value has none: a type with no public readable
/// state (its state, if any, is in non-public fields); a contract (from the key serialiser options) that leaves out a
/// public property or field not marked <c>[JsonIgnore]</c>; a property whose getter throws; and values that are not
/// data — delegates, streams, readers and writers, tasks, enumerators, reflection objects, pointers and native
/// integers, services such as <see cref="CancellationTokenSource"/>.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public ref struct CacheKeyBuilder
{
    /// <summary>Version of the encoding; changing the encoding changes this, so old entries are never misread.</summary>
    /// <remarks>3: public fields are keyed, so a type with fields no longer shares the keys of version 2.</remarks>
    internal const byte EncodingVersion = 3;

    internal const string KeyPrefix = "agentcost:";

    /// <summary>How deeply sequences and objects may nest in one argument; deeper graphs are taken for cycles.</summary>
    internal const int MaxDepth = 64;

    private static readonly ConcurrentDictionary<Type, string> s_typeNames = new();

    // One hash object per thread: the one-shot SHA256.HashData sets up a native digest context on every call, which
    // costs more than hashing a short key.
    [ThreadStatic]
    private static IncrementalHash? t_sha256;

    // Why a run-time type is not data (a delegate, a stream, ...), or null; by type, since it never changes.
    private static readonly ConcurrentDictionary<Type, string?> s_notData = new();

    // Why a contract would let distinct values share a key, or "" when it covers the type's public state.
    private static readonly ConditionalWeakTable<JsonTypeInfo, string> s_contractProblems = new();

    private CanonicalWriter _writer;
    private readonly JsonSerializerOptions _jsonOptions;
    private readonly CachedMethod _method;
    private string? _parameter;
    private int _depth;

    internal CacheKeyBuilder(CachedMethod method, string? partition, JsonSerializerOptions jsonOptions)
    {
        _jsonOptions = jsonOptions;
        _method = method;
        _writer = new CanonicalWriter(256);
        _writer.WriteByte((byte)'A');
        _writer.WriteByte((byte)'C');
        _writer.WriteByte(EncodingVersion);
        _writer.WriteString(partition ?? string.Empty);
        _writer.WriteRaw(method.IdentityBytes);
    }

    /// <summary>Adds one argument to the key.</summary>
    /// <typeparam name="T">The parameter's declared type.</typeparam>
    /// <param name="value">The argument.</param>
    /// <exception cref="NotSupportedException">The value's type has no stable serialised form.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add<T>(T value)
    {
        // Typeof checks on T are resolved by the JIT for value types, so common primitives never box.
        if (typeof(T) == typeof(int))
        {
            AddInt64(CacheKeyTag.Int32, Unsafe.As<T, int>(ref value));
        }
        else if (typeof(T) == typeof(long))
        {
            AddInt64(CacheKeyTag.Int64, Unsafe.As<T, long>(ref value));
        }
        else if (typeof(T) == typeof(bool))
        {
            AddInt64(CacheKeyTag.Boolean, Unsafe.As<T, bool>(ref value) ? 1 : 0);
        }
        else if (typeof(T) == typeof(double))
        {
            AddInt64(CacheKeyTag.Double, BitConverter.DoubleToInt64Bits(Unsafe.As<T, double>(ref value)));
        }
        else if (typeof(T) == typeof(Guid))
        {
            AddGuid(Unsafe.As<T, Guid>(ref value));
        }
        else if (!typeof(T).IsValueType && value is string text)
        {
            AddString(text);
        }
        else
        {
            AddObject(value);
        }
    }

    /// <summary>Adds one argument to the key, naming its parameter in the error if the value cannot be part of a key.</summary>
    /// <typeparam name="T">The parameter's declared type.</typeparam>
    /// <param name="value">The argument.</param>
    /// <param name="parameter">The parameter's name.</param>
    /// <exception cref="NotSupportedException">The value's type has no stable serialised form.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add<T>(T value, string parameter)
    {
        _parameter = parameter;
        Add(value);
    }

    /// <summary>Finishes the key and returns its text: a fixed prefix and the lowercase hex SHA-256 hash.</summary>
    internal readonly string ToKey()
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        var sha256 = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha256.AppendData(_writer.WrittenSpan);
        sha256.GetHashAndReset(hash);
        return string.Create(KeyPrefix.Length + (hash.Length * 2), hash, static (chars, h) =>
        {
            KeyPrefix.AsSpan().CopyTo(chars);
            Convert.TryToHexStringLower(h, chars[KeyPrefix.Length..], out _);
        });
    }

    /// <summary>The canonical bytes written so far; exposed to tests of the encoding.</summary>
    internal readonly ReadOnlySpan<byte> EncodedBytes => _writer.WrittenSpan;

    /// <summary>Returns the pooled buffer.</summary>
    internal void Dispose() => _writer.Dispose();

    private void AddString(string value)
    {
        _writer.WriteByte((byte)CacheKeyTag.String);
        _writer.WriteString(value);
    }

    private void AddInt64(CacheKeyTag tag, long value)
    {
        _writer.WriteByte((byte)tag);
        _writer.WriteInt64(value);
    }

    private void AddGuid(Guid value)
    {
        _writer.WriteByte((byte)CacheKeyTag.Guid);
        Span<byte> bytes = stackalloc byte[16];
        value.TryWriteBytes(bytes);
        _writer.WriteRaw(bytes);
    }

    private void AddObject(object? value)
    {
        switch (value)
        {
            case null:
                _writer.WriteByte((byte)CacheKeyTag.Null);
                break;
            case string s:
                AddString(s);
                break;
            case bool b:
                AddInt64(CacheKeyTag.Boolean, b ? 1 : 0);
                break;
            case char c:
                AddInt64(CacheKeyTag.Char, c);
                break;
            case sbyte i8:
                AddInt64(CacheKeyTag.SByte, i8);
                break;
            case byte u8:
                AddInt64(CacheKeyTag.Byte, u8);
                break;
            case short i16:
                AddInt64(CacheKeyTag.Int16, i16);
                break;
            case ushort u16:
                AddInt64(CacheKeyTag.UInt16, u16);
                break;
            case int i32:
                AddInt64(CacheKeyTag.Int32, i32);
                break;
            case uint u32:
                AddInt64(CacheKeyTag.UInt32, u32);
                break;
            case long i64:
                AddInt64(CacheKeyTag.Int64, i64);
                break;
            case ulong u64:
                _writer.WriteByte((byte)CacheKeyTag.UInt64);
                _writer.WriteUInt64(u64);
                break;
            case float f:
                AddInt64(CacheKeyTag.Single, BitConverter.SingleToInt32Bits(f));
                break;
            case double d:
                AddInt64(CacheKeyTag.Double, BitConverter.DoubleToInt64Bits(d));
                break;
            case decimal m:
                AddDecimal(m);
                break;
            case Enum e:
                AddEnum(e);
                break;
            case Guid g:
                AddGuid(g);
                break;
            case DateTime dt:
                _writer.WriteByte((byte)CacheKeyTag.DateTime);
                _writer.WriteInt64(dt.Ticks);
                _writer.WriteByte((byte)dt.Kind);
                break;
            case DateTimeOffset dto:
                _writer.WriteByte((byte)CacheKeyTag.DateTimeOffset);
                _writer.WriteInt64(dto.Ticks);
                _writer.WriteInt64(dto.Offset.Ticks);
                break;
            case TimeSpan ts:
                AddInt64(CacheKeyTag.TimeSpan, ts.Ticks);
                break;
            case DateOnly date:
                AddInt64(CacheKeyTag.DateOnly, date.DayNumber);
                break;
            case TimeOnly time:
                AddInt64(CacheKeyTag.TimeOnly, time.Ticks);
                break;
            case byte[] bytes:
                _writer.WriteByte((byte)CacheKeyTag.Bytes);
                _writer.WriteBytes(bytes);
                break;
            case IEnumerable sequence when !IsJsonObject(value.GetType()):
                AddSequence(sequence);
                break;
            default:
                AddContract(value);
                break;
        }
    }

    private void AddDecimal(decimal value)
    {
        _writer.WriteByte((byte)CacheKeyTag.Decimal);
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        foreach (var part in bits)
        {
            _writer.WriteInt32(part);
        }
    }

    private void AddEnum(Enum value)
    {
        var type = value.GetType();
        _writer.WriteByte((byte)CacheKeyTag.Enum);
        _writer.WriteString(GetTypeName(type));
        var underlying = Enum.GetUnderlyingType(type);
        if (underlying == typeof(ulong))
        {
            _writer.WriteUInt64(Convert.ToUInt64(value, System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            _writer.WriteInt64(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private void AddSequence(IEnumerable sequence)
    {
        Enter(sequence.GetType());
        _writer.WriteByte((byte)CacheKeyTag.Sequence);
        var count = 0;
        foreach (var item in sequence)
        {
            AddObject(item);
            count++;
        }

        // The count closes the sequence so that a sequence followed by more arguments cannot read as a longer one.
        _writer.WriteByte((byte)CacheKeyTag.SequenceEnd);
        _writer.WriteInt32(count);
        _depth--;
    }

    private void AddContract(object value)
    {
        var type = value.GetType();
        if (s_notData.GetOrAdd(type, NotDataReason) is { } notData)
        {
            throw UnsupportedKey(type, notData, null);
        }

        JsonTypeInfo typeInfo;
        try
        {
            typeInfo = _jsonOptions.GetTypeInfo(type);
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException)
        {
            throw UnsupportedKey(type, ex.Message, ex);
        }

        if (typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            AddJson(value, typeInfo);
            return;
        }

        if (s_contractProblems.GetValue(typeInfo, FindContractProblem) is { Length: > 0 } problem)
        {
            throw UnsupportedKey(type, problem, null);
        }

        // Walk the contract rather than serialise it: the serialiser writes a property by its declared type, so
        // a derived value held by a base-typed property would lose what tells it apart.
        var readable = 0;
        foreach (var property in typeInfo.Properties)
        {
            if (property.Get is not null)
            {
                readable++;
            }
        }

        Enter(type);
        _writer.WriteByte((byte)CacheKeyTag.Object);
        _writer.WriteString(GetTypeName(type));
        _writer.WriteInt32(readable);
        foreach (var property in typeInfo.Properties)
        {
            if (property.Get is { } get)
            {
                _writer.WriteString(property.Name);
                AddObject(Read(value, property, get));
            }
        }

        _depth--;
    }

    // A getter that throws (Stream.ReadTimeout on most streams) says the value has no stable form; the error says so
    // rather than letting the getter's own message, which names no parameter, reach the caller.
    private readonly object? Read(object value, JsonPropertyInfo property, Func<object, object?> get)
    {
        try
        {
            return get(value);
        }
        catch (Exception ex)
        {
            throw UnsupportedKey(value.GetType(), $"reading its property '{property.Name}' threw {ex.GetType().Name} ({ex.Message}).", ex);
        }
    }

    // Types that stand for code, work, resources or addresses: whatever their properties say, they are not data.
    private static string? NotDataReason(Type type)
    {
        if (typeof(Delegate).IsAssignableFrom(type))
        {
            return "it is a delegate: code, not a value.";
        }

        if (typeof(Stream).IsAssignableFrom(type) || typeof(TextReader).IsAssignableFrom(type) || typeof(TextWriter).IsAssignableFrom(type))
        {
            return "it is a stream, reader or writer: it is read once and has no value to compare.";
        }

        if (typeof(Task).IsAssignableFrom(type)
            || type == typeof(ValueTask)
            || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueTask<>))
            || typeof(IEnumerator).IsAssignableFrom(type)
            || IsAsyncEnumerable(type))
        {
            return "it stands for work in progress, not a value.";
        }

        if (typeof(MemberInfo).IsAssignableFrom(type))
        {
            return "it is a reflection object, with no stable serialised form.";
        }

        if (type == typeof(IntPtr) || type == typeof(UIntPtr) || type == typeof(Pointer))
        {
            return "it is an address, not a value, and its size depends on the process.";
        }

        if (typeof(CancellationTokenSource).IsAssignableFrom(type)
            || typeof(WaitHandle).IsAssignableFrom(type)
            || typeof(Thread).IsAssignableFrom(type)
            || typeof(System.Net.Http.HttpMessageInvoker).IsAssignableFrom(type)
            || typeof(IServiceProvider).IsAssignableFrom(type)
            || typeof(Microsoft.Extensions.Logging.ILogger).IsAssignableFrom(type)
            || typeof(Microsoft.Extensions.Logging.ILoggerFactory).IsAssignableFrom(type)
            || typeof(Microsoft.Extensions.AI.IChatClient).IsAssignableFrom(type))
        {
            return "it is a service or a resource, not a value.";
        }

        return null;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "Looks for an implemented interface by name; a trimmed-away interface is not implemented.")]
    private static bool IsAsyncEnumerable(Type type)
    {
        foreach (var @interface in type.GetInterfaces())
        {
            if (@interface.IsGenericType && @interface.GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>))
            {
                return true;
            }
        }

        return false;
    }

    // The key covers a type only if its contract reads all of its public state: a public property or field the
    // contract leaves out (key serialiser options without IncludeFields, a contract modifier) could tell two values
    // apart that the key would not. [JsonIgnore] is the way to say that a member does not change the result.
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "The trimmer keeps every member some code reads; members it removed hold no state a method could depend on, and seeing fewer members never refuses a contract that covers the rest.")]
    private static string FindContractProblem(JsonTypeInfo typeInfo)
    {
        var keyed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in typeInfo.Properties)
        {
            if (property.Get is not null)
            {
                keyed.Add(property.AttributeProvider is MemberInfo member ? member.Name : property.Name);
            }
        }

        if (keyed.Count == 0)
        {
            return "it has no public readable state (no public property with a getter, no public field), so every value " +
                   "would encode alike; state in non-public fields is not seen by the key.";
        }

        const BindingFlags Public = BindingFlags.Public | BindingFlags.Instance;
        foreach (var field in typeInfo.Type.GetFields(Public))
        {
            if (!keyed.Contains(field.Name) && !field.IsDefined(typeof(JsonIgnoreAttribute), inherit: true))
            {
                return $"its public field '{field.Name}' is not in the contract of the key serialiser options (set IncludeFields " +
                       "on them, or mark the field [JsonIgnore] if it does not change the result).";
            }
        }

        foreach (var property in typeInfo.Type.GetProperties(Public))
        {
            if (property.GetMethod is { IsPublic: true }
                && property.GetIndexParameters().Length == 0
                && !property.PropertyType.IsByRefLike
                && !property.PropertyType.IsPointer
                && !keyed.Contains(property.Name)
                && !property.IsDefined(typeof(JsonIgnoreAttribute), inherit: true))
            {
                return $"its public property '{property.Name}' is not in the contract of the key serialiser options (mark it " +
                       "[JsonIgnore] if it does not change the result).";
            }
        }

        return string.Empty;
    }

    // A type with a converter of its own (Uri, Version, a [JsonConverter] type): its JSON text is its canonical form.
    private void AddJson(object value, JsonTypeInfo typeInfo)
    {
        var type = value.GetType();
        byte[] json;
        try
        {
            json = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or JsonException)
        {
            throw UnsupportedKey(type, ex.Message, ex);
        }

        _writer.WriteByte((byte)CacheKeyTag.Json);
        _writer.WriteString(GetTypeName(type));
        _writer.WriteBytes(json);
    }

    private void Enter(Type type)
    {
        if (++_depth > MaxDepth)
        {
            throw UnsupportedKey(type, $"it nests more than {MaxDepth} levels deep; an object graph that refers to itself has no finite key.", null);
        }
    }

    // The run-time type as "Namespace.Type`1[Namespace.Argument], Assembly": no assembly version, so that a key
    // stays the same across builds and processes.
    private static string GetTypeName(Type type)
        => s_typeNames.GetOrAdd(type, static t => t.ToString() + ", " + t.Assembly.GetName().Name);

    // Dictionaries and collections have a JSON shape too, but a sequence of key values is cheaper and as exact;
    // only types whose JSON contract is an object (records, classes) are walked property by property.
    private readonly bool IsJsonObject(Type type)
        => _jsonOptions.TryGetTypeInfo(type, out var info) && info.Kind == JsonTypeInfoKind.Object;

    // Names the parameter and its method when the interceptor said which parameter is being added.
    private readonly NotSupportedException UnsupportedKey(Type type, string reason, Exception? inner)
    {
        var subject = _parameter is null
            ? $"A value of type '{type.FullName}'"
            : $"Parameter '{_parameter}' of '{_method.DisplayName}' (here a value of type '{type.FullName}')";
        return new($"{subject} cannot be part of a cache key: {reason} " +
                   "Mark the parameter [NotCacheKey] if it does not change the result, or pass a value with a stable serialised form " +
                   "that identifies it (an id, a path, a record of the settings).", inner);
    }
}
