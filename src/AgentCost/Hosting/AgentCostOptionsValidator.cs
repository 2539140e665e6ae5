using System.Globalization;
using AgentCost.Caching;
using AgentCost.Spending;
using AgentCost.Tokens;
using Microsoft.Extensions.Options;

namespace AgentCost.Hosting;

/// <summary>Checks settings at start-up; each failure names its configuration key.</summary>
internal sealed class AgentCostOptionsValidator : IValidateOptions<AgentCostOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentCostOptions options)
    {
        var failures = new List<string>();
        if (options.Cache is null)
        {
            failures.Add("AgentCost:Cache must not be null.");
        }
        else if (options.Cache.DefaultTtl <= TimeSpan.Zero)
        {
            failures.Add($"AgentCost:Cache:DefaultTtl must be positive, but was '{options.Cache.DefaultTtl}'.");
        }
        else if (options.Cache.DefaultTtl > ResultCacheOptions.MaxDefaultTtl)
        {
            // Beyond this, the expiry instant overflows the clock and every cached call would fail.
            failures.Add($"AgentCost:Cache:DefaultTtl must be at most '{ResultCacheOptions.MaxDefaultTtl}' (the longest [Cached(TtlSeconds)]), but was '{options.Cache.DefaultTtl}'.");
        }

        ValidateTokens(options.Tokens, failures);
        var before = failures.Count;
        SpendingValidation.ValidatePricing(options.Pricing, failures);
        SpendingValidation.ValidateSpending(options.Spending, failures);
        AgentCost.Routing.RoutingValidation.Validate(options.Routing, failures);
        if (failures.Count == before)
        {
            SpendingValidation.ValidatePriceCoverage(options, failures);
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateTokens(TokenOptions? tokens, List<string> failures)
    {
        if (tokens is null)
        {
            failures.Add("AgentCost:Tokens must not be null.");
            return;
        }

        if (!Enum.IsDefined(tokens.FallbackEncoding))
        {
            failures.Add($"AgentCost:Tokens:FallbackEncoding must be O200kBase or Cl100kBase, but was '{tokens.FallbackEncoding}'.");
        }

        if (!double.IsFinite(tokens.EstimateMargin) || tokens.EstimateMargin is < 0 or > 3)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"AgentCost:Tokens:EstimateMargin must be a fraction from 0 to 3, but was {tokens.EstimateMargin}."));
        }

        foreach (var (prefix, encoding) in tokens.ModelEncodings ?? [])
        {
            if (string.IsNullOrWhiteSpace(prefix))
            {
                failures.Add("AgentCost:Tokens:ModelEncodings must not have an empty model-id prefix.");
            }
            else if (!Enum.IsDefined(encoding))
            {
                failures.Add($"AgentCost:Tokens:ModelEncodings:{prefix} must be O200kBase or Cl100kBase, but was '{encoding}'.");
            }
        }
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> when <paramref name="options"/> are invalid.</summary>
    public static void ThrowIfInvalid(AgentCostOptions options)
    {
        var result = new AgentCostOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(AgentCostOptions), result.Failures);
        }
    }
}
