using System.Text;
using AgentCost.Hosting;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AgentCost.Tests;

public class HostingTests
{
    internal static IConfiguration Configuration(params (string Key, string? Value)[] values)
        => new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();

    internal static HostApplicationBuilder HostBuilder(params (string Key, string? Value)[] values)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)));
        return builder;
    }

    [Fact]
    public void Options_are_bound_from_the_AgentCost_section()
    {
        var services = new ServiceCollection();
        services.AddSingleton(Configuration(
            ("AgentCost:Cache:DefaultTtl", "00:05:00"),
            ("AgentCost:Cache:Enabled", "false"),
            ("AgentCost:Cache:CacheNullResults", "false")));
        services.AddAgentCost();
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<AgentCostOptions>>().Value;
        Assert.Equal(TimeSpan.FromMinutes(5), options.Cache.DefaultTtl);
        Assert.False(options.Cache.Enabled);
        Assert.False(options.Cache.CacheNullResults);

        var runtime = provider.GetRequiredService<AgentCostRuntime>();
        Assert.Same(options, runtime.Options);
        Assert.Same(runtime, provider.GetRequiredService<AgentCostRuntime>());
    }

    [Fact]
    public void Options_are_bound_from_json()
    {
        const string json = """{ "AgentCost": { "Cache": { "DefaultTtl": "02:30:00" } } }""";
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)))
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddAgentCost();
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<AgentCostOptions>>().Value;
        Assert.Equal(TimeSpan.FromMinutes(150), options.Cache.DefaultTtl);
        Assert.True(options.Cache.Enabled);
        Assert.True(options.Cache.CacheNullResults);
    }

    [Fact]
    public void Defaults_apply_without_configuration()
    {
        var services = new ServiceCollection();
        services.AddAgentCost();
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<AgentCostRuntime>().Options;
        Assert.Equal(TimeSpan.FromHours(1), options.Cache.DefaultTtl);
        Assert.True(options.Cache.Enabled);
        Assert.True(options.Cache.CacheNullResults);
        Assert.NotNull(provider.GetRequiredService<HybridCache>());
    }

    [Fact]
    public void The_configure_callback_runs_after_configuration()
    {
        var services = new ServiceCollection();
        services.AddSingleton(Configuration(("AgentCost:Cache:DefaultTtl", "00:05:00"), ("AgentCost:Cache:Enabled", "false")));
        services.AddAgentCost(options => options.Cache.DefaultTtl = TimeSpan.FromSeconds(42));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<AgentCostOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(42), options.Cache.DefaultTtl);
        Assert.False(options.Cache.Enabled);
    }

    [Fact]
    public void AddAgentCost_twice_registers_one_runtime_and_one_activator()
    {
        var services = new ServiceCollection();
        services.AddAgentCost();
        services.AddAgentCost();
        Assert.Single(services, d => d.ServiceType == typeof(AgentCostRuntime));
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService));
        Assert.Equal(
            [typeof(AgentCostOptionsValidator), typeof(AgentCostConfigurationValidator)],
            services.Where(d => d.ServiceType == typeof(IValidateOptions<AgentCostOptions>)).Select(d => d.ImplementationType));
    }

    [Theory]
    [InlineData("-00:00:01")]
    [InlineData("00:00:00")]
    [InlineData("10675199.02:48:05.4775807")]
    [InlineData("36500.00:00:00")]
    public async Task An_invalid_default_ttl_fails_at_start_up_and_names_its_key(string value)
    {
        var builder = HostBuilder(("AgentCost:Cache:DefaultTtl", value));
        builder.Services.AddAgentCost();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("AgentCost:Cache:DefaultTtl", error.Message, StringComparison.Ordinal);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
        Assert.Equal(typeof(AgentCostOptions), error.OptionsType);
    }

    [Fact]
    public void An_invalid_default_ttl_fails_when_the_runtime_is_resolved_without_a_host()
    {
        var services = new ServiceCollection();
        services.AddSingleton(Configuration(("AgentCost:Cache:DefaultTtl", "-00:00:01")));
        services.AddAgentCost();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<AgentCostRuntime>());
        Assert.Contains("AgentCost:Cache:DefaultTtl", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unparsable_default_ttl_names_its_key()
    {
        var services = new ServiceCollection();
        services.AddSingleton(Configuration(("AgentCost:Cache:DefaultTtl", "one hour")));
        services.AddAgentCost();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IOptions<AgentCostOptions>>().Value);
        Assert.Contains("AgentCost:Cache:DefaultTtl", error.Message, StringComparison.Ordinal);
    }
}

