using AgentCost.Hosting;
using AgentCost.Spending;
using AgentCost.Tests.ChatClients;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentCost.Tests;

/// <summary>
/// Random, hostile configuration values under <c>AgentCost</c>: each set either starts, and then holds its budgets, or
/// fails at start-up with an error that names one of the keys it was given — never another exception, never later.
/// </summary>
public sealed class ConfigurationFuzzTests
{
    private static readonly string[] s_keys =
    [
        "AgentCost:Spending:Budgets:Global:Daily",
        "AgentCost:Spending:Budgets:Global:Monthly",
        "AgentCost:Spending:Budgets:Models:gpt-4o:Daily",
        "AgentCost:Spending:Budgets:Tenants:*:Daily",
        "AgentCost:Spending:Budgets:Global:Dialy",
        "AgentCost:Spending:DayResetHour",
        "AgentCost:Spending:TimeZone",
        "AgentCost:Spending:AlertThresholds:0",
        "AgentCost:Spending:FallbackMaxOutputTokens",
        "AgentCost:Spending:OutputLimitPolicy",
        "AgentCost:Spending:StreamLease",
        "AgentCost:Spending:ReservationWait",
        "AgentCost:Spending:Enabled",
        "AgentCost:Spending:InMemoryLedgerCapacity",
        "AgentCost:Tokens:EstimateMargin",
        "AgentCost:Tokens:LearnEstimateMargin",
        "AgentCost:Tokens:FallbackEncoding",
        "AgentCost:Pricing:Models:gpt-4o:Input",
        "AgentCost:Pricing:Models:gpt-4o:Output",
        "AgentCost:Pricing:Models:acme-llm:Input",
        "AgentCost:Pricing:Aliases:prod-chat",
        "AgentCost:Cache:DefaultTtl",
        "AgentCost:Cache:CacheNullResults",
    ];

    private static readonly string[] s_values =
    [
        "", " ", "0", "1", "-1", "2.5", "0.0000001", "NaN", "Infinity", "-Infinity", "1e300", "99999999999",
        "79228162514264337593543950336", "abc", "true", "00:00:00", "-00:00:01", "10675199.02:48:05.4775808", "Clamp",
        "Refuse", "gpt-4o", "acme-llm", "Mars/Olympus_Mons", "UTC", "O200kBase",
    ];

    private static readonly ChatMessage[] s_prompt = [new(ChatRole.User, "What does a spend budget do?")];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Hostile_settings_start_and_hold_or_fail_at_start_naming_a_key_they_set(int seed)
    {
        var random = new Random(seed);
        var started = 0;
        for (var round = 0; round < 150; round++)
        {
            var settings = Enumerable.Range(0, 1 + random.Next(4))
                .Select(_ => s_keys[random.Next(s_keys.Length)])
                .Select(key => new KeyValuePair<string, string?>(key, random.Next(3) == 0 ? s_values[random.Next(s_values.Length)] : Valid(key)))
                .DistinctBy(static setting => setting.Key)
                .ToList();
            var described = string.Join("; ", settings.Select(static s => $"{s.Key}='{s.Value}'"));
            var services = new ServiceCollection().AddLogging();
            services.AddAgentCost(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
            using var provider = services.BuildServiceProvider();

            AgentCostRuntime runtime;
            try
            {
                runtime = provider.GetRequiredService<AgentCostRuntime>();
            }
            catch (Exception error) when (error is OptionsValidationException or InvalidOperationException)
            {
                Assert.True(
                    settings.Any(setting => error.Message.Contains(setting.Key, StringComparison.OrdinalIgnoreCase) || NamesSection(error.Message, setting.Key)),
                    $"seed {seed} round {round}: '{error.Message}' names none of {described}");
                continue;
            }

            started++;
            await CallWithinLimitsAsync(runtime, described);
        }

        Assert.InRange(started, 10, 149);
    }

    private static async Task CallWithinLimitsAsync(AgentCostRuntime runtime, string described)
    {
        using var scope = AgentCostRuntime.Use(runtime);
        using var client = new ChatClientBuilder(new ScriptedModel("gpt-4o")).UseAgentCost().Build();
        for (var i = 0; i < 3; i++)
        {
            try
            {
                await client.GetResponseAsync(s_prompt, new ChatOptions { MaxOutputTokens = 200 });
            }
            catch (Exception error) when (error is SpendLimitExceededException or ModelNotPricedException or TokenBudgetExceededException)
            {
            }
        }

        foreach (var budget in runtime.Spending.GetBudgets())
        {
            Assert.True(budget.Spent <= budget.Limit, $"{described}: {budget.Name} spent {budget.Spent} of {budget.Limit}");
            Assert.Equal(0m, budget.Reserved);
        }
    }

    // Most settings in a round are sound, so that the hostile one decides the outcome and sets do start.
    private static string Valid(string key) => key[(key.LastIndexOf(':') + 1)..] switch
    {
        "TimeZone" => "UTC",
        "OutputLimitPolicy" => "Refuse",
        "StreamLease" or "ReservationWait" or "DefaultTtl" => "00:00:05",
        "Enabled" or "LearnEstimateMargin" or "CacheNullResults" => "true",
        "FallbackEncoding" => "Cl100kBase",
        "prod-chat" => "gpt-4o",
        "0" => "0.7",
        "EstimateMargin" => "0.2",
        "DayResetHour" => "6",
        "FallbackMaxOutputTokens" or "InMemoryLedgerCapacity" => "1000",
        _ => "0.001",
    };

    // A value set on a key the binder reads as part of a section is reported at that section's path.
    private static bool NamesSection(string message, string key)
    {
        var cut = key.LastIndexOf(':');
        return cut > "AgentCost".Length && message.Contains(key[..cut], StringComparison.OrdinalIgnoreCase);
    }
}
