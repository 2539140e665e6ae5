using AgentCost.Hosting;
using AgentCost.Spending;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentCost.Tests.Spending;

/// <summary>Cost arithmetic for each provider's pricing shape, and the catalogue's lookup rules.</summary>
public sealed class PricingTests
{
    private static readonly PriceCatalog s_catalog = PriceCatalog.BuiltIn;

    [Fact]
    public void The_built_in_catalogue_is_dated_sourced_and_covers_the_three_providers()
    {
        Assert.Equal(new DateOnly(2025, 11, 25), s_catalog.AsOf);
        Assert.Contains(s_catalog.Sources, static s => s.Contains("openai.com", StringComparison.Ordinal));
        Assert.Contains(s_catalog.Sources, static s => s.Contains("claude.com", StringComparison.Ordinal));
        Assert.Contains(s_catalog.Sources, static s => s.Contains("ai.google.dev", StringComparison.Ordinal));
        foreach (var model in new[] { "gpt-5", "gpt-5-mini", "gpt-4.1", "gpt-4o", "gpt-4o-mini", "o3", "o4-mini", "claude-opus-4-5", "claude-sonnet-4-5", "claude-haiku-4-5", "gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.5-flash-lite" })
        {
            Assert.True(s_catalog.TryGetPrice(model, out var price), model);
            Assert.NotNull(price.Provider);
            Assert.True(price.Input > 0 && price.Output > price.Input, model);
        }
    }

    [Fact]
    public void OpenAI_cached_input_is_discounted_and_reasoning_is_billed_as_output()
    {
        // gpt-4o-mini: $0.15 input, $0.075 cached input, $0.60 output per million.
        var usage = new UsageDetails { InputTokenCount = 1_000_000, CachedInputTokenCount = 400_000, OutputTokenCount = 100_000, ReasoningTokenCount = 20_000 };

        var cost = s_catalog.Calculate("gpt-4o-mini", usage)!.Value;

        Assert.Equal("gpt-4o-mini", cost.Model);
        Assert.Equal(new SpendTokens(600_000, 400_000, 0, 0, 100_000, 20_000), cost.Tokens);
        Assert.Equal(0.09m, cost.Input);
        Assert.Equal(0.03m, cost.CachedInput);
        Assert.Equal(0m, cost.CacheWrite);
        Assert.Equal(0.06m, cost.Output);
        Assert.Equal(0.18m, cost.Total);
        Assert.Equal(0.03m, cost.PromptCacheSavings);
    }

    [Fact]
    public void Anthropic_cache_writes_are_billed_at_their_time_to_live_premium()
    {
        // claude-sonnet-4-5: $3 input, $3.75 5-minute write, $6 one-hour write, $0.30 hit, $15 output per million.
        // As the Anthropic adapter reports it: input includes reads and writes; writes in AdditionalCounts.
        var usage = new UsageDetails
        {
            InputTokenCount = 20_000,
            CachedInputTokenCount = 5_000,
            OutputTokenCount = 1_000,
            AdditionalCounts = new() { ["CacheCreationInputTokens"] = 12_000, ["ephemeral_1h_input_tokens"] = 2_000 },
        };

        var cost = s_catalog.Calculate("claude-sonnet-4-5-20250929", usage)!.Value;

        Assert.Equal(new SpendTokens(3_000, 5_000, 10_000, 2_000, 1_000, 0), cost.Tokens);
        Assert.Equal(3_000 * 3m / 1_000_000, cost.Input);
        Assert.Equal(5_000 * 0.30m / 1_000_000, cost.CachedInput);
        Assert.Equal(((10_000 * 3.75m) + (2_000 * 6m)) / 1_000_000, cost.CacheWrite);
        Assert.Equal(1_000 * 15m / 1_000_000, cost.Output);
        Assert.Equal(cost.Input + cost.CachedInput + cost.CacheWrite + cost.Output, cost.Total);
        Assert.Equal(0.075m, cost.Total);
    }

    [Fact]
    public void Anthropic_raw_figures_that_exclude_cache_tokens_from_input_are_recognised()
    {
        // Anthropic's own input_tokens counts only what follows the last cache breakpoint.
        var usage = new UsageDetails
        {
            InputTokenCount = 39,
            CachedInputTokenCount = 5_000,
            OutputTokenCount = 144,
            AdditionalCounts = new() { ["cache_creation_input_tokens"] = 1_000 },
        };

        var tokens = s_catalog.Calculate("claude-haiku-4-5", usage)!.Value.Tokens;

        Assert.Equal(new SpendTokens(39, 5_000, 1_000, 0, 144, 0), tokens);
    }

