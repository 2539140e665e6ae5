using System.Text.Json.Serialization;
using AgentCost.Caching;
using AgentCost.Interception;

namespace AgentCost.Tests;

public enum Color
{
    Red = 1,
    Green = 2,
}

public enum Size
{
    Small = 1,
    Large = 2,
}

[Flags]
public enum Wide : ulong
{
    None = 0,
    Top = 1UL << 63,
}

public sealed record SearchQuery(string Text, int Limit, string[] Sources);

public abstract record Shape(string Name);

public sealed record Circle(string Name) : Shape(Name);

public sealed record Square(string Name) : Shape(Name);

/// <summary>A record whose property is declared as the base type: the run-time type of the value must count.</summary>
public sealed record Drawing(Shape Shape);

public sealed record Canvas(IReadOnlyList<Shape> Shapes);

public readonly record struct Point(int X, int Y);

/// <summary>State only in fields: every instance would serialise to <c>{}</c>.</summary>
public sealed class OpaqueClient(string endpoint)
{
    public override string ToString() => endpoint;
}

public sealed class WithIgnored
{
    public string Visible { get; set; } = "";

    [JsonIgnore]
    public string Hidden { get; set; } = "";
}

public sealed class Node
{
    public Node? Next { get; set; }
}

public class CacheKeyBuilderTests
{
    // Golden keys: computed once and committed. A change to the canonical encoding (tags, widths, byte order,
    // identity layout) changes them and fails these tests — bump CacheKeyBuilder.EncodingVersion and update them.
    private const string GoldenSearchKey = "agentcost:8bda46540ba9663fdb6f7b9a3cff881a1a57f21ef8b690ab52ee96eb9300774b";
    private const string GoldenAllTypesKey = "agentcost:4ae97c6dc14dabbbf62758d2cdbe3aec476ee9a56c72d91036c368b0c0facdaf";

    private static readonly AgentMethod SearchMethod = new(
        "Sample.Tools", "SearchAsync",
        ["string", "int", "System.Threading.CancellationToken"],
        ["query", "limit", "cancellationToken"],
        new CachePolicy(ttlSeconds: 60, version: 1));

    [Fact]
    public void Key_is_a_prefixed_lowercase_sha256()
    {
        var key = Keys.Of("hello");
        Assert.StartsWith("agentcost:", key, StringComparison.Ordinal);
        Assert.Matches("^agentcost:[0-9a-f]{64}$", key);
    }

    [Fact]
    public void Golden_key_for_a_fixed_method_and_arguments()
    {
        var key = Keys.Of(
            (ref CacheKeyBuilder k) =>
            {
                k.Add("hello world");
                k.Add(3);
            },
            SearchMethod);
        Assert.Equal(GoldenSearchKey, key);
    }

    [Fact]
    public void Golden_key_over_every_supported_type()
    {
        Assert.Equal(GoldenAllTypesKey, Keys.Of(WriteEverySupportedValue));
    }

