using AgentCost.Hosting;
using AgentCost.Spending;
using AgentCost.Sqlite;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Extensions.AI;

namespace AgentCost.Benchmarks;

/// <summary>
/// What the spend monitor costs per model call: a reservation of the call's worst case on its budgets and its
/// settlement to the actual cost, with the ledger row written.
/// <b>In memory</b>: <see cref="SpendMonitor.Reserve"/> + <see cref="SpendReservation.SettleAsync(UsageDetails?, CancellationToken)"/>
/// with the default in-memory ledger, on one global daily budget and on seven budgets (global day and month, the
/// model's, the tenant's and the method's), against the bare minimum of a hard limit — a compare-and-swap reservation
/// and an <see cref="Interlocked.Add(ref long, long)"/> settlement of one counter — run side by side.
/// <b>SQLite</b>: the same with the SQLite ledger, where each settlement waits until its row is committed; 64 calls in
/// flight share commits (group commit), and one call at a time shows the latency of a lone commit.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SpendBenchmarks
{
    private const int CallsPerInvocation = 1_000;
    private const int Concurrent = 64;
    private const int CallsPerWorker = 16;

    private static readonly UsageDetails s_usage = new() { InputTokenCount = 90, OutputTokenCount = 40, TotalTokenCount = 130 };

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "agentcost-benchmarks", Guid.NewGuid().ToString("N"));
    private AgentCostRuntime _memory = null!;
    private AgentCostRuntime _memoryScoped = null!;
    private AgentCostRuntime _sqliteFull = null!;
    private AgentCostRuntime _sqliteNormal = null!;
    private SqliteSpendLedger _fullLedger = null!;
    private SqliteSpendLedger _normalLedger = null!;
    private long _committed;
    private long _limit;

    [GlobalSetup]
    public void Setup()
    {
        Directory.CreateDirectory(_folder);
        _limit = long.MaxValue / 2;
        _memory = AgentCostRuntime.Create(Options(scoped: false));
        _memoryScoped = AgentCostRuntime.Create(Options(scoped: true));
        _fullLedger = new SqliteSpendLedger(new SqliteSpendLedgerOptions { ConnectionString = $"Data Source={Path.Combine(_folder, "full.db")}", Synchronous = SqliteSynchronousMode.Full });
        _normalLedger = new SqliteSpendLedger(new SqliteSpendLedgerOptions { ConnectionString = $"Data Source={Path.Combine(_folder, "normal.db")}", Synchronous = SqliteSynchronousMode.Normal });
        _sqliteFull = AgentCostRuntime.Create(Options(scoped: false), ledger: _fullLedger);
        _sqliteNormal = AgentCostRuntime.Create(Options(scoped: false), ledger: _normalLedger);
        foreach (var runtime in new[] { _memory, _memoryScoped, _sqliteFull, _sqliteNormal })
        {
            runtime.Spending.InitializeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _memory.Dispose();
        _memoryScoped.Dispose();
        _sqliteFull.Dispose();
        _sqliteNormal.Dispose();
        _fullLedger.Dispose();
        _normalLedger.Dispose();
        Console.WriteLine($"// SQLite FULL: {_fullLedger.RowsWritten:N0} rows in {_fullLedger.Batches:N0} commits; NORMAL: {_normalLedger.RowsWritten:N0} rows in {_normalLedger.Batches:N0} commits");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = CallsPerInvocation, Description = "Interlocked CAS reserve + Add settle (bare hard limit)")]
    [BenchmarkCategory("In memory")]
    public long BareCounter()
    {
        for (var i = 0; i < CallsPerInvocation; i++)
        {
            var committed = Volatile.Read(ref _committed);
            while (committed + 1_000 <= _limit)
            {
                var seen = Interlocked.CompareExchange(ref _committed, committed + 1_000, committed);
                if (seen == committed)
                {
                    break;
                }

                committed = seen;
            }

            Interlocked.Add(ref _committed, 750 - 1_000);
        }

        return _committed;
    }

    [Benchmark(OperationsPerInvoke = CallsPerInvocation, Description = "SpendMonitor reserve + settle, 1 budget")]
    [BenchmarkCategory("In memory")]
    public decimal MonitorOneBudget()
    {
        var spending = _memory.Spending;
        decimal cost = 0;
        for (var i = 0; i < CallsPerInvocation; i++)
        {
            cost += spending.Reserve("gpt-4o-mini", 90, 50).SettleAsync(s_usage).Result.Cost;
        }

        return cost;
    }

    [Benchmark(OperationsPerInvoke = CallsPerInvocation, Description = "SpendMonitor reserve + settle, 7 budgets")]
    [BenchmarkCategory("In memory")]
    public decimal MonitorSevenBudgets()
    {
        var spending = _memoryScoped.Spending;
        decimal cost = 0;
        using var tenant = AgentCostContext.Begin("acme");
        using var method = AgentCallContext.BeginMethod("Bench.Agent.RunAsync");
        for (var i = 0; i < CallsPerInvocation; i++)
        {
            cost += spending.Reserve("gpt-4o-mini", 90, 50).SettleAsync(s_usage).Result.Cost;
        }

        return cost;
    }

    [Benchmark(OperationsPerInvoke = Concurrent * CallsPerWorker, Description = "SQLite FULL, 64 calls in flight")]
    [BenchmarkCategory("SQLite")]
    public Task SqliteFullConcurrent() => RunConcurrent(_sqliteFull.Spending);

    [Benchmark(OperationsPerInvoke = Concurrent * CallsPerWorker, Description = "SQLite NORMAL, 64 calls in flight")]
    [BenchmarkCategory("SQLite")]
    public Task SqliteNormalConcurrent() => RunConcurrent(_sqliteNormal.Spending);

    [Benchmark(OperationsPerInvoke = CallsPerWorker, Description = "SQLite FULL, one call at a time")]
    [BenchmarkCategory("SQLite")]
    public async Task SqliteFullSequential()
    {
        for (var i = 0; i < CallsPerWorker; i++)
        {
            await _sqliteFull.Spending.Reserve("gpt-4o-mini", 90, 50).SettleAsync(s_usage);
        }
    }

    private static Task RunConcurrent(SpendMonitor spending) => Task.WhenAll(Enumerable.Range(0, Concurrent).Select(_ => Task.Run(async () =>
    {
        for (var i = 0; i < CallsPerWorker; i++)
        {
            await spending.Reserve("gpt-4o-mini", 90, 50).SettleAsync(s_usage);
        }
    })));

    private static AgentCostOptions Options(bool scoped)
    {
        var options = new AgentCostOptions();
        options.Spending.Budgets.Global.Daily = 200_000_000m;
        if (scoped)
        {
            options.Spending.Budgets.Global.Monthly = 200_000_000m;
            options.Spending.Budgets.Models["gpt-4o-mini"] = new SpendLimit { Daily = 200_000_000m };
            options.Spending.Budgets.Tenants["*"] = new SpendLimit { Daily = 200_000_000m, Monthly = 200_000_000m };
            options.Spending.Budgets.Methods["Bench.Agent.RunAsync"] = new SpendLimit { Daily = 200_000_000m };
        }

        return options;
    }
}
