using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using AgentCost;

namespace ToolsAot;

public enum Cabin
{
    Economy,
    Business,
}

/// <summary>A record argument: bound through the application's JsonSerializerContext, never through reflection.</summary>
public sealed record Trip(string From, string To, [property: Description("Travel date, yyyy-MM-dd")] DateOnly Date);

public sealed record Quote(string Route, decimal Price, Cabin Cabin);

/// <summary>Tools with AgentCost policies; the generator writes <c>TravelToolsAgentTools.Create</c>.</summary>
public sealed class TravelTools
{
    private int _quotes;

    public int QuotesComputed => Volatile.Read(ref _quotes);

    [AgentTool(Description = "Quotes the fare of a trip.")]
    [Cached(TtlSeconds = 600)]
    public async Task<string> QuoteAsync(Trip trip, Cabin cabin = Cabin.Economy, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _quotes);
        await Task.Yield();
        var price = (trip.From.Length + trip.To.Length) * (cabin == Cabin.Business ? 40m : 10m);
        return $"{trip.From}-{trip.To} on {trip.Date:yyyy-MM-dd} in {cabin}: {price} EUR";
    }

    [AgentTool]
    [Description("Lists the cabins on offer.")]
    public Cabin[] Cabins(int passengers = 1) => passengers > 4 ? [Cabin.Economy] : [Cabin.Economy, Cabin.Business];
}

/// <summary>The contracts the tools need beyond primitives: their record parameter.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(Trip))]
[JsonSerializable(typeof(Cabin[]))]
internal sealed partial class TravelJson : JsonSerializerContext;
