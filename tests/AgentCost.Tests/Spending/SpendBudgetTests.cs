using AgentCost.Spending;
using AgentCost.Telemetry;
using AgentCost.Tests.ChatClients;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace AgentCost.Tests.Spending;

/// <summary>Spend budgets: reservations, refusals, clamps, scopes, periods and alerts.</summary>
public sealed class SpendBudgetTests
{
    private static readonly ChatMessage[] s_question = [new(ChatRole.System, "You are terse."), new(ChatRole.User, "What does a spend budget do?")];

    // gpt-4o: $2.50 input, $10 output per million: 4,000 units (1e-10 $) a prompt token, 100,000 an output token... in dollars:
    private const decimal InputPerToken = 2.50m / 1_000_000;
    private const decimal OutputPerToken = 10m / 1_000_000;

    [Fact]
    public void A_call_that_does_not_fit_is_refused_with_the_budget_the_limit_and_the_figures()
    {
        using var test = new SpendRuntime(o => o.Spending.Budgets.Global.Daily = 0.01m);
        var first = test.Spending.Reserve("gpt-4o", promptTokens: 1_000, maxOutputTokens: 500);
        Assert.Equal((1_000 * InputPerToken) + (500 * OutputPerToken), first.Reserved);

        var error = Assert.Throws<SpendLimitExceededException>(() => test.Spending.Reserve("gpt-4o", promptTokens: 1_500, maxOutputTokens: 100));

        Assert.Equal("global daily", error.BudgetName);
        Assert.Equal(SpendScope.Global, error.Scope);
        Assert.Equal(SpendPeriod.Day, error.Period);
        Assert.Equal(0.01m, error.Limit);
        Assert.Equal(0m, error.Spent);
        Assert.Equal(first.Reserved, error.Reserved);
        Assert.Equal((1_500 * InputPerToken) + OutputPerToken, error.Needed);
        Assert.Equal("gpt-4o", error.ModelId);
        Assert.Equal(new DateTimeOffset(2025, 3, 10, 0, 0, 0, TimeSpan.Zero), error.PeriodStart);
        Assert.Contains("Spend budget 'global daily' (limit $0.01", error.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was sent to the model", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, test.Spending.GetBudgets().Single().RefusedCalls);
    }

    [Fact]
    public async Task A_call_that_fits_only_with_a_shorter_answer_is_clamped_and_settles_to_its_actual_cost()
    {
        using var test = new SpendRuntime(o => o.Spending.Budgets.Global.Daily = 0.01m);
        using var reservation = test.Spending.Reserve("gpt-4o", promptTokens: 2_000, maxOutputTokens: 4_000);

        // $0.01 - 2,000 x $2.50/M = $0.005 left for output: 500 tokens at $10/M.
        Assert.Equal(500, reservation.MaxOutputTokens);
        Assert.Equal(0.01m, reservation.Reserved);
        Assert.Equal(0.01m, test.Spending.GetBudgets().Single().Reserved);

        var record = await reservation.SettleAsync(new UsageDetails { InputTokenCount = 1_900, OutputTokenCount = 120 });

        Assert.Equal((1_900 * InputPerToken) + (120 * OutputPerToken), record.Cost);
        var budget = test.Spending.GetBudgets().Single();
        Assert.Equal(record.Cost, budget.Spent);
        Assert.Equal(0m, budget.Reserved);
        Assert.Equal(1, budget.Calls);
        Assert.Single(await test.RecordsAsync());
    }

    [Fact]
    public void Without_an_output_limit_a_call_reserves_the_models_maximum_and_is_not_changed()
    {
        using var test = new SpendRuntime(o => o.Spending.Budgets.Global.Daily = 100m);
        using var reservation = test.Spending.Reserve("gpt-4o", promptTokens: 10);

        Assert.Null(reservation.MaxOutputTokens);
        Assert.Equal((10 * InputPerToken) + (16_384 * OutputPerToken), reservation.Reserved);
    }

    [Fact]
    public void A_model_whose_maximum_is_unknown_is_sent_with_the_fallback_limit()
    {
        using var test = new SpendRuntime(o =>
        {
            o.Spending.Budgets.Global.Daily = 100m;
            o.Spending.FallbackMaxOutputTokens = 2_000;
            o.Pricing.Models["acme"] = new ModelPrice { Input = 1m, Output = 1m };
        });

        using var reservation = test.Spending.Reserve("acme", promptTokens: 10);

        Assert.Equal(2_000, reservation.MaxOutputTokens);
    }

    [Fact]
    public void Anthropic_reservations_count_the_prompt_at_the_dearest_cache_write_price()
    {
        using var test = new SpendRuntime(o => o.Spending.Budgets.Global.Daily = 100m);
        using var reservation = test.Spending.Reserve("claude-sonnet-4-5", promptTokens: 1_000, maxOutputTokens: 100);

        Assert.Equal((1_000 * 6m / 1_000_000) + (100 * 15m / 1_000_000), reservation.Reserved);
    }

    [Fact]
    public async Task A_released_reservation_gives_everything_back()
    {
        using var test = new SpendRuntime(o => o.Spending.Budgets.Global.Daily = 1m);
        var reservation = test.Spending.Reserve("gpt-4o", 1_000, 1_000);
        reservation.Release();
        reservation.Dispose();

        Assert.Equal(0m, test.Spending.GetBudgets().Single().Reserved);
        Assert.Empty(await test.RecordsAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await reservation.SettleAsync(new UsageDetails()));
    }

    [Fact]
    public async Task Model_tenant_and_method_budgets_apply_to_their_calls_and_star_gives_each_its_own()
    {
        using var test = new SpendRuntime(o =>
        {
            o.Spending.Budgets.Models["gpt-4o"] = new SpendLimit { Daily = 0.005m };
            o.Spending.Budgets.Tenants["*"] = new SpendLimit { Monthly = 0.003m };
            o.Spending.Budgets.Methods["Agent.Research"] = new SpendLimit { Daily = 0.002m };
        });

        // 1,000 prompt + 100 output tokens of gpt-4o-mini: $0.00021 worst case.
        using (AgentCostContext.Begin("acme"))
        using (AgentCallContext.BeginMethod("Agent.Research"))
        {
            var record = await test.Spending.Reserve("gpt-4o-mini", 1_000, 100).SettleAsync(new UsageDetails { InputTokenCount = 1_000, OutputTokenCount = 100 });
            Assert.Equal(("gpt-4o-mini", "Agent.Research", "acme"), (record.Model, record.Method, record.Tenant));
        }

        using (AgentCostContext.Begin("globex"))
        {
            var error = Assert.Throws<SpendLimitExceededException>(() => test.Spending.Reserve("gpt-4o", 3_000, 1_000));
            Assert.Equal("tenant 'globex' monthly", error.BudgetName);
            Assert.Equal((SpendScope.Tenant, "globex", SpendPeriod.Month), (error.Scope, error.Key, error.Period));
        }

        var error2 = Assert.Throws<SpendLimitExceededException>(() => test.Spending.Reserve("gpt-4o", 3_000, 1_000));
        Assert.Equal("model 'gpt-4o' daily", error2.BudgetName);

        using (AgentCallContext.BeginMethod("Agent.Research"))
        {
            var error3 = Assert.Throws<SpendLimitExceededException>(() => test.Spending.Reserve("gpt-4o-mini", 15_000, 1_000));
            Assert.Equal("method 'Agent.Research' daily", error3.BudgetName);
        }

        var budgets = test.Spending.GetBudgets().ToDictionary(static b => b.Name);
        Assert.Equal(0.00021m, budgets["tenant 'acme' monthly"].Spent);
        Assert.Equal(0.00021m, budgets["method 'Agent.Research' daily"].Spent);
        Assert.Equal(0m, budgets["model 'gpt-4o' daily"].Spent);
        Assert.Equal(0m, budgets["tenant 'globex' monthly"].Spent);
        Assert.Equal(1, budgets["tenant 'globex' monthly"].RefusedCalls);
    }

    [Fact]
    public async Task Days_follow_the_configured_time_zone_and_reset_hour()
    {
        // 05:30 in Berlin (UTC+1 in March before the change) on the 10th is still the 9th's spend day with a reset at 06:00.
        using var test = new SpendRuntime(
            o =>
            {
                o.Spending.TimeZone = "Europe/Berlin";
                o.Spending.DayResetHour = 6;
                o.Spending.Budgets.Global.Daily = 0.001m;
                o.Spending.Budgets.Global.Monthly = 0.001m;
            },
            start: new DateTimeOffset(2025, 3, 10, 4, 30, 0, TimeSpan.Zero));
        await test.Spending.Reserve("gpt-4o-mini", 1_000, 1_000).SettleAsync(new UsageDetails { InputTokenCount = 1_000, OutputTokenCount = 1_000 });
        var day = test.Spending.GetBudgets().Single(static b => b.Period == SpendPeriod.Day);
        Assert.Equal(new DateTimeOffset(2025, 3, 9, 6, 0, 0, TimeSpan.FromHours(1)), day.PeriodStart);
        Assert.Equal(new DateTimeOffset(2025, 3, 10, 6, 0, 0, TimeSpan.FromHours(1)), day.PeriodEnd);
        Assert.Equal(0.00075m, day.Spent);
        Assert.Equal("global daily", Assert.Throws<SpendLimitExceededException>(() => test.Spending.Reserve("gpt-4o-mini", 2_000, 1_000)).BudgetName);

        // 06:00 local: a new day, but the same month.
        test.Time.Advance(TimeSpan.FromMinutes(30));
        var budgets = test.Spending.GetBudgets();
        Assert.Equal(0m, budgets.Single(static b => b.Period == SpendPeriod.Day).Spent);
        Assert.Equal(0.00075m, budgets.Single(static b => b.Period == SpendPeriod.Month).Spent);
        var error = Assert.Throws<SpendLimitExceededException>(() => test.Spending.Reserve("gpt-4o-mini", 2_000, 1_000));
        Assert.Equal("global monthly", error.BudgetName);
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 6, 0, 0, TimeSpan.FromHours(1)), error.PeriodStart);

