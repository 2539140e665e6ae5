using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace AgentCost.Spending;

/// <summary>
/// Model prices by model id: the built-in, dated catalogue of current OpenAI, Anthropic and Google models, merged with
/// the prices and aliases configured in <c>AgentCost:Pricing</c>.
/// </summary>
/// <remarks>
/// <para>A model id is matched ignoring case, first as given, then without a provider or path prefix
/// (<c>openai/gpt-4o</c>, <c>models/gemini-2.5-pro</c>), then without a date or <c>-latest</c> suffix
/// (<c>gpt-4o-mini-2024-07-18</c>, <c>claude-sonnet-4-5-20250929</c>, <c>claude-3-5-haiku@20241022</c>). Aliases map
/// other names (an Azure deployment, say) to a priced model. Nothing else is guessed: a model that matches no entry
/// has no price.</para>
/// </remarks>
public sealed partial class PriceCatalog
{
    private const string ResourceName = "AgentCost.Spending.prices.json";
    private const int MaxRememberedIds = 4096;
    private const decimal MaxRate = 1_000_000m;

    private static readonly Lazy<PriceCatalog> s_builtIn = new(LoadBuiltIn);

    private readonly Dictionary<string, ModelPrice> _models;
    private readonly Dictionary<string, string> _aliases;
    private readonly Dictionary<string, PriceRates> _rates;
    private readonly ConcurrentDictionary<string, PriceRates?> _resolved = new(StringComparer.OrdinalIgnoreCase);

    // The last id looked up: a client asks for the same model id string call after call.
    private LastLookup? _last;

    private PriceCatalog(DateOnly? asOf, IReadOnlyList<string> sources, string? notes, Dictionary<string, ModelPrice> models, Dictionary<string, string> aliases)
    {
        AsOf = asOf;
        Sources = sources;
        Notes = notes;
        _models = models;
        _aliases = aliases;
        _rates = new Dictionary<string, PriceRates>(StringComparer.OrdinalIgnoreCase);
        foreach (var (model, price) in models)
        {
            var problem = Validate(price);
            if (problem is not null)
            {
                throw new ArgumentException($"The price of model '{model}' is invalid: {problem}", nameof(models));
            }

            _rates[model] = new PriceRates(model, price);
        }
    }

    /// <summary>The catalogue shipped with AgentCost, as of <see cref="AsOf"/>.</summary>
    public static PriceCatalog BuiltIn => s_builtIn.Value;

    /// <summary>The date the built-in prices were taken from the providers' pages; <see langword="null"/> without the built-in catalogue.</summary>
    public DateOnly? AsOf { get; }

    /// <summary>Where the built-in prices come from.</summary>
    public IReadOnlyList<string> Sources { get; }

    /// <summary>What the built-in prices cover and leave out.</summary>
    public string? Notes { get; }

    /// <summary>The priced model ids.</summary>
    public IReadOnlyCollection<string> Models => _models.Keys;

    /// <summary>The aliases: a model id and the priced model it stands for.</summary>
    public IReadOnlyDictionary<string, string> Aliases => _aliases;

    /// <summary>Creates the catalogue that <paramref name="options"/> describe: the built-in one (unless turned off) with the configured prices and aliases over it.</summary>
    /// <param name="options">The settings of section <c>AgentCost:Pricing</c>.</param>
    /// <returns>The catalogue.</returns>
    /// <exception cref="ArgumentException">A configured price is incomplete or negative.</exception>
    public static PriceCatalog Create(PricingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var baseline = options.UseBuiltInCatalog ? BuiltIn : null;
        var models = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
        var aliases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (baseline is not null)
        {
            foreach (var (model, price) in baseline._models)
            {
                models[model] = price.Clone();
            }

            foreach (var (alias, model) in baseline._aliases)
            {
                aliases[alias] = model;
            }
        }

        foreach (var (model, price) in options.Models ?? [])
        {
            if (price is null)
            {
                continue;
            }

            models[model] = models.TryGetValue(model, out var known) ? known.With(price) : price.Clone();
            aliases.Remove(model);
        }

        foreach (var (alias, model) in options.Aliases ?? [])
        {
            if (!string.IsNullOrWhiteSpace(model))
            {
                aliases[alias] = model;
            }
        }

        return new PriceCatalog(baseline?.AsOf, baseline?.Sources ?? [], baseline?.Notes, models, aliases);
    }