    [Fact]
    public void Long_prompts_switch_to_the_long_context_prices()
    {
        var small = s_catalog.Calculate("gemini-2.5-pro", new UsageDetails { InputTokenCount = 200_000, OutputTokenCount = 1_000 })!.Value;
        var large = s_catalog.Calculate("gemini-2.5-pro", new UsageDetails { InputTokenCount = 200_001, OutputTokenCount = 1_000 })!.Value;

        Assert.Equal((200_000 * 1.25m / 1_000_000) + (1_000 * 10m / 1_000_000), small.Total);
        Assert.Equal((200_001 * 2.50m / 1_000_000) + (1_000 * 15m / 1_000_000), large.Total);
    }

    [Fact]
    public void Google_thoughts_reported_beside_the_output_are_added_to_it()
    {
        // Gemini's candidatesTokenCount excludes thoughtsTokenCount; an adapter that passes both through as they are.
        var usage = new UsageDetails { InputTokenCount = 1_000, OutputTokenCount = 100, ReasoningTokenCount = 400 };

        var cost = s_catalog.Calculate("models/gemini-2.5-flash", usage)!.Value;

        Assert.Equal(new SpendTokens(1_000, 0, 0, 0, 500, 400), cost.Tokens);
        Assert.Equal((1_000 * 0.30m / 1_000_000) + (500 * 2.50m / 1_000_000), cost.Total);
    }

    [Fact]
    public void A_separate_reasoning_price_applies_to_reasoning_tokens_only()
    {
        var catalog = PriceCatalog.Create(new PricingOptions
        {
            UseBuiltInCatalog = false,
            Models = { ["thinker"] = new ModelPrice { Input = 1m, Output = 2m, Reasoning = 5m } },
        });

        var cost = catalog.Calculate("thinker", new UsageDetails { InputTokenCount = 1_000_000, OutputTokenCount = 1_000_000, ReasoningTokenCount = 250_000 })!.Value;

        Assert.Equal(1m + (0.75m * 2m) + (0.25m * 5m), cost.Total);
    }

    [Fact]
    public void Costs_round_up_to_a_ten_billionth_of_a_dollar_and_are_exact_below()
    {
        var cost = s_catalog.Calculate("gpt-5-nano", new UsageDetails { InputTokenCount = 1, CachedInputTokenCount = 1, OutputTokenCount = 0 })!.Value;
        Assert.Equal(0.000000005m, cost.Total);

        var custom = PriceCatalog.Create(new PricingOptions { Models = { ["odd"] = new ModelPrice { Input = 0.00001m, Output = 0m } } });
        Assert.Equal(0.0000000001m, custom.Calculate("odd", new UsageDetails { InputTokenCount = 1, OutputTokenCount = 0 })!.Value.Total);
    }

    [Theory]
    [InlineData("gpt-4o-mini", "gpt-4o-mini")]
    [InlineData("GPT-4o-Mini", "gpt-4o-mini")]
    [InlineData("gpt-4o-mini-2024-07-18", "gpt-4o-mini")]
    [InlineData("gpt-4o-2024-08-06", "gpt-4o")]
    [InlineData("openai/gpt-4.1", "gpt-4.1")]
    [InlineData("claude-sonnet-4-5-20250929", "claude-sonnet-4-5")]
    [InlineData("claude-3-5-haiku@20241022", "claude-3-5-haiku")]
    [InlineData("claude-3-7-sonnet-latest", "claude-3-7-sonnet")]
    [InlineData("claude-opus-4-0", "claude-opus-4")]
    [InlineData("models/gemini-2.5-flash", "gemini-2.5-flash")]
    [InlineData("chatgpt-4o-latest", "gpt-4o")]
    public void Model_ids_are_matched_without_prefixes_and_date_suffixes(string modelId, string priced)
        => Assert.Equal(priced, s_catalog.GetPricedModel(modelId));

