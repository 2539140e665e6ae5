using AgentCost.Hosting;
using AgentCost.Spending;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace AgentCost.Sqlite.Tests;

public sealed class SqliteLedgerTests
{
    private static readonly DateTimeOffset s_noon = new(2025, 3, 10, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Rows_and_tasks_round_trip_with_every_field()
    {
        using var database = new TempDatabase();
        await using var ledger = new SqliteSpendLedger(database.ConnectionString);
        var call = new SpendRecord
        {
            Timestamp = s_noon,
            Kind = SpendRecordKind.ModelCall,
            Model = "claude-sonnet-4-5",
            Method = "Agent.Plan",
            Tenant = "acme",
            Task = "answer",
            Tokens = new SpendTokens(1, 2, 3, 4, 5, 6),
            Cost = 0.0000001234m,
            Saved = 0.5m,
            IsEstimated = true,
        };
        var hit = new SpendRecord { Timestamp = s_noon.AddHours(1), Kind = SpendRecordKind.CacheHit, Method = "Agent.Search", Saved = 0.01m };
        var unpriced = new SpendRecord { Timestamp = s_noon.AddHours(2), Model = "llama3", IsUnpriced = true };
        var semanticHit = new SpendRecord { Timestamp = s_noon.AddHours(2.5), Kind = SpendRecordKind.SemanticCacheHit, Model = "gpt-4o", Tenant = "acme", Saved = 0.02m };
        var task = new TaskRecord(Guid.NewGuid(), "answer", "acme", s_noon, s_noon.AddMinutes(1), true, 0.25m, 7);

        await ledger.AppendAsync(call);
        await ledger.AppendAsync(hit);
        await ledger.AppendAsync(unpriced);
        await ledger.AppendAsync(semanticHit);
        await ledger.AppendTaskAsync(task);

        var rows = new List<SpendRecord>();
        await foreach (var row in ledger.ReadAsync(s_noon, s_noon.AddDays(1)))
        {
            rows.Add(row);
        }

        Assert.Equal([call, hit, unpriced, semanticHit], rows);
        var tasks = new List<TaskRecord>();
        await foreach (var row in ledger.ReadTasksAsync(s_noon, s_noon.AddDays(1)))
        {
            tasks.Add(row);
        }

        Assert.Equal([task], tasks);
        var totals = await ledger.GetTotalsAsync(s_noon, s_noon.AddHours(3));
        Assert.Equal(2, totals.Count);
        Assert.Contains(new SpendTotal("claude-sonnet-4-5", "Agent.Plan", "acme", 1, 0.0000001234m), totals);
        Assert.Empty(await ledger.GetTotalsAsync(s_noon.AddDays(1), s_noon.AddDays(2)));
    }

    [Fact]
    public async Task Concurrent_rows_are_committed_in_shared_batches()
    {
        using var database = new TempDatabase();
        await using var ledger = new SqliteSpendLedger(new SqliteSpendLedgerOptions { ConnectionString = database.ConnectionString, Synchronous = SqliteSynchronousMode.Normal });

        await Task.WhenAll(Enumerable.Range(0, 2_000).Select(i => ledger.AppendAsync(new SpendRecord { Timestamp = s_noon, Model = "m", Cost = 0.001m }).AsTask()));

        Assert.Equal(2_000, ledger.RowsWritten);
        Assert.InRange(ledger.Batches, 1, 1_999);
        var total = Assert.Single(await ledger.GetTotalsAsync(s_noon, s_noon.AddSeconds(1)));
        Assert.Equal((2_000, 2m), (total.Calls, total.Cost));
    }

    [Fact]
    public async Task Budgets_continue_after_a_restart_on_the_same_file()
    {
        using var database = new TempDatabase();
        var time = new FakeTimeProvider(s_noon);
        var options = new AgentCostOptions();
        options.Spending.Budgets.Global.Daily = 0.002m;
        options.Spending.Budgets.Global.Monthly = 1m;
        var usage = new UsageDetails { InputTokenCount = 1_000, OutputTokenCount = 1_000 }; // gpt-4o-mini: $0.00075

        await using (var ledger = new SqliteSpendLedger(database.ConnectionString))
        using (var runtime = AgentCostRuntime.Create(options, time, ledger: ledger))
        {
            await runtime.Spending.Reserve("gpt-4o-mini", 1_000, 1_000).SettleAsync(usage);
            await runtime.Spending.Reserve("gpt-4o-mini", 1_000, 1_000).SettleAsync(usage);
        }

        time.Advance(TimeSpan.FromHours(3));
        await using (var ledger = new SqliteSpendLedger(database.ConnectionString))
        using (var runtime = AgentCostRuntime.Create(options, time, ledger: ledger))
        {
            var day = runtime.Spending.GetBudgets().Single(static b => b.Period == SpendPeriod.Day);
            Assert.Equal((0.0015m, 2L), (day.Spent, day.Calls));
            var error = Assert.Throws<SpendLimitExceededException>(() => runtime.Spending.Reserve("gpt-4o-mini", 4_000, 1_000));
            Assert.Equal("global daily", error.BudgetName);
            Assert.Equal(0.0015m, error.Spent);

            var report = await runtime.Spending.GetReportAsync(SpendPeriod.Month);
            Assert.Equal((2, 0.0015m), (report.Calls, report.TotalCost));
        }

        // The next day starts at zero; the month goes on.
        time.Advance(TimeSpan.FromDays(1));
        await using (var ledger = new SqliteSpendLedger(database.ConnectionString))
        using (var runtime = AgentCostRuntime.Create(options, time, ledger: ledger))
        {
            var budgets = runtime.Spending.GetBudgets();
            Assert.Equal(0m, budgets.Single(static b => b.Period == SpendPeriod.Day).Spent);
            Assert.Equal(0.0015m, budgets.Single(static b => b.Period == SpendPeriod.Month).Spent);
        }
    }

    [Fact]
    public async Task The_host_registers_the_ledger_and_loads_budgets_when_it_starts()
    {
        using var database = new TempDatabase();
        await using (var first = new SqliteSpendLedger(database.ConnectionString))
        {
            await first.AppendAsync(new SpendRecord { Timestamp = DateTimeOffset.UtcNow, Model = "gpt-4o", Tenant = "acme", Cost = 1.25m });
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AgentCost:Spending:Budgets:Tenants:acme:Daily"] = "2",
            ["AgentCost:Ledger:Sqlite:ConnectionString"] = database.ConnectionString,
            ["AgentCost:Ledger:Sqlite:Synchronous"] = "Normal",
            ["AgentCost:Ledger:Sqlite:MaxBatchSize"] = "64",
        });
        builder.Services.AddAgentCostSqliteLedger();
        builder.Services.AddAgentCost();
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var runtime = host.Services.GetRequiredService<AgentCostRuntime>();
            Assert.IsType<SqliteSpendLedger>(runtime.Spending.Ledger);
            var budget = runtime.Spending.GetBudgets().Single();
            Assert.Equal(("tenant 'acme' daily", 1.25m), (budget.Name, budget.Spent));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public void Bad_settings_are_refused_naming_their_key()
    {
        var error = Assert.Throws<ArgumentException>(() => new SqliteSpendLedger(new SqliteSpendLedgerOptions { ConnectionString = "Data Source=x.db", MaxBatchSize = 0 }));
        Assert.StartsWith("AgentCost:Ledger:Sqlite:MaxBatchSize must be positive, but was 0.", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("AgentCost:Ledger:Sqlite:ConnectionString must be set", Assert.Throws<ArgumentException>(() => new SqliteSpendLedger(" ")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_report_right_after_awaited_AgentTask_methods_has_every_task()
    {
        using var database = new TempDatabase();
        await using var ledger = new SqliteSpendLedger(database.ConnectionString);
        using var runtime = AgentCostRuntime.Create(ledger: ledger);
        using var scope = AgentCostRuntime.Use(runtime);
        var method = new AgentCost.Interception.AgentMethod("Agent", "Answer", ["System.Boolean"], ["fail"], task: new AgentCost.Interception.TaskPolicy("answer"));

        // The batched writer commits after the calls return unless they wait for it.
        for (var i = 0; i < 3; i++)
        {
            await AgentCost.Interception.AgentMethodInvoker.InvokeAsync(method, false, null, static async _ => { await Task.Yield(); return 1; }, default);
            await Assert.ThrowsAsync<InvalidOperationException>(() => AgentCost.Interception.AgentMethodInvoker.InvokeTaskAsync(
                method, true, static _ => Task.FromException(new InvalidOperationException("no answer"))));

            var report = await runtime.Spending.GetReportAsync(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1));
            var answer = Assert.Single(report.Tasks);
            Assert.Equal((2 * (i + 1), i + 1, i + 1), (answer.Tasks, answer.Succeeded, answer.Failed));
        }
    }

    [Fact]
    public async Task An_unwritable_database_path_fails_at_start_naming_the_setting_and_the_path()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "agentcost-missing-" + Guid.NewGuid().ToString("N"), "no", "spend.db");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection([new("AgentCost:Ledger:Sqlite:ConnectionString", $"Data Source={path}")]);
        builder.Services.AddAgentCost();
        builder.Services.AddAgentCostSqliteLedger();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("AgentCost:Ledger:Sqlite:ConnectionString", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.IsType<Microsoft.Data.Sqlite.SqliteException>(error.InnerException);
    }

    [Fact]
    public void Without_a_host_the_ledger_reads_its_section_from_the_configuration_given_to_AddAgentCost_and_its_keys_are_checked()
    {
        using var database = new TempDatabase();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new("AgentCost:Ledger:Sqlite:ConnectionString", database.ConnectionString), new("AgentCost:Ledger:Sqlite:MaxBatchSize", "7")])
            .Build();
        var services = new ServiceCollection();
        services.AddAgentCost(configuration);
        services.AddAgentCostSqliteLedger();
        using (var provider = services.BuildServiceProvider())
        {
            Assert.IsType<SqliteSpendLedger>(provider.GetRequiredService<AgentCostRuntime>().Spending.Ledger);
            Assert.True(File.Exists(database.Path));
        }

        var typo = new ServiceCollection();
        typo.AddAgentCost(new ConfigurationBuilder().AddInMemoryCollection([new("AgentCost:Ledger:Sqlite:Synchronus", "Normal")]).Build());
        typo.AddAgentCostSqliteLedger(database.ConnectionString);
        using var typoProvider = typo.BuildServiceProvider();
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => typoProvider.GetRequiredService<AgentCostRuntime>());
        Assert.Contains("AgentCost:Ledger:Sqlite:Synchronus is not an AgentCost setting", error.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean AgentCost:Ledger:Sqlite:Synchronous?", error.Message, StringComparison.Ordinal);
    }
}
