using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;

namespace AgentCost.Tools.Tests;

/// <summary>
/// The model sees the same tool either way: every generated tool function has the name, description, parameter schema
/// and result schema <c>AIFunctionFactory.Create</c> gives the same method — byte for byte — and binds the same
/// arguments to the same values.
/// </summary>
public sealed class SchemaEquivalenceTests
{
    private static readonly SchemaSamples s_samples = new();

    public static TheoryData<string> Tools => [.. SchemaSamplesAgentTools.Create(s_samples).Select(f => f.Name)];

    [Theory]
    [MemberData(nameof(Tools))]
    public void Generated_tool_describes_itself_as_the_factory_does(string name)
    {
        var (generated, factory) = Pair(name, options: null);

        Assert.Equal(factory.Name, generated.Name);
        Assert.Equal(factory.Description, generated.Description);
        Assert.Equal(factory.JsonSchema.GetRawText(), generated.JsonSchema.GetRawText());
        Assert.True(JsonElement.DeepEquals(factory.JsonSchema, generated.JsonSchema));
        Assert.Equal(factory.ReturnJsonSchema?.GetRawText(), generated.ReturnJsonSchema?.GetRawText());
        Assert.Same(factory.JsonSerializerOptions, generated.JsonSerializerOptions);
    }

    [Theory]
    [MemberData(nameof(Tools))]
    public void Generated_tool_matches_the_factory_with_the_applications_serializer_options(string name)
    {
        var (generated, factory) = Pair(name, SampleJson.ApplicationOptions);

        Assert.True(
            JsonElement.DeepEquals(factory.JsonSchema, generated.JsonSchema),
            $"factory:   {factory.JsonSchema.GetRawText()}\ngenerated: {generated.JsonSchema.GetRawText()}");
        Assert.Equal(factory.ReturnJsonSchema?.GetRawText(), generated.ReturnJsonSchema?.GetRawText());
    }

    public static TheoryData<string, string> Calls => new()
    {
        { "Search", """{"query":"budget"}""" },
        { "Search", """{"query":"budget","limit":"3"}""" },
        { "FetchPage", """{"address":"https://example.com/a?b=c"}""" },
        { "rank", """{"priority":"high"}""" },
        { "rank", """{"priority":1,"fallback":"Low","preferred":null,"shade":"light-ish","other":null}""" },
        { "numbers_tool", """{"b":255,"sb":-128,"s":-3,"us":65535,"i":-7,"ui":7,"l":-9000000000,"ul":18446744073709551615,"f":1.5,"d":-2.25,"m":"19.90","flag":true,"c":"z"}""" },
        { "Defaults", "{}" },
        { "Defaults", """{"count":4,"note":"n","maybe":null,"label":"l"}""" },
        { "Times", """{"id":"0f8fad5b-d9cb-469f-a165-70867728950e","at":"2025-01-02T03:04:05Z","offset":"2025-01-02T03:04:05+02:00","day":"2025-01-02","time":"03:04:05","span":"1.02:03:04"}""" },
        { "Lists", """{"words":["a","b"],"numbers":[1,2],"priorities":["Low","high"],"loose":["x",null]}""" },
        { "Lists", """{"words":[],"numbers":[],"priorities":[],"loose":[],"optionalWords":["o"],"weights":[0.5],"gaps":[1,null]}""" },
        { "Records", """{"place":{"city":"Oslo","country":"NO"}}""" },
        { "Records", """{"place":{"city":"Oslo","country":"NO"},"alternative":{"city":"Bergen","country":"NO"},"window":{"from":1,"to":2}}""" },
        { "Nearby", """{"around":{"city":"Oslo","country":"NO"}}""" },
        { "Special", """{"topic":"t"}""" },
        { "Add", """{"left":2,"right":"3"}""" },
        { "Triage", """{"urgency":"Now","others":["Later"]}""" },
        { "Validated", """{"count":3,"ratio":1,"name":"ab","tags":["x"],"slug":"a-b"}""" },
        { "Find_Item_", """{"name":"abc"}""" },
        { "Find_Item_", """{"name":""}""" },
        { "Count", """{"text":"four"}""" },
        { "Forget", """{"key":"k"}""" },
        { "ForgetAll", "{}" },
        { "Tally", """{"counts":{"a":1,"b":2}}""" },
        { "Raw", """{"payload":{"any":[1,"two"]}}""" },
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Generated_tool_binds_and_marshals_as_the_factory_does(string name, string json)
    {
        var (generated, factory) = Pair(name, options: null);

        var expected = await factory.InvokeAsync(Arguments(json));
        var actual = await generated.InvokeAsync(Arguments(json));

        Assert.Equal(expected?.GetType(), actual?.GetType());
        Assert.Equal(Text(expected), Text(actual));
    }

    public static TheoryData<string, string, string> CallsWithOptions()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var options in s_options.Keys)
        {
            foreach (var (name, json) in new[]
            {
                ("Search", """{"query":"café <b> & \"q\"","limit":2}"""),
                ("rank", """{"priority":"high","shade":"light-ish"}"""),
                ("Records", """{"place":{"city":"Oslo","country":"NO"},"alternative":{"city":"Bergen","country":"NO"}}"""),
                ("Nearby", """{"around":{"city":"Oslo","country":"NO"},"count":2}"""),
                ("Tally", """{"counts":{"a":1,"b":2}}"""),
                ("Raw", """{"payload":{"any":[1,"two",{"x":null}]}}"""),
                ("Find_Item_", """{"name":"abc"}"""),
                ("Find_Item_", """{"name":""}"""),
                ("Count", """{"text":"four"}"""),
                ("Maybe", """{"give":true}"""),
                ("Maybe", """{"give":false}"""),
            })
            {
                data.Add(options, name, json);
            }
        }