    [Theory]
    [InlineData("gpt-4o-audio-preview")]
    [InlineData("llama3")]
    [InlineData("my-deployment")]
    [InlineData("")]
    [InlineData(null)]
    public void Nothing_else_is_guessed(string? modelId)
    {
        Assert.Null(s_catalog.GetPricedModel(modelId));
        Assert.False(s_catalog.TryGetPrice(modelId, out _));
        Assert.Null(s_catalog.Calculate(modelId, new UsageDetails { InputTokenCount = 1 }));
    }

    [Fact]
    public void Configuration_overrides_catalogue_fields_adds_models_aliases_and_free_models()
    {
        var catalog = PriceCatalog.Create(new PricingOptions
        {
            Models =
            {
                ["gpt-4o"] = new ModelPrice { Output = 12m },
                ["llama3"] = new ModelPrice { Input = 0m, Output = 0m },
                ["acme-large"] = new ModelPrice { Input = 4m, Output = 8m, CachedInput = 1m },
            },
            Aliases = { ["prod-chat"] = "gpt-4o-mini" },
        });

        Assert.True(catalog.TryGetPrice("gpt-4o", out var gpt4o));
        Assert.Equal((2.50m, 1.25m, 12m), (gpt4o.Input!.Value, gpt4o.CachedInput!.Value, gpt4o.Output!.Value));
        Assert.Equal(0m, catalog.Calculate("llama3", new UsageDetails { InputTokenCount = 5_000, OutputTokenCount = 5_000 })!.Value.Total);
        Assert.Equal(9m, catalog.Calculate("acme-large", new UsageDetails { InputTokenCount = 2_000_000, CachedInputTokenCount = 1_000_000, OutputTokenCount = 500_000 })!.Value.Total);
        Assert.Equal("gpt-4o-mini", catalog.GetPricedModel("prod-chat"));
        Assert.Equal(2.50m, PriceCatalog.BuiltIn.Calculate("gpt-4o", new UsageDetails { InputTokenCount = 1_000_000, OutputTokenCount = 0 })!.Value.Total);
    }

    [Fact]
    public void Pricing_is_bound_from_configuration_and_bad_prices_fail_at_start_up_naming_the_key()
    {
        var services = new ServiceCollection();
        services.AddSingleton(HostingTests.Configuration(
            ("AgentCost:Pricing:Models:acme-large:Input", "4"),
            ("AgentCost:Pricing:Models:acme-large:Output", "8"),
            ("AgentCost:Pricing:Models:gpt-4o:CachedInput", "1.0"),
            ("AgentCost:Pricing:Aliases:prod-chat", "gpt-4o"),
            ("AgentCost:Pricing:RefuseUnpricedInBudgets", "false")));
        services.AddAgentCost();
        using (var provider = services.BuildServiceProvider())
        {
            var spending = provider.GetRequiredService<AgentCostRuntime>().Spending;
            Assert.Equal("acme-large", spending.Prices.GetPricedModel("acme-large"));
            Assert.True(spending.Prices.TryGetPrice("prod-chat", out var price));
            Assert.Equal((2.50m, 1.0m), (price.Input!.Value, price.CachedInput!.Value));
            Assert.False(provider.GetRequiredService<IOptions<AgentCostOptions>>().Value.Pricing.RefuseUnpricedInBudgets);
        }

        var bad = new ServiceCollection();
        bad.AddSingleton(HostingTests.Configuration(
            ("AgentCost:Pricing:Models:half-priced:Input", "1"),
            ("AgentCost:Pricing:Models:negative:Input", "-1"),
            ("AgentCost:Pricing:Models:negative:Output", "1"),
            ("AgentCost:Pricing:Models:gpt-4o:Output", "-3")));
        bad.AddAgentCost();
        using var badProvider = bad.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => badProvider.GetRequiredService<IOptions<AgentCostOptions>>().Value);
        Assert.Contains(error.Failures, static f => f.StartsWith("AgentCost:Pricing:Models:half-priced is invalid: Input and Output", StringComparison.Ordinal));
        Assert.Contains(error.Failures, static f => f.StartsWith("AgentCost:Pricing:Models:negative is invalid: Input must not be negative", StringComparison.Ordinal));
        Assert.Contains(error.Failures, static f => f.StartsWith("AgentCost:Pricing:Models:gpt-4o is invalid: Output must not be negative", StringComparison.Ordinal));
    }
}
