using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;

namespace AgentCost.Tools.Tests;

public enum Priority
{
    Low,
    Normal,
    High,
}

// Declared out of value order, with a renamed member and a negative value: the schema lists members as the
// string enum converter does.
public enum Shade
{
    Dark = 5,
    [JsonStringEnumMemberName("light-ish")]
    Light = 1,
    Neutral = -1,
}

/// <summary>An enum whose type carries a description: the factory writes it, so its schema comes from the contract.</summary>
[Description("How urgent")]
public enum Urgency
{
    Later,
    Now,
}

public sealed record Place(string City, [property: Description("ISO country code")] string Country);

public sealed record Range2(int From, int To);

/// <summary>
/// One tool per parameter and result shape the generator supports. Each method echoes its arguments, so that the
/// generated function and AIFunctionFactory's can be compared on binding as well as on schema.
/// </summary>
public sealed class SchemaSamples
{
    [AgentTool]
    [Description("Searches for \"quoted\" text, <tags> & C++ in café.")]
    public string Search([Description("What to look for")] string query, int limit = 10) => $"{query}|{limit}";

    [AgentTool]
    public async Task<string> FetchPageAsync(Uri address, CancellationToken cancellationToken)
    {
        await Task.Yield();
        return address.ToString();
    }

    [AgentTool(Name = "rank", Description = "Ranks by priority.")]
    [Description("ignored: the attribute's description wins")]
    public string Rank(Priority priority, Priority? fallback = null, Priority preferred = Priority.High, Shade shade = Shade.Light, Shade? other = Shade.Neutral)
        => $"{priority}|{fallback}|{preferred}|{shade}|{other}";

    [AgentTool]
    [DisplayName("numbers_tool")]
    public string Numbers(byte b, sbyte sb, short s, ushort us, int i, uint ui, long l, ulong ul, float f, double d, decimal m, bool flag, char c)
        => FormattableString.Invariant($"{b}|{sb}|{s}|{us}|{i}|{ui}|{l}|{ul}|{f}|{d}|{m}|{flag}|{c}");

    [AgentTool]
    public string Defaults(
        int count = -3,
        long big = 9_000_000_000,
        double ratio = 0.1,
        float scale = 2.5f,
        decimal price = 19.90m,
        bool enabled = true,
        char mark = 'x',
        string label = "a \"b\" + <c>",
        string? note = null,
        int? maybe = 5,
        double huge = 1e20)
        => FormattableString.Invariant($"{count}|{big}|{ratio}|{scale}|{price}|{enabled}|{mark}|{label}|{note}|{maybe}|{huge}");

    [AgentTool]
    public string Times(Guid id, DateTime at, DateTimeOffset offset, DateOnly day, TimeOnly time, TimeSpan span, TimeSpan? wait = null, Guid? other = null)
        => FormattableString.Invariant($"{id}|{at:O}|{offset:O}|{day:O}|{time:O}|{span}|{wait}|{other}");

    [AgentTool]
    public string Lists(
        string[] words,
        List<int> numbers,
        IReadOnlyList<Priority> priorities,
        IEnumerable<string?> loose,
        string[]? optionalWords = null,
        IList<double>? weights = null,
        int?[]? gaps = null)
        => string.Join("|", string.Join(",", words), string.Join(",", numbers), string.Join(",", priorities), string.Join(",", loose),
            optionalWords is null ? "-" : string.Join(",", optionalWords), weights is null ? "-" : string.Join(",", weights), gaps is null ? "-" : string.Join(",", gaps));

    [AgentTool]
    public Place Records(Place place, Place? alternative = null, Range2? window = null) => alternative ?? place;

    [AgentTool]
    public IReadOnlyList<Place> Nearby(Place around, [Description("How many")] int count = 2) => Enumerable.Repeat(around, count).ToList();

    [AgentTool]
    public string Special(AIFunctionArguments arguments, string topic, IServiceProvider? services = null, CancellationToken cancellationToken = default)
        => $"{topic}|{arguments.Count}|{services is null}";

    [AgentTool]
    public static int Add(int left, int right) => left + right;

    [AgentTool]
    public string Triage(Urgency urgency, Urgency[] others, [Description("Overrides the type's")] Urgency fallback = Urgency.Later)
        => $"{urgency}|{string.Join(",", others)}|{fallback}";

    [AgentTool]
    public string Validated(
        [Range(1, 10)] int count,
        [Range(0.5, 2.5, MinimumIsExclusive = true)] double ratio,
        [StringLength(20, MinimumLength = 2)] string name,
        [MinLength(1), MaxLength(3)] string[] tags,
        [RegularExpression("^[a-z]+(-[a-z]+)*$")] string slug,
        [EmailAddress] string? email = null,
        [Url] string? site = null,
        [Length(2, 4)] List<int>? codes = null,
        [Range(0, 100, MaximumIsExclusive = true)] int? percent = 50)
        => $"{count}|{ratio}|{name}|{string.Join(",", tags)}|{slug}|{email}|{site}|{percent}";

    [AgentTool]
    public ValueTask<long?> Find_Item_Async(string name) => new(name.Length == 0 ? null : name.Length);

    [AgentTool]
    [return: Description("The number of characters")]
    public int Count(string text) => text.Length;

    [AgentTool]
    public void Forget(string key)
    {
    }

    [AgentTool]
    public Task ForgetAllAsync() => Task.CompletedTask;

    [AgentTool]
    public Dictionary<string, int> Tally(Dictionary<string, int> counts, [Required] string? unit = null) => counts;

    [AgentTool]
    public TextContent Content(string text) => new(text);

    [AgentTool]
    public JsonElement Raw(JsonElement payload) => payload;

    [AgentTool]
    public string? Maybe(bool give) => give ? "given <café> & \"more\"" : null;
}
