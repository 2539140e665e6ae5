using System.Text.Json;
using System.Text.Json.Serialization;
using AgentCost.Caching;
using AgentCost.Hosting;
using AgentCost.Interception;

namespace AgentCost.Tests;

/// <summary>What a trimmed or native AOT application passes: a source-generated contract for its key types.</summary>
[JsonSerializable(typeof(SearchQuery))]
[JsonSerializable(typeof(Drawing))]
[JsonSerializable(typeof(Circle))]
internal sealed partial class KeyContext : JsonSerializerContext;

public class KeySerializerOptionsTests
{
    [Fact]
    public void A_source_generated_contract_gives_the_same_keys_as_reflection()
    {
        var generated = KeyContext.Default.Options;
        var query = new SearchQuery("q", 3, ["web"]);
        Assert.Equal(Keys.Of(query), Keys.Of((ref CacheKeyBuilder key) => key.Add(query), json: generated));

        var drawing = new Drawing(new Circle("c"));
        Assert.Equal(Keys.Of(drawing), Keys.Of((ref CacheKeyBuilder key) => key.Add(drawing), json: generated));
    }

    [Fact]
    public void A_type_missing_from_the_contract_is_rejected_with_its_name()
    {
        var generated = KeyContext.Default.Options;
        var error = Assert.Throws<NotSupportedException>(
            () => Keys.Of((ref CacheKeyBuilder key) => key.Add(new Point(1, 2)), json: generated));
        Assert.Contains(typeof(Point).FullName!, error.Message, StringComparison.Ordinal);

        // A derived type held by a base-typed property must be in the contract too: silently dropping it would
        // let different arguments share a key.
        error = Assert.Throws<NotSupportedException>(
            () => Keys.Of((ref CacheKeyBuilder key) => key.Add(new Drawing(new Square("s"))), json: generated));
        Assert.Contains(typeof(Square).FullName!, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_runtime_uses_the_key_serializer_options_it_was_given()
    {
        using var runtime = AgentCostRuntime.Create(keySerializerOptions: KeyContext.Default.Options);
        using var scope = AgentCostRuntime.Use(runtime);
        var method = new AgentMethod("Sample.Tools", "Locate", ["AgentCost.Tests.Point"], ["point"], new CachePolicy());
        var runs = 0;

        var error = Assert.Throws<NotSupportedException>(() => AgentMethodInvoker.Invoke(
            method,
            new ValueTuple<Point>(new Point(1, 2)),
            static (ref CacheKeyBuilder key, in ValueTuple<Point> args) => key.Add(args.Item1),
            _ => ++runs));

        Assert.Contains("cannot be part of a cache key", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, runs);
    }

    [Fact]
    public void Long_and_non_ascii_strings_grow_the_buffer_without_losing_boundaries()
    {
        var longText = string.Concat(Enumerable.Repeat("agent 🧠 coût ", 2_000));
        Assert.Equal(Keys.Of(longText), Keys.Of(new string(longText.AsSpan())));
        Assert.NotEqual(Keys.Of(longText), Keys.Of(longText + " "));
        Assert.NotEqual(Keys.Of(longText, "x"), Keys.Of(longText + "x", ""));

        var many = Enumerable.Range(0, 5_000).ToArray();
        Assert.Equal(Keys.Of(many), Keys.Of(many.ToList()));
        Assert.NotEqual(Keys.Of(many), Keys.Of(many[..^1]));
    }

    [Fact]
    public void Property_names_from_the_contract_are_part_of_the_key()
    {
        var camel = new JsonSerializerOptions { TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(), PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
        var query = new SearchQuery("q", 3, ["web"]);
        Assert.NotEqual(Keys.Of(query), Keys.Of((ref CacheKeyBuilder key) => key.Add(query), json: camel));
        Assert.Equal(
            Keys.Of((ref CacheKeyBuilder key) => key.Add(query), json: camel),
            Keys.Of((ref CacheKeyBuilder key) => key.Add(query with { Sources = ["web"] }), json: camel));
    }
}
