using AgentCost.Hosting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace AgentCost.Tests;

/// <summary>
/// Settings that would otherwise be accepted and then do nothing, or fail at the first call: each fails the host's
/// start naming its key.
/// </summary>
public class StartUpChecksTests
{
    [Fact]
    public async Task Misspelled_keys_fail_at_start_with_their_full_path_and_the_key_meant()
    {
        var error = await StartFailsAsync(
            ("AgentCost:Spending:Budgets:Global:Dialy", "5"),
            ("AgentCost:Spending:Budget:Global:Daily", "5"),
            ("AgentCost:Routing:Tiers:simple:Deployments:0:Modle", "gpt-4o-mini"),
            ("AgentCost:Cahce:Enabled", "false"));

        Assert.Contains("AgentCost:Spending:Budgets:Global:Dialy is not an AgentCost setting", error.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean AgentCost:Spending:Budgets:Global:Daily?", error.Message, StringComparison.Ordinal);
        Assert.Contains("AgentCost:Spending:Budget is not an AgentCost setting", error.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean AgentCost:Spending:Budgets?", error.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean AgentCost:Routing:Tiers:simple:Deployments:0:Model?", error.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean AgentCost:Cache?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_of_dictionary_sections_are_free_and_the_keys_below_them_are_checked()
    {
        var builder = HostingTests.HostBuilder(
            ("AgentCost:Pricing:Models:my-model:Input", "1"),
            ("AgentCost:Pricing:Models:my-model:Output", "2"),
            ("AgentCost:Pricing:Models:my-model:LongContext:AboveInputTokens", "1000"),
            ("AgentCost:Pricing:Aliases:prod-chat", "gpt-4o"),
            ("AgentCost:Tokens:ModelEncodings:my-", "Cl100kBase"),
            ("AgentCost:Spending:Budgets:Tenants:acme:Daily", "2"),
            ("AgentCost:Spending:Budgets:Methods:Ns.Type.Method:Monthly", "20"),
            ("AgentCost:Spending:Budgets:Models:*:Daily", "3"),
            ("AgentCost:Spending:AlertThresholds:0", "0.9"),
            ("AgentCost:Routing:Tiers:fast:Rank", "0"),
            ("AgentCost:Routing:Tiers:fast:Deployments:0:Model", "my-model"),
            ("AgentCost:Routing:Heuristic:TierThresholds:0", "2"));
        builder.Services.AddAgentCost();
        using (var host = builder.Build())
        {
            await host.StartAsync();
            await host.StopAsync();
        }

        var error = await StartFailsAsync(("AgentCost:Spending:Budgets:Tenants:acme:Dayly", "2"), ("AgentCost:Pricing:Models:my-model:Imput", "1"));
        Assert.Contains("AgentCost:Spending:Budgets:Tenants:acme:Dayly is not an AgentCost setting", error.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean AgentCost:Pricing:Models:my-model:Input?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_set_on_a_section_or_a_key_below_a_value_fails()
    {
        var error = await StartFailsAsync(("AgentCost:Spending:Budgets:Global", "50"), ("AgentCost:Cache:Enabled:Really", "true"), ("AgentCost:Spending:AlertThresholds:first", "0.5"));

        Assert.Contains("AgentCost:Spending:Budgets:Global is a section, not a value", error.Message, StringComparison.Ordinal);
        Assert.Contains("AgentCost:Cache:Enabled:Really is not an AgentCost setting", error.Message, StringComparison.Ordinal);
        Assert.Contains("AgentCost:Spending:AlertThresholds:first is not an AgentCost setting", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ledger_section_without_the_ledger_package_registered_fails_naming_the_call()
    {
        var error = await StartFailsAsync(("AgentCost:Ledger:Sqlite:ConnectionString", "Data Source=spend.db"));

        Assert.Contains("AgentCost:Ledger is not an AgentCost setting", error.Message, StringComparison.Ordinal);
        Assert.Contains("AddAgentCostSqliteLedger()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_alias_to_a_model_without_a_price_fails()
    {
        var error = await StartFailsAsync(("AgentCost:Pricing:Aliases:prod-chat", "gpt-4o-typo"));

        Assert.Contains("AgentCost:Pricing:Aliases:prod-chat names 'gpt-4o-typo', which has no price", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_budget_on_a_model_without_a_price_fails()
    {
        var error = await StartFailsAsync(("AgentCost:Spending:Budgets:Models:llama3:Daily", "5"));

        Assert.Contains("AgentCost:Spending:Budgets:Models:llama3 limits a model that has no price", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_routing_deployment_without_a_price_fails_when_budgets_would_refuse_its_calls()
    {
        (string, string?) deployment = ("AgentCost:Routing:Tiers:simple:Deployments:0:Model", "llama3");

        var error = await StartFailsAsync(deployment, ("AgentCost:Spending:Budgets:Global:Daily", "5"));
        Assert.Contains("AgentCost:Routing:Tiers:simple:Deployments:0:Model 'llama3' has no price", error.Message, StringComparison.Ordinal);

        // Without a budget the calls are allowed and recorded as unpriced.
        var builder = HostingTests.HostBuilder(deployment);
        builder.Services.AddAgentCost();
        using var host = builder.Build();
        await host.StartAsync();
        await host.StopAsync();
    }

    [Fact]
    public async Task An_unregistered_client_key_fails_at_start_not_at_the_first_call()
    {
        (string, string?)[] settings = [("AgentCost:Routing:Tiers:simple:Deployments:0:Model", "gpt-4o-mini"), ("AgentCost:Routing:Tiers:simple:Deployments:0:ClientKey", "azure-east")];

        var error = await StartFailsAsync(settings);
        Assert.Contains("AgentCost:Routing:Tiers:simple:Deployments:0:ClientKey 'azure-east' names a keyed IChatClient that is not registered", error.Message, StringComparison.Ordinal);

        var builder = HostingTests.HostBuilder(settings);
        builder.Services.AddAgentCost();
        builder.Services.AddKeyedChatClient("azure-east", new AgentCost.Tests.ChatClients.ScriptedModel());
        using var host = builder.Build();
        await host.StartAsync();
        await host.StopAsync();
    }

    [Theory]
    [InlineData("CodeBlockPoints", "NaN")]
    [InlineData("MaxLengthPoints", "-1")]
    [InlineData("ReasoningPoints", "Infinity")]
    [InlineData("SimpleVerbPoints", "NaN")]
    [InlineData("TierThresholds:0", "NaN")]
    public async Task A_heuristic_weight_that_is_not_a_finite_number_or_is_negative_fails(string key, string value)
    {
        var error = await StartFailsAsync(("AgentCost:Routing:Heuristic:" + key, value));

        Assert.Contains("AgentCost:Routing:Heuristic:" + key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Budgets_on_the_in_memory_ledger_warn_at_start_that_they_reset_with_the_process()
    {
        var logs = new FakeLogCollector();
        var builder = HostingTests.HostBuilder(("AgentCost:Spending:Budgets:Global:Daily", "5"));
        builder.Services.AddLogging(logging => logging.AddProvider(new FakeLoggerProvider(logs)));
        builder.Services.AddAgentCost();
        using var host = builder.Build();
        await host.StartAsync();
        await host.StopAsync();

        var warning = Assert.Single(logs.GetSnapshot(), static r => r.Id.Id == 1003);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("AddAgentCostSqliteLedger()", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.GetSnapshot(), static r => r.Id.Id is 1001 or 1002);
    }

    [Fact]
    public void Without_a_registered_configuration_a_warning_says_appsettings_was_not_read()
    {
        var logs = new FakeLogCollector();
        var services = new ServiceCollection().AddLogging(logging => logging.AddProvider(new FakeLoggerProvider(logs)));
        services.AddAgentCost();
        using var provider = services.BuildServiceProvider();

        provider.UseAgentCost();

        var warning = Assert.Single(logs.GetSnapshot(), static r => r.Id.Id == 1001);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("AddAgentCost(configuration)", warning.Message, StringComparison.Ordinal);
        AgentCostRuntime.Global = null;
    }

    [Fact]
    public void Without_a_host_AddAgentCost_with_the_configuration_reads_and_checks_the_AgentCost_section()
    {
        const string json = """{ "AgentCost": { "Spending": { "Budgets": { "Global": { "Daily": 0.5 } } }, "Cache": { "DefaultTtl": "00:10:00" } } }""";
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)))
            .Build();
        var logs = new FakeLogCollector();
        var services = new ServiceCollection().AddLogging(logging => logging.AddProvider(new FakeLoggerProvider(logs)));
        services.AddAgentCost(configuration);
        using var provider = services.BuildServiceProvider();

        var runtime = provider.UseAgentCost();
        AgentCostRuntime.Global = null;

        Assert.Equal(0.5m, runtime.Options.Spending.Budgets.Global.Daily);
        Assert.Equal(TimeSpan.FromMinutes(10), runtime.Options.Cache.DefaultTtl);
        Assert.DoesNotContain(logs.GetSnapshot(), static r => r.Id.Id is 1001 or 1002);

        var typo = new ServiceCollection();
        typo.AddAgentCost(HostingTests.Configuration(("AgentCost:Spending:Budgets:Global:Dialy", "0.5")));
        using var typoProvider = typo.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => typoProvider.UseAgentCost());
        Assert.Contains("Did you mean AgentCost:Spending:Budgets:Global:Daily?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddAgentCost_with_a_section_binds_and_checks_that_section_under_its_own_path()
    {
        var configuration = HostingTests.Configuration(("MyApp:AgentCost:Cache:DefaultTtl", "00:02:00"), ("AgentCost:Cache:DefaultTtl", "00:09:00"));
        var services = new ServiceCollection();
        services.AddAgentCost(configuration.GetSection("MyApp:AgentCost"));
        using var provider = services.BuildServiceProvider();

        Assert.Equal(TimeSpan.FromMinutes(2), provider.GetRequiredService<AgentCostRuntime>().Options.Cache.DefaultTtl);

        var typo = new ServiceCollection();
        typo.AddAgentCost(HostingTests.Configuration(("MyApp:AgentCost:Cache:DefaultTTL", "00:02:00"), ("MyApp:AgentCost:Cache:Enabeld", "false")).GetSection("MyApp:AgentCost"));
        using var typoProvider = typo.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => typoProvider.GetRequiredService<AgentCostRuntime>());
        Assert.Contains("MyApp:AgentCost:Cache:Enabeld is not an AgentCost setting", error.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean MyApp:AgentCost:Cache:Enabled?", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("DefaultTTL", error.Message, StringComparison.Ordinal); // keys match ignoring case, as the binder does
    }

    internal static async Task<OptionsValidationException> StartFailsAsync(params (string Key, string? Value)[] settings)
    {
        var builder = HostingTests.HostBuilder(settings);
        builder.Services.AddAgentCost();
        using var host = builder.Build();
        return await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }
}