        return data;
    }

    // Serializer options whose writer settings and contracts change the result's JSON.
    private static readonly Dictionary<string, JsonSerializerOptions> s_options = new()
    {
        ["application"] = SampleJson.ApplicationOptions,
        ["compact"] = new(SampleJson.ApplicationOptions) { WriteIndented = false },
        ["tabs"] = new(SampleJson.ApplicationOptions) { IndentCharacter = '\t', IndentSize = 1, NewLine = "\r\n" },
        ["strict encoder"] = new(SampleJson.ApplicationOptions) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Default },
        ["string converter"] = new(SampleJson.ApplicationOptions) { Converters = { new ShoutingStringConverter() } },
    };

    [Theory]
    [MemberData(nameof(CallsWithOptions))]
    public async Task Generated_tool_marshals_as_the_factory_does_with_other_serializer_options(string options, string name, string json)
    {
        var (generated, factory) = Pair(name, s_options[options]);

        var expected = await factory.InvokeAsync(Arguments(json));
        var actual = await generated.InvokeAsync(Arguments(json));

        Assert.Equal(expected?.GetType(), actual?.GetType());
        Assert.Equal(Text(expected), Text(actual));
    }

    [Fact]
    public async Task Results_marshalled_on_one_thread_do_not_share_a_buffer()
    {
        var (generated, _) = Pair("Search", options: null);

        // Held results stay intact however many results follow on the same thread.
        var first = Assert.IsType<JsonElement>(await generated.InvokeAsync(Arguments("""{"query":"first","limit":1}""")));
        var second = Assert.IsType<JsonElement>(await generated.InvokeAsync(Arguments("""{"query":"second, and longer","limit":2}""")));
        var large = Assert.IsType<JsonElement>(await generated.InvokeAsync(Arguments($$"""{"query":"{{new string('x', 100_000)}}","limit":3}""")));
        var third = Assert.IsType<JsonElement>(await generated.InvokeAsync(Arguments("""{"query":"third","limit":4}""")));

        Assert.Equal("first|1", first.GetString());
        Assert.Equal("second, and longer|2", second.GetString());
        Assert.Equal(new string('x', 100_000) + "|3", large.GetString());
        Assert.Equal("third|4", third.GetString());
    }

    [Fact]
    public async Task AI_content_results_are_returned_as_they_are()
    {
        var (generated, _) = Pair("Content", options: null);

        var result = await generated.InvokeAsync(Arguments("""{"text":"hello"}"""));

        Assert.Equal("hello", Assert.IsType<TextContent>(result).Text);
    }

    [Fact]
    public void Intercepted_factory_function_keeps_everything_the_model_sees()
    {
        var tools = new CachedTools();
        var intercepted = AIFunctionFactory.Create(tools.SearchAsync, description: "Searches.");
        var plain = AIFunctionFactory.Create(typeof(CachedTools).GetMethod(nameof(CachedTools.SearchAsync))!, tools, description: "Searches.");

        Assert.NotSame(plain.GetType(), intercepted.GetType());
        Assert.Equal(plain.Name, intercepted.Name);
        Assert.Equal(plain.Description, intercepted.Description);
        Assert.Equal(plain.JsonSchema.GetRawText(), intercepted.JsonSchema.GetRawText());
        Assert.Equal(plain.ReturnJsonSchema?.GetRawText(), intercepted.ReturnJsonSchema?.GetRawText());
        Assert.Equal(plain.UnderlyingMethod, intercepted.UnderlyingMethod);
    }

    internal static AIFunctionArguments Arguments(string json)
        => new(JsonSerializer.Deserialize<Dictionary<string, object?>>(json)!);

    private static string Text(object? value) => value switch
    {
        null => "null",
        JsonElement element => element.GetRawText(),
        _ => value.ToString()!,
    };

    private static (AIFunction Generated, AIFunction Factory) Pair(string name, JsonSerializerOptions? options)
    {
        var generated = SchemaSamplesAgentTools.Create(s_samples, options).Single(f => f.Name == name);
        foreach (var method in typeof(SchemaSamples).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
        {
            if (method.GetCustomAttribute<AgentToolAttribute>() is not { } tool)
            {
                continue;
            }

            var factory = AIFunctionFactory.Create(method, method.IsStatic ? null : s_samples, new AIFunctionFactoryOptions
            {
                Name = tool.Name,
                Description = tool.Description,
                SerializerOptions = options,
            });
            if (factory.Name == name)
            {
                return (generated, factory);
            }
        }

        throw new InvalidOperationException($"No [AgentTool] method is named '{name}'.");
    }
}

/// <summary>An application's own options: source-generated contracts for its records, camelCase, the web defaults.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(Place))]
[JsonSerializable(typeof(Range2))]
[JsonSerializable(typeof(IReadOnlyList<Place>))]
[JsonSerializable(typeof(Dictionary<string, int>))]
internal sealed partial class SampleJson : JsonSerializerContext
{
    public static JsonSerializerOptions ApplicationOptions { get; } = new(AIJsonUtilities.DefaultOptions)
    {
        TypeInfoResolver = JsonTypeInfoResolver.Combine(Default, AIJsonUtilities.DefaultOptions.TypeInfoResolver),
    };
}

/// <summary>Reads strings as they are and writes them in capitals: a contract the result's JSON must follow.</summary>
internal sealed class ShoutingStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetString();

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToUpperInvariant());
}
