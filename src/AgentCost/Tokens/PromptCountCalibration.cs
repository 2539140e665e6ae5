using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace AgentCost.Tokens;

/// <summary>
/// How the input tokens providers report compare with the local prompt count, per model, and the safety margin the
/// call layer reserves on top of a count that is only an estimate (a model with no known tokenizer).
/// </summary>
/// <remarks>
/// <para>Hard limits reserve the counted prompt. When a provider counts more than the local tokenizer — Anthropic,
/// Google and most open models tokenize differently from the fallback encoding — every call would be charged more than it
/// reserved, and a budget could end over its limit by that difference. For such models the reservation adds a margin:
/// <see cref="TokenOptions.EstimateMargin"/> until the model has been seen, then what its calls show.</para>
/// <para>The learned ratio follows the upper envelope of reported ÷ counted: it jumps to a higher ratio at once and comes
/// down slowly (2 % of the gap per call), so one small prompt does not undo what larger ones showed. Prompts under 32
/// counted tokens and reports that cannot be meant (below a quarter or above four times the count) teach nothing.</para>
/// <para>The ratio is published as <c>agentcost.tokens.count_ratio</c>, tags <c>gen_ai.request.model</c> and
/// <c>agentcost.estimated</c>.</para>
/// </remarks>
public sealed class PromptCountCalibration
{
    /// <summary>How many calls a model needs before its learned margin replaces <see cref="TokenOptions.EstimateMargin"/>.</summary>
    public const int MinObservations = 3;

    private const int MinCountedTokens = 32;
    private const double MinPlausibleRatio = 0.25;
    private const double MaxPlausibleRatio = 4;
    private const double Decay = 0.02;

    // Model ids come from requests; a bound keeps a stream of made-up ids from growing the table without end.
    private const int MaxModels = 1_024;

    private readonly ConcurrentDictionary<string, ModelRatio> _models = new(StringComparer.OrdinalIgnoreCase);
    private readonly double _defaultMargin;
    private readonly bool _learn;

    /// <summary>Creates the calibration that <paramref name="options"/> describe.</summary>
    /// <param name="options">The settings of token counting.</param>
    public PromptCountCalibration(TokenOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _defaultMargin = options.EstimateMargin;
        _learn = options.LearnEstimateMargin;
    }

    /// <summary>
    /// The fraction reserved on top of an estimated prompt count of <paramref name="modelId"/>: the learned one once the
    /// model has <see cref="MinObservations"/> calls (and <see cref="TokenOptions.LearnEstimateMargin"/> is on), else
    /// <see cref="TokenOptions.EstimateMargin"/>.
    /// </summary>
    /// <param name="modelId">The model, as the request names it.</param>
    public double GetMargin(string? modelId)
    {
        if (_learn && modelId is not null && _models.TryGetValue(modelId, out var model) && model.TryGetRatio(out var ratio, out var observations)
            && observations >= MinObservations)
        {
            return Math.Max(0, ratio - 1);
        }

        return _defaultMargin;
    }

    /// <summary>What the calls of <paramref name="modelId"/> have shown: reported ÷ counted input tokens, and over how many calls.</summary>
    /// <param name="modelId">The model, as the request names it.</param>
    /// <param name="ratio">The learned ratio; 1 means the local count matched the provider's.</param>
    /// <param name="observations">How many calls it was learned from.</param>
    /// <returns><see langword="false"/> when no call of the model has taught anything yet.</returns>
    public bool TryGetCountRatio(string? modelId, out double ratio, out long observations)
    {
        ratio = 0;
        observations = 0;
        return modelId is not null && _models.TryGetValue(modelId, out var model) && model.TryGetRatio(out ratio, out observations);
    }

    /// <summary>Reserves <paramref name="countedTokens"/> plus the margin of <paramref name="modelId"/> when the count is an estimate.</summary>
    internal int WithMargin(string? modelId, int countedTokens, bool isEstimate)
    {
        if (!isEstimate || countedTokens <= 0)
        {
            return countedTokens;
        }

        var margin = GetMargin(modelId);
        return margin <= 0 ? countedTokens : (int)Math.Min(int.MaxValue, Math.Ceiling(countedTokens * (1 + margin)));
    }

    /// <summary>The largest count that, with the margin, is at most <paramref name="reservedTokens"/>.</summary>
    internal long WithoutMargin(string? modelId, long reservedTokens, bool isEstimate)
    {
        if (!isEstimate || reservedTokens <= 0)
        {
            return reservedTokens;
        }

        var margin = GetMargin(modelId);
        return margin <= 0 ? reservedTokens : (long)Math.Floor(reservedTokens / (1 + margin));
    }

    /// <summary>Learns from one call: the provider reported <paramref name="reportedTokens"/> for a prompt counted as <paramref name="countedTokens"/>.</summary>
    internal void Observe(string? modelId, long countedTokens, long reportedTokens, bool isEstimate)
    {
        if (modelId is null || countedTokens < MinCountedTokens)
        {
            return;
        }

        var ratio = (double)reportedTokens / countedTokens;
        if (ratio is < MinPlausibleRatio or > MaxPlausibleRatio)
        {
            return;
        }

        if (!_models.TryGetValue(modelId, out var model))
        {
            if (_models.Count >= MaxModels)
            {
                return;
            }

            model = _models.GetOrAdd(modelId, static (_, estimate) => new ModelRatio(estimate), isEstimate);
        }

        model.Add(ratio);
    }

    /// <summary>One measurement per model seen, for the <c>agentcost.tokens.count_ratio</c> gauge.</summary>
    internal IEnumerable<Measurement<double>> Measure()
    {
        foreach (var (modelId, model) in _models)
        {
            if (model.TryGetRatio(out var ratio, out _))
            {
                yield return new Measurement<double>(
                    ratio,
                    new KeyValuePair<string, object?>("gen_ai.request.model", modelId),
                    new KeyValuePair<string, object?>("agentcost.estimated", model.IsEstimate));
            }
        }
    }

    private sealed class ModelRatio(bool isEstimate)
    {
        private readonly Lock _lock = new();
        private double _upper;
        private long _observations;

        public bool IsEstimate => isEstimate;

        public void Add(double ratio)
        {
            lock (_lock)
            {
                _upper = _observations == 0 || ratio >= _upper ? ratio : _upper - (Decay * (_upper - ratio));
                _observations++;
            }
        }

        public bool TryGetRatio(out double ratio, out long observations)
        {
            lock (_lock)
            {
                ratio = _upper;
                observations = _observations;
                return observations > 0;
            }
        }
    }
}