    /// <summary>Finds the price of <paramref name="modelId"/>.</summary>
    /// <param name="modelId">The model id as a request or response names it.</param>
    /// <param name="price">A copy of the price, when there is one.</param>
    /// <returns>Whether the model has a price.</returns>
    public bool TryGetPrice(string? modelId, [NotNullWhen(true)] out ModelPrice? price)
    {
        price = Find(modelId)?.Price.Clone();
        return price is not null;
    }

    /// <summary>The catalogue's name of the model <paramref name="modelId"/> is priced as, or <see langword="null"/> when it has no price.</summary>
    /// <param name="modelId">The model id as a request or response names it.</param>
    /// <returns>The priced model's id.</returns>
    public string? GetPricedModel(string? modelId) => Find(modelId)?.Model;

    /// <summary>What a call to <paramref name="modelId"/> that used <paramref name="usage"/> cost.</summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="usage">The usage the provider reported.</param>
    /// <returns>The cost, or <see langword="null"/> when the model has no price.</returns>
    public CallCost? Calculate(string? modelId, UsageDetails usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return Calculate(modelId, SpendTokens.FromUsage(usage));
    }

    /// <summary>What a call to <paramref name="modelId"/> that used <paramref name="tokens"/> cost.</summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="tokens">The tokens, split by how they are billed.</param>
    /// <returns>The cost, or <see langword="null"/> when the model has no price.</returns>
    public CallCost? Calculate(string? modelId, SpendTokens tokens) => Find(modelId)?.Breakdown(tokens);

    /// <summary>The compiled rates of <paramref name="modelId"/>, remembered per id.</summary>
    internal PriceRates? Find(string? modelId)
    {
        if (string.IsNullOrWhiteSpace(modelId))
        {
            return null;
        }

        var last = Volatile.Read(ref _last);
        if (last is not null && ReferenceEquals(last.ModelId, modelId))
        {
            return last.Rates;
        }

        if (!_resolved.TryGetValue(modelId, out var rates))
        {
            rates = Resolve(modelId.Trim());
            if (_resolved.Count < MaxRememberedIds)
            {
                _resolved.TryAdd(modelId, rates);
            }
        }

        Volatile.Write(ref _last, new LastLookup(modelId, rates));
        return rates;
    }

    private sealed record LastLookup(string ModelId, PriceRates? Rates);

    /// <summary>Checks a configured price; returns what is wrong, or <see langword="null"/>.</summary>
    internal static string? Validate(ModelPrice price)
    {
        if (price.Input is null || price.Output is null)
        {
            return "Input and Output (US dollars per million tokens) are required; use 0 for a free model.";
        }

        foreach (var (name, value) in Rates(price))
        {
            if (OutOfRange(name, value) is { } problem)
            {
                return problem;
            }
        }

        if (price.MaxOutputTokens is <= 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"MaxOutputTokens must be positive, but was {price.MaxOutputTokens}.");
        }

        if (price.LongContext is { } tier)
        {
            if (tier.AboveInputTokens is null or <= 0)
            {
                return "LongContext:AboveInputTokens is required and must be positive.";
            }

            foreach (var (name, value) in LongContextRates(tier))
            {
                if (OutOfRange("LongContext:" + name, value) is { } problem)
                {
                    return problem;
                }
            }
        }

