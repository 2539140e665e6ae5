using AgentCost.Hosting;
using AgentCost.Tokens;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentCost.Tests.Budgets;

public class TokenOptionsTests
{
    private static ServiceProvider Services(params (string Key, string? Value)[] values)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(static v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build());
        services.AddAgentCost();
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Token_settings_are_bound_from_the_AgentCost_Tokens_section()
    {
        using var provider = Services(
            ("AgentCost:Tokens:FallbackEncoding", "Cl100kBase"),
            ("AgentCost:Tokens:ModelEncodings:prod-chat", "O200kBase"));

        var runtime = provider.GetRequiredService<AgentCostRuntime>();

        Assert.Equal(TokenEncoding.Cl100kBase, runtime.Options.Tokens.FallbackEncoding);
        Assert.Same(TokenCounter.For(TokenEncoding.O200kBase), runtime.Tokenizers.GetCounter("prod-chat-2"));
        Assert.Same(TokenCounter.For(TokenEncoding.Cl100kBase, isEstimate: true), runtime.Tokenizers.GetCounter("mistral-large"));
    }

    [Fact]
    public void Defaults_count_unknown_models_with_o200k_as_estimates()
    {
        var options = new AgentCostOptions();
        Assert.Equal(TokenEncoding.O200kBase, options.Tokens.FallbackEncoding);
        Assert.Empty(options.Tokens.ModelEncodings);
    }

    [Fact]
    public void Invalid_token_settings_fail_naming_their_keys()
    {
        var options = new AgentCostOptions();
        options.Tokens.FallbackEncoding = (TokenEncoding)42;
        options.Tokens.ModelEncodings[" "] = TokenEncoding.O200kBase;
        options.Tokens.ModelEncodings["my-model"] = (TokenEncoding)7;

        var error = Assert.Throws<OptionsValidationException>(() => AgentCostRuntime.Create(options));

        Assert.Contains("AgentCost:Tokens:FallbackEncoding", error.Message, StringComparison.Ordinal);
        Assert.Contains("AgentCost:Tokens:ModelEncodings must not have an empty model-id prefix", error.Message, StringComparison.Ordinal);
        Assert.Contains("AgentCost:Tokens:ModelEncodings:my-model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_encoding_name_in_configuration_names_its_key()
    {
        using var provider = Services(("AgentCost:Tokens:FallbackEncoding", "p50k"));

        var error = Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<AgentCostRuntime>());

        Assert.Contains("AgentCost:Tokens:FallbackEncoding", error.ToString(), StringComparison.Ordinal);
    }
}
