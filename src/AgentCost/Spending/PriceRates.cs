namespace AgentCost.Spending;

/// <summary>A <see cref="ModelPrice"/> compiled for arithmetic: each rate in <see cref="Money"/> units per token.</summary>
internal sealed class PriceRates
{
    private readonly decimal _input;
    private readonly decimal _output;
    private readonly decimal _cachedInput;
    private readonly decimal _cacheWrite;
    private readonly decimal _cacheWrite1h;
    private readonly decimal _reasoning;
    private readonly decimal _maxPromptRate;
    private readonly decimal _maxOutputRate;
    private readonly long _longAbove;
    private readonly PriceRates? _long;

    // The same rates as whole units per token, when every rate is one (any price with up to four decimals per million
    // tokens): the arithmetic of a call is then a few integer multiplications. Otherwise null, and decimals are used.
    private readonly long[]? _whole;

    public PriceRates(string model, ModelPrice price)
        : this(model, price, price.Input!.Value, price.Output!.Value, price.CachedInput, price.CacheWrite, price.CacheWrite1h, price.Reasoning)
    {
        if (price.LongContext is { AboveInputTokens: { } above } tier)
        {
            _longAbove = above;
            _long = new PriceRates(
                model,
                price,
                tier.Input ?? price.Input!.Value,
                tier.Output ?? price.Output!.Value,
                tier.CachedInput ?? price.CachedInput,
                tier.CacheWrite ?? price.CacheWrite,
                tier.CacheWrite1h ?? price.CacheWrite1h,
                price.Reasoning);
        }
    }

    private PriceRates(string model, ModelPrice price, decimal input, decimal output, decimal? cachedInput, decimal? cacheWrite, decimal? cacheWrite1h, decimal? reasoning)
    {
        Model = model;
        Price = price;
        _input = Rate(input);
        _output = Rate(output);
        _cachedInput = Rate(cachedInput ?? input);
        _cacheWrite = Rate(cacheWrite ?? input);
        _cacheWrite1h = Rate(cacheWrite1h ?? cacheWrite ?? input);
        _reasoning = Rate(reasoning ?? output);

        // The worst case of a prompt is every token billed at the dearest input-side rate: a cache write can cost more
        // than plain input (Anthropic: 1.25 and 2 times).
        _maxPromptRate = Math.Max(_input, Math.Max(_cachedInput, Math.Max(_cacheWrite, _cacheWrite1h)));
        _maxOutputRate = Math.Max(_output, _reasoning);
        _longAbove = long.MaxValue;
        decimal[] rates = [_input, _output, _cachedInput, _cacheWrite, _cacheWrite1h, _reasoning, _maxPromptRate, _maxOutputRate];
        if (rates.All(static rate => rate == decimal.Truncate(rate) && rate <= 1_000_000_000m))
        {
            _whole = [.. rates.Select(static rate => (long)rate)];
        }
    }

    /// <summary>The catalogue's name of the model.</summary>
    public string Model { get; }

    /// <summary>The price the rates were compiled from.</summary>
    public ModelPrice Price { get; }

    /// <summary>The most output the model can produce in one call, when known.</summary>
    public int? MaxOutputTokens => Price.MaxOutputTokens;

    /// <summary>The cost of <paramref name="counted"/>, in units, rounded up.</summary>
    public long Cost(in SpendTokens counted)
    {
        var tokens = counted.Saturated();
        var rates = For(tokens.TotalInput);
        if (rates._whole is { } w && tokens.Total < int.MaxValue)
        {
            return Math.Min(
                Money.MaxUnits,
                (tokens.Input * w[0]) + (tokens.CachedInput * w[2]) + (tokens.CacheWrite * w[3]) + (tokens.CacheWrite1h * w[4])
                    + ((tokens.Output - tokens.Reasoning) * w[1]) + (tokens.Reasoning * w[5]));
        }

        return Money.Ceiling(rates.Exact(tokens));
    }