    [Fact]
    public void Encoding_starts_with_a_versioned_header_and_names_types_without_assembly_versions()
    {
        var bytes = Keys.Bytes((ref CacheKeyBuilder key) => key.Add(new Drawing(new Circle("c"))));
        Assert.Equal((byte)'A', bytes[0]);
        Assert.Equal((byte)'C', bytes[1]);
        Assert.Equal(CacheKeyBuilder.EncodingVersion, bytes[2]);

        var text = System.Text.Encoding.UTF8.GetString(bytes);
        Assert.Contains("AgentCost.Tests.Circle, AgentCost.Tests", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Version=", text, StringComparison.Ordinal);
        Assert.DoesNotContain("PublicKeyToken", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Equal_arguments_in_fresh_builders_give_equal_keys()
    {
        Assert.Equal(Keys.Of(WriteEverySupportedValue), Keys.Of(WriteEverySupportedValue));
        Assert.Equal(
            Keys.Of(new SearchQuery("q", 5, ["web", "docs"])),
            Keys.Of(new SearchQuery("q", 5, ["web", "docs"])));
    }

    [Fact]
    public void Key_does_not_depend_on_the_current_culture()
    {
        var before = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("en-US");
            var us = Keys.Of(WriteEverySupportedValue);
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("tr-TR");
            var tr = Keys.Of(WriteEverySupportedValue);
            Assert.Equal(us, tr);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = before;
        }
    }

    [Fact]
    public void Argument_boundaries_are_part_of_the_key()
        => Assert.NotEqual(Keys.Of("a", "bc"), Keys.Of("ab", "c"));

    [Fact]
    public void Null_and_empty_string_differ()
        => Assert.NotEqual(Keys.Of<string?>(null), Keys.Of(""));

    [Fact]
    public void Same_number_in_different_integer_types_differs()
    {
        Assert.NotEqual(Keys.Of(1), Keys.Of(1L));
        Assert.NotEqual(Keys.Of(1), Keys.Of((short)1));
        Assert.NotEqual(Keys.Of(1), Keys.Of(1u));
        Assert.NotEqual(Keys.Of(1L), Keys.Of(1UL));
        Assert.NotEqual(Keys.Of(1.0), Keys.Of(1.0f));
        Assert.NotEqual(Keys.Of(1), Keys.Of(1.0));
        Assert.NotEqual(Keys.Of(1), Keys.Of(true));
        Assert.NotEqual(Keys.Of(65), Keys.Of('A'));
    }

    [Fact]
    public void Static_type_does_not_change_the_key_of_a_value()
    {
        // The generic fast path (Add<int>) and the boxed path (Add<object>) encode the same value identically.
        Assert.Equal(Keys.Of(42), Keys.Of<object>(42));
        Assert.Equal(Keys.Of(42L), Keys.Of<object>(42L));
        Assert.Equal(Keys.Of(true), Keys.Of<object>(true));
        Assert.Equal(Keys.Of(0.5), Keys.Of<object>(0.5));
        Assert.Equal(Keys.Of("x"), Keys.Of<object>("x"));
        var id = Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff");
        Assert.Equal(Keys.Of(id), Keys.Of<object>(id));

        // A nullable with a value encodes as the value; the parameter type is already part of the method identity.
        Assert.Equal(Keys.Of(7), Keys.Of<int?>(7));
    }

    [Fact]
    public void Enums_of_different_types_with_the_same_number_differ()
    {
        Assert.NotEqual(Keys.Of(Color.Red), Keys.Of(Size.Small));
        Assert.NotEqual(Keys.Of(Color.Red), Keys.Of(1));
        Assert.NotEqual(Keys.Of(Color.Red), Keys.Of(Color.Green));
        Assert.Equal(Keys.Of(Color.Red), Keys.Of<Enum>(Color.Red));
        Assert.NotEqual(Keys.Of(Wide.Top), Keys.Of(Wide.None));
    }

    [Fact]
    public void Nullable_null_and_zero_differ()
        => Assert.NotEqual(Keys.Of<int?>(null), Keys.Of<int?>(0));

    [Fact]
    public void Sequence_boundaries_are_part_of_the_key()
    {
        Assert.NotEqual(Keys.Of(new[] { 1, 2 }, new[] { 3 }), Keys.Of(new[] { 1 }, new[] { 2, 3 }));
        Assert.NotEqual(Keys.Of(Array.Empty<int>(), new[] { 1 }), Keys.Of(new[] { 1 }, Array.Empty<int>()));
        Assert.NotEqual(Keys.Of(new[] { "a", "b" }), Keys.Of(new[] { "ab" }));
        Assert.NotEqual(Keys.Of(new[] { new[] { 1 }, new[] { 2 } }), Keys.Of(new[] { new[] { 1, 2 } }));
        Assert.NotEqual(Keys.Of<int[]?>(null), Keys.Of(Array.Empty<int>()));
        Assert.NotEqual(Keys.Of(new byte[] { 1, 2 }, new byte[] { 3 }), Keys.Of(new byte[] { 1 }, new byte[] { 2, 3 }));
    }

    [Fact]
    public void Sequences_are_keyed_by_their_items_not_their_collection_type()
    {
        // Documented behaviour: any IEnumerable is written as its items, so a List<int> and an int[] with the same
        // values share a key (the declared parameter type, part of the method identity, tells overloads apart).
        Assert.Equal(Keys.Of(new List<int> { 1, 2, 3 }), Keys.Of(new[] { 1, 2, 3 }));
        Assert.Equal(Keys.Of<IEnumerable<int>>(Enumerable.Range(1, 3)), Keys.Of(new[] { 1, 2, 3 }));
        Assert.NotEqual(Keys.Of(new List<int> { 1, 2, 3 }), Keys.Of(new List<int> { 3, 2, 1 }));

        // byte[] has its own compact encoding, distinct from a sequence of bytes.
        Assert.NotEqual(Keys.Of(new byte[] { 1, 2 }), Keys.Of(new List<byte> { 1, 2 }));
    }

    [Fact]
    public void Dictionaries_are_keyed_by_their_entries()
    {
        var a = new Dictionary<string, int> { ["x"] = 1, ["y"] = 2 };
        var b = new Dictionary<string, int> { ["x"] = 1, ["y"] = 2 };
        var c = new Dictionary<string, int> { ["x"] = 1, ["y"] = 3 };
        Assert.Equal(Keys.Of(a), Keys.Of(b));
        Assert.NotEqual(Keys.Of(a), Keys.Of(c));
    }

    [Fact]
    public void Records_with_different_property_values_differ()
    {
        var query = new SearchQuery("agents", 10, ["web"]);
        Assert.Equal(Keys.Of(query), Keys.Of(query with { Sources = ["web"] }));
        Assert.NotEqual(Keys.Of(query), Keys.Of(query with { Text = "agent" }));
        Assert.NotEqual(Keys.Of(query), Keys.Of(query with { Limit = 11 }));
        Assert.NotEqual(Keys.Of(query), Keys.Of(query with { Sources = ["web", "docs"] }));
        Assert.NotEqual(Keys.Of(new Point(1, 2)), Keys.Of(new Point(2, 1)));
    }

    [Fact]
    public void Derived_records_with_the_same_shared_properties_differ()
    {
        Assert.NotEqual(Keys.Of<Shape>(new Circle("unit")), Keys.Of<Shape>(new Square("unit")));
        Assert.Equal(Keys.Of<Shape>(new Circle("unit")), Keys.Of(new Circle("unit")));
    }

    [Fact]
    public void Derived_records_nested_in_a_property_of_the_base_type_differ()
    {
        Assert.NotEqual(Keys.Of(new Drawing(new Circle("unit"))), Keys.Of(new Drawing(new Square("unit"))));
        Assert.NotEqual(
            Keys.Of(new Canvas([new Circle("a"), new Square("b")])),
            Keys.Of(new Canvas([new Square("a"), new Circle("b")])));
        Assert.Equal(Keys.Of(new Drawing(new Circle("unit"))), Keys.Of(new Drawing(new Circle("unit"))));
    }

    [Fact]
    public void Json_ignored_properties_are_not_part_of_the_key()
    {
        Assert.Equal(
            Keys.Of(new WithIgnored { Visible = "v", Hidden = "1" }),
            Keys.Of(new WithIgnored { Visible = "v", Hidden = "2" }));
        Assert.NotEqual(
            Keys.Of(new WithIgnored { Visible = "v" }),
            Keys.Of(new WithIgnored { Visible = "w" }));
    }

    [Fact]
    public void DateTime_kind_is_part_of_the_key()
    {
        var ticks = new DateTime(2025, 6, 1, 12, 0, 0).Ticks;
        var utc = new DateTime(ticks, DateTimeKind.Utc);
        var local = new DateTime(ticks, DateTimeKind.Local);
        var unspecified = new DateTime(ticks, DateTimeKind.Unspecified);
        Assert.NotEqual(Keys.Of(utc), Keys.Of(local));
        Assert.NotEqual(Keys.Of(utc), Keys.Of(unspecified));
        Assert.NotEqual(Keys.Of(local), Keys.Of(unspecified));
    }

    [Fact]
    public void DateTimeOffset_offset_is_part_of_the_key()
    {
        var utc = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
        Assert.NotEqual(Keys.Of(utc), Keys.Of(utc.ToOffset(TimeSpan.FromHours(2))));
    }

    [Fact]
    public void Decimal_scale_is_part_of_the_key()
    {
        // Documented behaviour: decimals are keyed by their exact representation, and 1.0m and 1.00m format
        // differently ("1.0" and "1.00"), so a method may return different results for them.
        Assert.NotEqual(Keys.Of(1.0m), Keys.Of(1.00m));
        Assert.Equal(Keys.Of(1.0m), Keys.Of(decimal.Parse("1.0", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Doubles_are_keyed_by_their_bits()
    {
        Assert.NotEqual(Keys.Of(0.0), Keys.Of(-0.0));
        Assert.Equal(Keys.Of(double.NaN), Keys.Of(double.NaN));
        Assert.NotEqual(Keys.Of(0.1 + 0.2), Keys.Of(0.3));
    }

    [Fact]
    public void Strings_are_compared_ordinally()
    {
        Assert.NotEqual(Keys.Of("é"), Keys.Of("e\u0301"));
        Assert.NotEqual(Keys.Of("A"), Keys.Of("a"));
        Assert.NotEqual(Keys.Of("\0"), Keys.Of(""));
    }

    [Fact]
    public void Method_identity_is_part_of_the_key()
    {
        static AgentMethod M(string type = "Sample.Tools", string name = "Run", string parameterType = "string", int version = 0, string parameterName = "value", int ttl = 0)
            => new(type, name, [parameterType], [parameterName], new CachePolicy(ttl, version));

        static string K(AgentMethod method) => Keys.Of((ref CacheKeyBuilder key) => key.Add("same"), method);

        var baseline = K(M());
        Assert.Equal(baseline, K(M()));
        Assert.NotEqual(baseline, K(M(type: "Sample.OtherTools")));
        Assert.NotEqual(baseline, K(M(name: "Run2")));
        Assert.NotEqual(baseline, K(M(name: "Run<int>")));
        Assert.NotEqual(baseline, K(M(parameterType: "object")));
        Assert.NotEqual(baseline, K(M(version: 1)));

        // Neither the parameter names nor the time to live identify the cached value.
        Assert.Equal(baseline, K(M(parameterName: "text")));
        Assert.Equal(baseline, K(M(ttl: 30)));

        // Field boundaries inside the identity are unambiguous.
        Assert.NotEqual(K(M(type: "Sample.A", name: "BC")), K(M(type: "Sample.AB", name: "C")));
        Assert.NotEqual(
            Keys.Of(static (ref CacheKeyBuilder _) => { }, new AgentMethod("T", "M", ["a", "b"], ["x", "y"], new CachePolicy())),
            Keys.Of(static (ref CacheKeyBuilder _) => { }, new AgentMethod("T", "M", ["ab"], ["x"], new CachePolicy())));
    }

    [Fact]
    public void A_method_with_no_key_arguments_is_keyed_by_its_identity()
    {
        var a = new AgentMethod("Sample.Tools", "Now", [], [], new CachePolicy());
        var b = new AgentMethod("Sample.Tools", "Today", [], [], new CachePolicy());
        Assert.Equal(Keys.Of(static (ref CacheKeyBuilder _) => { }, a), Keys.Of(static (ref CacheKeyBuilder _) => { }, a));
        Assert.NotEqual(Keys.Of(static (ref CacheKeyBuilder _) => { }, a), Keys.Of(static (ref CacheKeyBuilder _) => { }, b));
    }

    [Fact]
    public void A_class_with_no_serialisable_properties_is_rejected_with_a_clear_message()
    {
        var error = Assert.Throws<NotSupportedException>(() => Keys.Of(new OpaqueClient("https://example.invalid")));
        Assert.Contains(typeof(OpaqueClient).FullName!, error.Message, StringComparison.Ordinal);
        Assert.Contains("no public readable state", error.Message, StringComparison.Ordinal);
        Assert.Contains("[NotCacheKey]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Types_without_a_stable_form_are_rejected_with_a_clear_message()
    {
        var type = Assert.Throws<NotSupportedException>(() => Keys.Of(typeof(string)));
        Assert.Contains("cannot be part of a cache key", type.Message, StringComparison.Ordinal);

        Func<int> callback = () => 1;
        var @delegate = Assert.Throws<NotSupportedException>(() => Keys.Of(callback));
        Assert.Contains("cannot be part of a cache key", @delegate.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_nested_class_with_no_serialisable_properties_is_rejected()
    {
        var error = Assert.Throws<NotSupportedException>(() => Keys.Of(new[] { new OpaqueClient("a") }));
        Assert.Contains(typeof(OpaqueClient).FullName!, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_self_referencing_object_graph_is_rejected_not_overflowed()
    {
        var node = new Node();
        node.Next = node;
        var error = Assert.Throws<NotSupportedException>(() => Keys.Of(node));
        Assert.Contains("cannot be part of a cache key", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<object?, object?> SupportedValues() => new()
    {
        // A value, an equal value built separately, and (third in the pair's second slot) a different value of the type
        { "text", "other" },
        { true, false },
        { 'x', 'y' },
        { (sbyte)-1, (sbyte)1 },
        { (byte)1, (byte)2 },
        { (short)-1, (short)1 },
        { (ushort)1, (ushort)2 },
        { -1, 1 },
        { 1u, 2u },
        { -1L, 1L },
        { ulong.MaxValue, 1UL },
        { 1.5f, 2.5f },
        { 1.5, 2.5 },
        { 1.5m, 2.5m },
        { Color.Red, Color.Green },
        { Wide.Top, Wide.None },
        { Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff"), Guid.Empty },
        { new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc), new DateTime(2025, 1, 2, 3, 4, 6, DateTimeKind.Utc) },
        { new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.FromHours(1)), new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero) },
        { TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(6) },
        { new DateOnly(2025, 1, 2), new DateOnly(2025, 1, 3) },
        { new TimeOnly(3, 4, 5), new TimeOnly(3, 4, 6) },
        { new byte[] { 1, 2, 3 }, new byte[] { 1, 2 } },
        { new[] { 1, 2, 3 }, new[] { 1, 2 } },
        { new[] { "a", null }, new[] { "a", "" } },
        { new List<string> { "a", "b" }, new List<string> { "b", "a" } },
        { new int?[] { 1, null }, new int?[] { 1, 0 } },
        { new Dictionary<string, double> { ["a"] = 1 }, new Dictionary<string, double> { ["a"] = 2 } },
        { new HashSet<Color> { Color.Red }, new HashSet<Color> { Color.Green } },
        { new SearchQuery("q", 1, ["s"]), new SearchQuery("q", 1, ["t"]) },
        { new Point(1, 2), new Point(1, 3) },
        { new Drawing(new Circle("c")), new Drawing(new Circle("d")) },
        { new Uri("https://example.invalid/a"), new Uri("https://example.invalid/b") },
    };

    [Theory]
    [MemberData(nameof(SupportedValues))]
    public void Every_supported_type_gives_a_stable_distinct_key(object? value, object? different)
    {
        var copy = Clone(value);
        Assert.Equal(Keys.Of(value), Keys.Of(copy));
        Assert.NotEqual(Keys.Of(value), Keys.Of(different));
    }

    [Theory]
    [MemberData(nameof(SupportedValues))]
    public void Every_supported_type_caches_through_the_entry_point(object? value, object? different)
    {
        _ = different;
        using var test = new TestRuntime();
        var method = new AgentMethod("Sample.Tools", "Describe", ["object"], ["value"], new CachePolicy());
        var runs = 0;
        string Call(object? argument) => AgentMethodInvoker.Invoke(
            method,
            new ValueTuple<object?>(argument),
            static (ref CacheKeyBuilder key, in ValueTuple<object?> args) => key.Add(args.Item1),
            args =>
            {
                runs++;
                return "described " + args.Item1;
            });

        var first = Call(value);
        var second = Call(Clone(value));
        Assert.Equal(first, second);
        Assert.Equal(1, runs);
    }

    // Deep copies the values of the theory data so that equal keys are not just reference equality.
    private static object? Clone(object? value) => value switch
    {
        string s => new string(s.AsSpan()),
        byte[] bytes => bytes.ToArray(),
        int[] ints => ints.ToArray(),
        string?[] strings => strings.ToArray(),
        int?[] nullables => nullables.ToArray(),
        List<string> list => list.ToList(),
        Dictionary<string, double> map => new Dictionary<string, double>(map),
        HashSet<Color> set => new HashSet<Color>(set),
        SearchQuery query => query with { Sources = query.Sources.ToArray() },
        Drawing drawing => new Drawing(new Circle(drawing.Shape.Name)),
        Uri uri => new Uri(uri.OriginalString),
        _ => value,
    };

    private static void WriteEverySupportedValue(ref CacheKeyBuilder key)
    {
        key.Add("text");
        key.Add<string?>(null);
        key.Add(true);
        key.Add('x');
        key.Add((sbyte)-1);
        key.Add((byte)1);
        key.Add((short)-1);
        key.Add((ushort)1);
        key.Add(-1);
        key.Add(1u);
        key.Add(-1L);
        key.Add(ulong.MaxValue);
        key.Add(1.5f);
        key.Add(1.5);
        key.Add(1.50m);
        key.Add(Color.Green);
        key.Add(Wide.Top);
        key.Add(Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff"));
        key.Add(new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc));
        key.Add(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.FromHours(1)));
        key.Add(TimeSpan.FromMinutes(5));
        key.Add(new DateOnly(2025, 1, 2));
        key.Add(new TimeOnly(3, 4, 5));
        key.Add<int?>(null);
        key.Add<int?>(7);
        key.Add(new byte[] { 1, 2, 3 });
        key.Add(new[] { 1, 2, 3 });
        key.Add(new List<string?> { "a", null });
        key.Add(new Dictionary<string, int> { ["k"] = 1 });
        key.Add(new SearchQuery("q", 1, ["s"]));
        key.Add(new Point(1, 2));
        key.Add(new Drawing(new Circle("c")));
    }
}