        return null;
    }

    // A dollar a token is far above any model's price, and keeps the cost of every count a call can report (at most
    // 2^40 tokens of each kind) inside decimal arithmetic.
    private static string? OutOfRange(string name, decimal? value) => value switch
    {
        < 0 => string.Create(CultureInfo.InvariantCulture, $"{name} must not be negative, but was {value}."),
        > MaxRate => string.Create(CultureInfo.InvariantCulture, $"{name} must be at most {MaxRate:N0} US dollars per million tokens, but was {value}."),
        _ => null,
    };

    private static IEnumerable<(string Name, decimal? Value)> Rates(ModelPrice price)
    {
        yield return (nameof(ModelPrice.Input), price.Input);
        yield return (nameof(ModelPrice.Output), price.Output);
        yield return (nameof(ModelPrice.CachedInput), price.CachedInput);
        yield return (nameof(ModelPrice.CacheWrite), price.CacheWrite);
        yield return (nameof(ModelPrice.CacheWrite1h), price.CacheWrite1h);
        yield return (nameof(ModelPrice.Reasoning), price.Reasoning);
    }

    private static IEnumerable<(string Name, decimal? Value)> LongContextRates(LongContextPrice tier)
    {
        yield return (nameof(LongContextPrice.Input), tier.Input);
        yield return (nameof(LongContextPrice.Output), tier.Output);
        yield return (nameof(LongContextPrice.CachedInput), tier.CachedInput);
        yield return (nameof(LongContextPrice.CacheWrite), tier.CacheWrite);
        yield return (nameof(LongContextPrice.CacheWrite1h), tier.CacheWrite1h);
    }

    private PriceRates? Resolve(string modelId)
    {
        if (Lookup(modelId) is { } exact)
        {
            return exact;
        }

        var slash = modelId.LastIndexOf('/');
        var name = slash >= 0 ? modelId[(slash + 1)..] : modelId;
        if (slash >= 0 && Lookup(name) is { } unprefixed)
        {
            return unprefixed;
        }

        var undated = VersionSuffix().Replace(name, string.Empty);
        return undated.Length > 0 && !string.Equals(undated, name, StringComparison.Ordinal) ? Lookup(undated) : null;
    }

    private PriceRates? Lookup(string model)
    {
        // Aliases may name other aliases; a few hops are plenty and a cycle ends.
        for (var hop = 0; hop < 4; hop++)
        {
            if (_rates.TryGetValue(model, out var rates))
            {
                return rates;
            }

            if (!_aliases.TryGetValue(model, out var target))
            {
                return null;
            }

            model = target;
        }

        return null;
    }

    [GeneratedRegex(@"(?:[-@](?:\d{4}-\d{2}-\d{2}|\d{8})|-latest)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex VersionSuffix();

    private static PriceCatalog LoadBuiltIn()
    {
        using var stream = typeof(PriceCatalog).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The built-in price catalogue resource '{ResourceName}' is missing from the AgentCost assembly.");
        var document = JsonSerializer.Deserialize(stream, PriceCatalogJsonContext.Default.PriceCatalogDocument)
            ?? throw new InvalidOperationException("The built-in price catalogue is empty.");
        var models = new Dictionary<string, ModelPrice>(document.Models ?? [], StringComparer.OrdinalIgnoreCase);
        var aliases = new Dictionary<string, string>(document.Aliases ?? [], StringComparer.OrdinalIgnoreCase);
        DateOnly? asOf = DateOnly.TryParseExact(document.AsOf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
        return new PriceCatalog(asOf, document.Sources ?? [], document.Notes, models, aliases);
    }
}

/// <summary>The shape of <c>prices.json</c>.</summary>
internal sealed class PriceCatalogDocument
{
    public string? AsOf { get; set; }

    public string? Currency { get; set; }

    public string? Unit { get; set; }

    public List<string>? Sources { get; set; }

    public string? Notes { get; set; }

    public Dictionary<string, string>? Aliases { get; set; }

    public Dictionary<string, ModelPrice>? Models { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(PriceCatalogDocument))]
internal sealed partial class PriceCatalogJsonContext : JsonSerializerContext;