/// <summary>Tests that set <see cref="AgentCostRuntime.Global"/>: run alone, and restore it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalRuntimeCollection
{
    public const string Name = "Global runtime";
}

[Collection(GlobalRuntimeCollection.Name)]
public sealed class GlobalRuntimeTests : IDisposable
{
    private readonly AgentCostRuntime? _previous = AgentCostRuntime.Global;

    public void Dispose() => AgentCostRuntime.Global = _previous;

    [Fact]
    public async Task A_started_host_makes_its_runtime_global_until_it_stops()
    {
        AgentCostRuntime.Global = null;
        var builder = HostingTests.HostBuilder(("AgentCost:Cache:DefaultTtl", "00:10:00"));
        builder.Services.AddAgentCost();
        using var host = builder.Build();
        var runtime = host.Services.GetRequiredService<AgentCostRuntime>();
        Assert.Null(AgentCostRuntime.Global);

        await host.StartAsync();
        try
        {
            Assert.Same(runtime, AgentCostRuntime.Global);
            Assert.Same(runtime, AgentCostRuntime.Current);
            Assert.Equal(TimeSpan.FromMinutes(10), AgentCostRuntime.Current.Options.Cache.DefaultTtl);

            // Generated code with no ambient runtime goes to the host's.
            var tools = new Tools();
            tools.CallAsk("q");
            tools.CallAsk("q");
            Assert.Equal(1, tools.Runs);
            Assert.Equal(1, runtime.Cache.GetStatistics("AgentCost.Tests.Tools.Ask").Hits);

            // An ambient runtime still wins over the global one.
            using (var isolated = new TestRuntime())
            {
                Assert.Same(isolated.Runtime, AgentCostRuntime.Current);
            }
        }
        finally
        {
            await host.StopAsync();
        }

        Assert.Null(AgentCostRuntime.Global);
    }

    [Fact]
    public async Task Stopping_a_host_leaves_a_global_runtime_set_by_someone_else()
    {
        using var other = AgentCostRuntime.Create();
        var builder = HostingTests.HostBuilder();
        builder.Services.AddAgentCost();
        using var host = builder.Build();

        await host.StartAsync();
        AgentCostRuntime.Global = other;
        await host.StopAsync();

        Assert.Same(other, AgentCostRuntime.Global);
    }

    [Fact]
    public void UseAgentCost_makes_the_registered_runtime_global()
    {
        var services = new ServiceCollection();
        services.AddSingleton(HostingTests.Configuration(("AgentCost:Cache:DefaultTtl", "00:00:30")));
        services.AddAgentCost();
        using var provider = services.BuildServiceProvider();

        var runtime = provider.UseAgentCost();

        Assert.Same(provider.GetRequiredService<AgentCostRuntime>(), runtime);
        Assert.Same(runtime, AgentCostRuntime.Global);
        Assert.Same(runtime, AgentCostRuntime.Current);
        Assert.Equal(TimeSpan.FromSeconds(30), runtime.Options.Cache.DefaultTtl);
    }

    [Fact]
    public void UseAgentCost_without_AddAgentCost_fails()
    {
        using var provider = new ServiceCollection().BuildServiceProvider();
        Assert.Throws<InvalidOperationException>(() => provider.UseAgentCost());
    }

    [Fact]
    public void Without_a_host_or_ambient_runtime_a_default_in_memory_runtime_is_used()
    {
        AgentCostRuntime.Global = null;
        var current = AgentCostRuntime.Current;
        Assert.Same(current, AgentCostRuntime.Current);
        Assert.Equal(TimeSpan.FromHours(1), current.Options.Cache.DefaultTtl);
        Assert.True(current.Options.Cache.Enabled);
    }
}
