using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using AgentCost.Caching;
using AgentCost.Interception;

namespace AgentCost.Tests;

/// <summary>A class one of whose getters throws.</summary>
public sealed class Fragile
{
    public string Name { get; set; } = "f";

    public int Size => throw new InvalidOperationException("not loaded");
}

/// <summary>A public field marked as not changing the result.</summary>
public sealed class WithIgnoredField
{
    public int Kept;

    [JsonIgnore]
    public int Ignored;
}

/// <summary>
/// Arguments that cannot be part of a key are refused with an error that names the parameter, its method and the
/// value's type, says why, and points at [NotCacheKey]; the method does not run.
/// </summary>
public class CacheKeyRefusalTests
{
    private static readonly AgentMethod Summarise = new(
        "Sample.Tools", "Summarise", ["object", "string"], ["document", "style"], new CachePolicy());

    public static TheoryData<string, Func<object>, string> NotData() => new()
    {
        { "stream", () => new MemoryStream([1, 2, 3]), "stream" },
        { "reader", () => new StringReader("text"), "stream, reader or writer" },
        { "writer", () => new StringWriter(), "stream, reader or writer" },
        { "delegate", () => new Func<int>(() => 1), "delegate" },
        { "task", () => Task.FromResult(1), "work in progress" },
        { "value task", () => new ValueTask<int>(1), "work in progress" },
        { "enumerator", () => new List<int> { 1 }.GetEnumerator(), "work in progress" },
        { "async enumerable", () => Numbers(), "work in progress" },
        { "type", () => typeof(string), "reflection object" },
        { "method", () => typeof(string).GetMethod(nameof(string.Trim), Type.EmptyTypes)!, "reflection object" },
        { "native integer", () => (nint)42, "address" },
        { "native unsigned integer", () => (nuint)42, "address" },
        { "cancellation source", () => new CancellationTokenSource(), "service or a resource" },
        { "wait handle", () => new ManualResetEvent(false), "service or a resource" },
        { "http client", () => new HttpClient(), "service or a resource" },
        { "getter that throws", () => new Fragile(), "reading its property 'Size' threw InvalidOperationException" },
        { "no public state", () => new OpaqueClient("https://example.invalid"), "no public readable state" },
    };

    [Theory]
    [MemberData(nameof(NotData))]
    public void A_value_that_is_not_data_is_refused_naming_the_parameter_and_its_type(string name, Func<object> create, string reason)
    {
        _ = name;
        using var test = new TestRuntime();
        var value = create();
        var runs = 0;

        var error = Assert.Throws<NotSupportedException>(() => AgentMethodInvoker.Invoke(
            Summarise,
            (value, "short"),
            static (ref CacheKeyBuilder key, in (object, string) args) =>
            {
                key.Add(args.Item1, "document");
                key.Add(args.Item2, "style");
            },
            _ => ++runs));

        Assert.StartsWith($"Parameter 'document' of 'Sample.Tools.Summarise' (here a value of type '{value.GetType().FullName}') cannot be part of a cache key: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains("[NotCacheKey]", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, runs);
        (value as IDisposable)?.Dispose();
    }

    [Fact]
    public void A_nested_value_that_is_not_data_names_the_parameter_that_holds_it()
    {
        var error = Assert.Throws<NotSupportedException>(() => Keys.Of(
            (ref CacheKeyBuilder key) => key.Add(new object[] { "a", new MemoryStream() }, "inputs"),
            Summarise));
        Assert.StartsWith("Parameter 'inputs' of 'Sample.Tools.Summarise' (here a value of type 'System.IO.MemoryStream')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Key_options_that_leave_out_a_public_field_refuse_the_type()
    {
        var withoutFields = new JsonSerializerOptions { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        var error = Assert.Throws<NotSupportedException>(
            () => Keys.Of((ref CacheKeyBuilder key) => key.Add(new FieldPoint { X = 1, Y = 2 }), json: withoutFields));
        Assert.Contains("public field 'X'", error.Message, StringComparison.Ordinal);
        Assert.Contains("IncludeFields", error.Message, StringComparison.Ordinal);

        var withFields = new JsonSerializerOptions { TypeInfoResolver = new DefaultJsonTypeInfoResolver(), IncludeFields = true };
        Assert.Equal(
            Keys.Of(new FieldPoint { X = 1, Y = 2 }),
            Keys.Of((ref CacheKeyBuilder key) => key.Add(new FieldPoint { X = 1, Y = 2 }), json: withFields));
    }

    [Fact]
    public void A_contract_modifier_that_drops_a_public_property_refuses_the_type()
    {
        var resolver = new DefaultJsonTypeInfoResolver();
        resolver.Modifiers.Add(static info =>
        {
            if (info.Type == typeof(SearchQuery))
            {
                var limit = info.Properties.Single(property => property.Name == "Limit");
                info.Properties.Remove(limit);
            }
        });
        var error = Assert.Throws<NotSupportedException>(() => Keys.Of(
            (ref CacheKeyBuilder key) => key.Add(new SearchQuery("q", 1, [])),
            json: new JsonSerializerOptions { TypeInfoResolver = resolver }));
        Assert.Contains("public property 'Limit'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_public_field_marked_JsonIgnore_is_left_out_on_purpose()
    {
        Assert.Equal(Keys.Of(new WithIgnoredField { Kept = 1, Ignored = 1 }), Keys.Of(new WithIgnoredField { Kept = 1, Ignored = 2 }));
        Assert.NotEqual(Keys.Of(new WithIgnoredField { Kept = 1 }), Keys.Of(new WithIgnoredField { Kept = 2 }));
    }

    [Fact]
    public void Value_tuples_are_keyed_by_their_elements()
    {
        Assert.Equal(Keys.Of((1, "a")), Keys.Of((1, "a")));
        Assert.NotEqual(Keys.Of((1, "a")), Keys.Of((1, "b")));
        Assert.NotEqual(Keys.Of((1, "a")), Keys.Of((1L, "a")));
        Assert.NotEqual(Keys.Of((1, (2, 3))), Keys.Of((1, (3, 2))));
    }

    private static async IAsyncEnumerable<int> Numbers()
    {
        await Task.Yield();
        yield return 1;
    }
}