        var report = await test.Spending.GetReportAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
        Assert.Equal(new DateOnly(2025, 3, 9), Assert.Single(report.ByDay).Day);
    }

    [Fact]
    public void Day_boundaries_survive_daylight_saving_changes()
    {
        // Europe/Berlin springs forward at 02:00 on 30 March 2025: a 02:30 reset hour does not exist that day.
        using var test = new SpendRuntime(
            o =>
            {
                o.Spending.TimeZone = "Europe/Berlin";
                o.Spending.DayResetHour = 2;
                o.Spending.Budgets.Global.Daily = 1m;
            },
            start: new DateTimeOffset(2025, 3, 30, 12, 0, 0, TimeSpan.Zero));

        var day = test.Spending.GetBudgets().Single();

        Assert.Equal(new DateTimeOffset(2025, 3, 30, 3, 0, 0, TimeSpan.FromHours(2)), day.PeriodStart);
        Assert.Equal(new DateTimeOffset(2025, 3, 31, 2, 0, 0, TimeSpan.FromHours(2)), day.PeriodEnd);
    }

    [Fact]
    public async Task Alerts_are_raised_once_per_threshold_and_period_through_the_handler_the_event_the_log_and_the_metric()
    {
        var recorder = new AlertRecorder();
        using var test = new SpendRuntime(o => o.Spending.Budgets.Global.Daily = 0.001m, handlers: recorder);
        using var alerts = new MetricCollector<long>(test.MeterFactory, AgentCostMetrics.MeterName, "agentcost.spend.alerts");
        var raised = new List<SpendAlert>();
        test.Spending.ThresholdReached += (_, alert) => raised.Add(alert);
        var usage = new UsageDetails { InputTokenCount = 1_000, OutputTokenCount = 400 }; // gpt-4o-mini: $0.00039

        await test.Spending.Reserve("gpt-4o-mini", 1_000, 400).SettleAsync(usage); // 39 %
        Assert.Empty(recorder.Alerts);
        await test.Spending.Reserve("gpt-4o-mini", 1_000, 400).SettleAsync(usage); // 78 %: 50 %
        await test.Spending.Reserve("gpt-4o-mini", 10, 10).SettleAsync(new UsageDetails { InputTokenCount = 10, OutputTokenCount = 10 }); // 78.75 %
        Assert.Equal([0.5m], recorder.Alerts.Select(static a => a.Threshold));
        await test.Spending.Reserve("gpt-4o-mini", 100, 100).SettleAsync(new UsageDetails { InputTokenCount = 100, OutputTokenCount = 100 }); // 86.25 %: 80 %
        Assert.Throws<SpendLimitExceededException>(() => test.Spending.Reserve("gpt-4o-mini", 1_000, 400)); // refused: 100 %

        Assert.Equal([0.5m, 0.8m, 1.0m], recorder.Alerts.Select(static a => a.Threshold));
        Assert.Equal([false, false, true], recorder.Alerts.Select(static a => a.LimitReached));
        Assert.Equal(recorder.Alerts, raised);
        Assert.Equal("global daily", recorder.Alerts[1].Budget.Name);
        Assert.Equal(0.0008625m, recorder.Alerts[1].Budget.Spent);
        Assert.Equal(3, alerts.GetMeasurementSnapshot().Count);
        Assert.Equal(3, test.Logs.GetSnapshot().Count(static r => r.Id.Id == 3201 && r.Level == Microsoft.Extensions.Logging.LogLevel.Warning));

        // Nothing more this day; the next day starts afresh.
        Assert.Throws<SpendLimitExceededException>(() => test.Spending.Reserve("gpt-4o-mini", 1_000, 400));
        Assert.Equal(3, recorder.Alerts.Count);
        test.Time.Advance(TimeSpan.FromDays(1));
        await test.Spending.Reserve("gpt-4o-mini", 1_000, 400).SettleAsync(usage);
        await test.Spending.Reserve("gpt-4o-mini", 1_000, 400).SettleAsync(usage);
        Assert.Equal([0.5m, 0.8m, 1.0m, 0.5m], recorder.Alerts.Select(static a => a.Threshold));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task A_blank_model_id_is_refused_inside_a_budget_saying_it_is_blank_and_what_to_set(string modelId)
    {
        using var runtime = new SpendRuntime(o => o.Spending.Budgets.Global.Daily = 10m);
        var model = new ScriptedModel("gpt-4o-mini");
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();

        var error = await Assert.ThrowsAsync<ModelNotPricedException>(() => client.GetResponseAsync(s_question, new ChatOptions { ModelId = modelId }));

        Assert.Contains("model id is blank", error.Message, StringComparison.Ordinal);
        Assert.Contains("ChatOptions.ModelId", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Models::", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Models::", error.SettingKey, StringComparison.Ordinal);
        Assert.Equal(0, model.Calls);
    }

    [Fact]
    public async Task A_model_without_a_price_is_refused_inside_a_budget_and_recorded_as_unpriced_outside()
    {
        using (var inBudget = new SpendRuntime(o => o.Spending.Budgets.Global.Daily = 10m))
        {
            var model = new ScriptedModel("llama3");
            using var client = new ChatClientBuilder(model).UseAgentCost().Build();

            var error = await Assert.ThrowsAsync<ModelNotPricedException>(() => client.GetResponseAsync(s_question));

            Assert.Equal("llama3", error.ModelId);
            Assert.Equal("AgentCost:Pricing:Models:llama3", error.SettingKey);
            Assert.Equal("global daily", error.BudgetName);
            Assert.Contains("Add AgentCost:Pricing:Models:llama3:Input and :Output", error.Message, StringComparison.Ordinal);
            Assert.Equal(0, model.Calls);
        }

        using (var free = new SpendRuntime(o =>
        {
            o.Spending.Budgets.Global.Daily = 10m;
            o.Pricing.Models["llama3"] = new ModelPrice { Input = 0m, Output = 0m };
        }))
        {
            using var client = new ChatClientBuilder(new ScriptedModel("llama3")).UseAgentCost().Build();
            await client.GetResponseAsync(s_question);
            var record = Assert.Single(await free.RecordsAsync());
            Assert.False(record.IsUnpriced);
            Assert.Equal(0m, record.Cost);
        }

        using var outside = new SpendRuntime();
        using var unpriced = new MetricCollector<long>(outside.MeterFactory, AgentCostMetrics.MeterName, "agentcost.calls.unpriced");
        using (var client = new ChatClientBuilder(new ScriptedModel("llama3")).UseAgentCost().Build())
        {
            await client.GetResponseAsync(s_question);
            await client.GetResponseAsync(s_question);
        }

        var records = await outside.RecordsAsync();
        Assert.Equal(2, records.Count);
        Assert.All(records, static r => Assert.True(r.IsUnpriced));
        Assert.Equal(2, unpriced.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal("llama3", unpriced.LastMeasurement!.Tags["gen_ai.request.model"]);
        Assert.Single(outside.Logs.GetSnapshot(), static r => r.Id.Id == 3204);
        var report = await outside.Spending.GetReportAsync(SpendPeriod.Day);
        Assert.Equal(2, report.UnpricedCalls);
        Assert.Equal(0m, report.TotalCost);
    }

    [Fact]
    public async Task Unpriced_calls_can_be_allowed_inside_budgets()
    {
        using var test = new SpendRuntime(o =>
        {
            o.Spending.Budgets.Global.Daily = 10m;
            o.Pricing.RefuseUnpricedInBudgets = false;
        });
        using var client = new ChatClientBuilder(new ScriptedModel("llama3")).UseAgentCost().Build();

        await client.GetResponseAsync(s_question);

        Assert.True(Assert.Single(await test.RecordsAsync()).IsUnpriced);
        Assert.Equal(0m, test.Spending.GetBudgets().Single().Spent);
    }

    [Fact]
    public async Task Spend_recorded_in_the_ledger_is_reloaded_when_a_runtime_starts_again()
    {
        var ledger = new InMemorySpendLedger();
        var usage = new UsageDetails { InputTokenCount = 1_000, OutputTokenCount = 1_000 };
        void Configure(Hosting.AgentCostOptions o)
        {
            o.Spending.Budgets.Global.Daily = 0.002m;
            o.Spending.Budgets.Tenants["*"] = new SpendLimit { Daily = 0.001m };
        }

        using (var first = new SpendRuntime(Configure, ledger: ledger))
        using (AgentCostContext.Begin("acme"))
        {
            await first.Spending.Reserve("gpt-4o-mini", 1_000, 1_000).SettleAsync(usage);
        }

        var recorder = new AlertRecorder();
        using var second = new SpendRuntime(Configure, start: new DateTimeOffset(2025, 3, 10, 18, 0, 0, TimeSpan.Zero), ledger, recorder);
        using (AgentCostContext.Begin("acme"))
        {
            var error = Assert.Throws<SpendLimitExceededException>(() => second.Spending.Reserve("gpt-4o-mini", 2_000, 1_000));
            Assert.Equal("tenant 'acme' daily", error.BudgetName);
            Assert.Equal(0.00075m, error.Spent);
        }

        var global = second.Spending.GetBudgets().Single(static b => b.Scope == SpendScope.Global);
        Assert.Equal(0.00075m, global.Spent);
        Assert.Equal(1, global.Calls);

        // The 50 % threshold of the tenant was crossed before the restart: only the refusal's 80 % and 100 % are new.
        Assert.Equal([0.8m, 1.0m], recorder.Alerts.Select(static a => a.Threshold));
    }

    [Fact]
    public void Bad_spend_settings_fail_at_start_up_naming_their_keys()
    {
        var options = new Hosting.AgentCostOptions();
        options.Spending.TimeZone = "Mars/Olympus_Mons";
        options.Spending.DayResetHour = 24;
        options.Spending.AlertThresholds = [0.5m, 1.5m];
        options.Spending.Budgets.Global.Daily = -1m;
        options.Spending.Budgets.Tenants["acme"] = new SpendLimit { Monthly = -2m };

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => AgentCostRuntime.Create(options));

        Assert.Contains(error.Failures, static f => f.StartsWith("AgentCost:Spending:TimeZone 'Mars/Olympus_Mons' is not a time zone", StringComparison.Ordinal));
        Assert.Contains("AgentCost:Spending:DayResetHour must be an hour from 0 to 23, but was 24.", error.Failures);
        Assert.Contains("AgentCost:Spending:AlertThresholds:1 must be above 0 and at most 1 (a fraction of the limit), but was 1.5.", error.Failures);
        Assert.Contains("AgentCost:Spending:Budgets:Global:Daily must not be negative, but was -1 (US dollars).", error.Failures);
        Assert.Contains("AgentCost:Spending:Budgets:Tenants:acme:Monthly must not be negative, but was -2 (US dollars).", error.Failures);
    }

    [Fact]
    public void A_limit_larger_than_the_counters_can_hold_fails_at_start_up_instead_of_being_cut()
    {
        var options = new Hosting.AgentCostOptions();
        options.Spending.Budgets.Global.Monthly = 500_000_000m;
        options.Spending.Budgets.Models["gpt-4o"] = new SpendLimit { Daily = 200_000_000m };

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => AgentCostRuntime.Create(options));

        Assert.Equal("AgentCost:Spending:Budgets:Global:Monthly must be at most 200,000,000 US dollars, but was 500000000.", Assert.Single(error.Failures));

        // The largest limit allowed starts.
        options.Spending.Budgets.Global.Monthly = 200_000_000m;
        using var runtime = AgentCostRuntime.Create(options);
        Assert.NotNull(runtime.Spending);
    }

    [Fact]
    public void Spend_settings_are_bound_from_configuration()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton(services, HostingTests.Configuration(
            ("AgentCost:Spending:TimeZone", "America/New_York"),
            ("AgentCost:Spending:DayResetHour", "4"),
            ("AgentCost:Spending:AlertThresholds:0", "0.25"),
            ("AgentCost:Spending:AlertThresholds:1", "0.9"),
            ("AgentCost:Spending:Budgets:Global:Daily", "50"),
            ("AgentCost:Spending:Budgets:Global:Monthly", "1000"),
            ("AgentCost:Spending:Budgets:Models:gpt-4.1:Daily", "20"),
            ("AgentCost:Spending:Budgets:Tenants:*:Daily", "5"),
            ("AgentCost:Spending:Budgets:Methods:MyApp.Agent.RunAsync:Monthly", "100")));
        Microsoft.Extensions.DependencyInjection.AgentCostServiceCollectionExtensions.AddAgentCost(services);
        using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);

        var options = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Microsoft.Extensions.Options.IOptions<Hosting.AgentCostOptions>>(provider).Value.Spending;

        Assert.Equal(("America/New_York", 4), (options.TimeZone, options.DayResetHour));
        Assert.Equal([0.25m, 0.9m], options.AlertThresholds!);
        Assert.Equal((50m, 1000m), (options.Budgets.Global.Daily!.Value, options.Budgets.Global.Monthly!.Value));
        Assert.Equal(20m, options.Budgets.Models["GPT-4.1"].Daily);
        Assert.Equal(5m, options.Budgets.Tenants["*"].Daily);
        Assert.Equal(100m, options.Budgets.Methods["MyApp.Agent.RunAsync"].Monthly);
    }
}