    /// <summary>What the cached input would have cost at the full input price, less what it did cost.</summary>
    public long PromptCacheSavings(in SpendTokens counted)
    {
        var tokens = counted.Saturated();
        if (tokens.CachedInput == 0)
        {
            return 0;
        }

        var rates = For(tokens.TotalInput);
        return rates._whole is { } w && tokens.CachedInput < int.MaxValue
            ? tokens.CachedInput * (w[0] - w[2])
            : (long)decimal.Clamp(decimal.Floor(tokens.CachedInput * (rates._input - rates._cachedInput)), -Money.MaxUnits, Money.MaxUnits);
    }

    /// <summary>The cost split by kind, in dollars.</summary>
    public CallCost Breakdown(in SpendTokens counted)
    {
        var tokens = counted.Saturated();
        var rates = For(tokens.TotalInput);
        var perDollar = (decimal)Money.UnitsPerDollar;
        return new CallCost(
            Model,
            tokens,
            tokens.Input * rates._input / perDollar,
            tokens.CachedInput * rates._cachedInput / perDollar,
            ((tokens.CacheWrite * rates._cacheWrite) + (tokens.CacheWrite1h * rates._cacheWrite1h)) / perDollar,
            (((tokens.Output - tokens.Reasoning) * rates._output) + (tokens.Reasoning * rates._reasoning)) / perDollar,
            Money.ToDollars(Cost(tokens)),
            Money.ToDollars(PromptCacheSavings(tokens)));
    }

    /// <summary>The most a prompt of <paramref name="promptTokens"/> can cost, in (fractional) units.</summary>
    public decimal PromptWorstCase(long promptTokens) => promptTokens * For(promptTokens)._maxPromptRate;

    /// <summary>The most one output token can cost after a prompt of <paramref name="promptTokens"/>, in units.</summary>
    public decimal OutputRate(long promptTokens) => For(promptTokens)._maxOutputRate;

    /// <summary>The most a call can cost, in units, rounded up.</summary>
    public long WorstCase(long promptTokens, long outputTokens)
        => Money.Ceiling(PromptWorstCase(promptTokens) + (outputTokens * OutputRate(promptTokens)));

    /// <summary>
    /// Sizes a reservation within <paramref name="available"/> units: the most output (at most <paramref name="bound"/>)
    /// that fits after the prompt, and what prompt and that output cost at worst. Returns <see langword="false"/> with
    /// <paramref name="needed"/> when not even <paramref name="minOutput"/> fits.
    /// </summary>
    public bool TryFit(int promptTokens, long bound, int minOutput, long available, out long output, out long units, out long needed)
    {
        var rates = For(promptTokens);
        if (rates._whole is { } w)
        {
            var prompt = promptTokens * w[6];
            var rate = w[7];
            needed = prompt + (minOutput * rate);
            if (needed > available)
            {
                output = units = 0;
                return false;
            }

            output = rate == 0 ? bound : Math.Min(bound, (available - prompt) / rate);
            units = prompt + (output * rate);
            return true;
        }

        var promptCost = rates.PromptWorstCase(promptTokens);
        var outputRate = rates._maxOutputRate;
        needed = Money.Ceiling(promptCost + (minOutput * outputRate));
        if (needed > available)
        {
            output = units = 0;
            return false;
        }

        var fits = outputRate == 0 ? long.MaxValue : (long)decimal.Min(decimal.Floor((available - promptCost) / outputRate), long.MaxValue);
        output = Math.Min(bound, fits);
        units = Money.Ceiling(promptCost + (output * outputRate));
        return true;
    }

    private PriceRates For(long inputTokens) => inputTokens > _longAbove ? _long! : this;

    private decimal Exact(in SpendTokens tokens)
        => (tokens.Input * _input)
            + (tokens.CachedInput * _cachedInput)
            + (tokens.CacheWrite * _cacheWrite)
            + (tokens.CacheWrite1h * _cacheWrite1h)
            + ((tokens.Output - tokens.Reasoning) * _output)
            + (tokens.Reasoning * _reasoning);

    private static decimal Rate(decimal dollarsPerMillion) => dollarsPerMillion * Money.UnitsPerTokenPerDollarPerMillion;
}
