using System.Collections.Concurrent;
using AgentCost.Hosting;
using AgentCost.Spending;
using AgentCost.Tests.ChatClients;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace AgentCost.Tests.Spending;

/// <summary>The spend budget store seam: a store registered with dependency injection holds the budgets' counters.</summary>
public class SpendBudgetStoreTests
{
    private static readonly DateTimeOffset s_start = new(2025, 3, 10, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_store_registered_with_dependency_injection_reserves_and_settles_every_call()
    {
        var store = new RecordingStore();
        using var provider = Services(store, o => o.Spending.Budgets.Global.Daily = 10m);
        var runtime = provider.GetRequiredService<AgentCostRuntime>();
        using var scope = AgentCostRuntime.Use(runtime);
        var model = new ScriptedModel("gpt-4o-mini");
        using var client = new ChatClientBuilder(model).UseAgentCost().Build(provider);

        await client.GetResponseAsync("What is the capital of France?");

        Assert.Same(store, runtime.Spending.BudgetStore);
        var period = Assert.Single(store.Opened);
        Assert.Equal(("global daily", SpendScope.Global, SpendPeriod.Day), (period.BudgetName, period.Scope, period.Period));
        Assert.Equal(10 * SpendBudgetPeriod.UnitsPerDollar, period.LimitUnits);
        Assert.Equal(period.Start, runtime.Spending.GetBudgets().Single().PeriodStart);

        // One reservation, settled once under the same id to what the ledger recorded.
        var record = Assert.Single(await Records(runtime));
        Assert.Collection(
            store.Operations,
            reserve => Assert.StartsWith("reserve ", reserve, StringComparison.Ordinal),
            settle => Assert.Equal($"settle {Id(store.Operations[0])} {Units(store.Operations[0])} {(long)(record.Cost * SpendBudgetPeriod.UnitsPerDollar)}", settle));
        Assert.Equal(record.Cost, runtime.Spending.GetBudgets().Single().Spent);
    }

    [Fact]
    public void Reservations_from_many_threads_each_have_an_id_of_their_own_settled_once()
    {
        var store = new IdStore();
        using var provider = Services(store, o => o.Spending.Budgets.Global.Daily = 1_000m);
        var spending = provider.GetRequiredService<AgentCostRuntime>().Spending;
        var usage = new UsageDetails { InputTokenCount = 90, OutputTokenCount = 40, TotalTokenCount = 130 };

        // More reservations per thread than one block of ids holds, on more threads than the machine has cores.
        const int Threads = 8, PerThread = 2_500;
        var threads = Enumerable.Range(0, Threads).Select(_ => new Thread(() =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                spending.Reserve("gpt-4o-mini", 90, 50).SettleAsync(usage).AsTask().GetAwaiter().GetResult();
            }
        })).ToList();
        threads.ForEach(static thread => thread.Start());
        threads.ForEach(static thread => thread.Join());

        Assert.Equal(Threads * PerThread, store.Reserved.Count);
        Assert.True(store.Reserved.Keys.All(id => id > 0), "Every id is positive.");
        Assert.Equal(store.Reserved.Keys.Order(), store.Settled.Keys.Order());
        Assert.All(store.Reserved.Values, static reservations => Assert.Equal(1, reservations));
        Assert.All(store.Settled.Values, static settlements => Assert.Equal(1, settlements));
    }

    [Fact]
    public async Task A_store_that_refuses_a_reservation_refuses_the_call_before_it_is_sent()
    {
        // As a store shared by a fleet would: this process saw room, but other processes spent it first.
        var store = new FleetSpentStore();
        using var provider = Services(store, o => o.Spending.Budgets.Global.Daily = 10m);
        using var scope = AgentCostRuntime.Use(provider.GetRequiredService<AgentCostRuntime>());
        var model = new ScriptedModel("gpt-4o-mini");
        using var client = new ChatClientBuilder(model).UseAgentCost().Build(provider);

        var error = await Assert.ThrowsAsync<SpendLimitExceededException>(() => client.GetResponseAsync("What is the capital of France?"));

        Assert.Equal("global daily", error.BudgetName);
        Assert.Equal(10m, error.Limit);
        Assert.Equal(10m, error.Spent);
        Assert.Equal(0, model.Calls);
        Assert.Equal(1, store.Refusals);
    }

    [Fact]
    public async Task A_store_that_fails_to_settle_loses_no_recorded_spend()
    {
        var store = new RecordingStore { FailSettlements = true };
        var logs = new FakeLogCollector();
        using var provider = Services(store, o => o.Spending.Budgets.Global.Daily = 10m, logs);
        var runtime = provider.GetRequiredService<AgentCostRuntime>();
        using var scope = AgentCostRuntime.Use(runtime);
        using var client = new ChatClientBuilder(new ScriptedModel("gpt-4o-mini")).UseAgentCost().Build(provider);

        await client.GetResponseAsync("What is the capital of France?");

        var record = Assert.Single(await Records(runtime));
        Assert.True(record.Cost > 0);
        var failure = Assert.Single(logs.GetSnapshot(), static log => log.Id.Id == 3208);
        Assert.Contains("'global daily'", failure.Message, StringComparison.Ordinal);
        Assert.IsType<TimeoutException>(failure.Exception);
    }

    [Fact]
    public void A_monitor_without_a_registered_store_keeps_its_budgets_in_memory()
    {
        using var provider = Services(store: null, o => o.Spending.Budgets.Global.Daily = 10m);

        Assert.IsType<InMemorySpendBudgetStore>(provider.GetRequiredService<AgentCostRuntime>().Spending.BudgetStore);
    }

    [Fact]
    public async Task Runtimes_that_share_an_in_memory_store_share_a_budgets_period_and_a_new_period_starts_empty()
    {
        var store = new InMemorySpendBudgetStore();
        var time = new FakeTimeProvider(s_start);
        var options = new AgentCostOptions();
        options.Spending.Budgets.Global.Daily = 1m;
        using var first = AgentCostRuntime.Create(options, time, budgetStore: store);
        using var second = AgentCostRuntime.Create(options, time, budgetStore: store);

        using (AgentCostRuntime.Use(first))
        {
            var held = first.Spending.Reserve("gpt-4o", promptTokens: 100_000, maxOutputTokens: 10_000);
            Assert.Equal(held.Reserved, second.Spending.GetBudgets().Single().Reserved);
            held.Release();
        }

        Assert.Equal(0m, second.Spending.GetBudgets().Single().Reserved);
        using (AgentCostRuntime.Use(second))
        {
            await second.Spending.Reserve("gpt-4o", promptTokens: 100_000, maxOutputTokens: 10_000).SettleAsync(new UsageDetails { InputTokenCount = 100_000, OutputTokenCount = 10_000 });
        }

        Assert.Equal(0.35m, first.Spending.GetBudgets().Single().Spent);
        time.Advance(TimeSpan.FromDays(1));
        Assert.Equal((0m, 0L), (first.Spending.GetBudgets().Single().Spent, second.Spending.GetBudgets().Single().Calls));
    }

    [Fact]
    public void The_in_memory_store_never_reserves_beyond_the_limit_and_gives_the_same_counters_for_the_same_period()
    {
        var store = new InMemorySpendBudgetStore();
        var period = new SpendBudgetPeriod("global daily", SpendScope.Global, null, SpendPeriod.Day, s_start, s_start.AddDays(1), LimitUnits: 1_000);
        var counter = store.GetCounter(period);
        var reserved = 0;

        Parallel.For(0, 1_000, i =>
        {
            if (counter.TryReserve(i, 7))
            {
                Interlocked.Increment(ref reserved);
            }
        });

        Assert.Equal(1_000 / 7, reserved);
        Assert.Equal(994, counter.Committed);
        Assert.Same(counter, store.GetCounter(period with { BudgetName = "global daily" }));
        Assert.NotSame(counter, store.GetCounter(period with { Scope = SpendScope.Tenant, Key = "acme" }));
        var model = store.GetCounter(period with { Scope = SpendScope.Model, Key = "gpt-4o" });
        Assert.Same(model, store.GetCounter(period with { Scope = SpendScope.Model, Key = "GPT-4o" }));
        Assert.NotSame(model, store.GetCounter(period with { Scope = SpendScope.Model, Key = "gpt-4o", Start = period.End, End = period.End.AddDays(1) }));

        var freed = counter.WhenFreed();
        counter.Settle(1, reserved: 7, actual: 3);
        Assert.True(freed.IsCompleted);
        Assert.Equal((990L, 3L, 1L), (counter.Committed, counter.Spent, counter.Calls));
    }

    private static ServiceProvider Services(ISpendBudgetStore? store, Action<AgentCostOptions> configure, FakeLogCollector? logs = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(s_start));
        if (logs is not null)
        {
            services.AddLogging(logging => logging.AddProvider(new FakeLoggerProvider(logs)));
        }

        if (store is not null)
        {
            services.AddSingleton(store);
        }

        services.AddAgentCost(configure);
        return services.BuildServiceProvider();
    }

    private static async Task<List<SpendRecord>> Records(AgentCostRuntime runtime)
    {
        var records = new List<SpendRecord>();
        await foreach (var record in runtime.Spending.Ledger.ReadAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue))
        {
            records.Add(record);
        }

        return records;
    }

    private static string Id(string operation) => operation.Split(' ')[1];

    private static string Units(string operation) => operation.Split(' ')[2];

    /// <summary>Keeps the counters in memory and writes down what the monitor asks of them.</summary>
    private sealed class RecordingStore : ISpendBudgetStore
    {
        private readonly InMemorySpendBudgetStore _inner = new();

        public ConcurrentQueue<SpendBudgetPeriod> Opened { get; } = new();

        public List<string> Operations { get; } = [];

        public bool FailSettlements { get; init; }

        public ISpendBudgetCounter GetCounter(SpendBudgetPeriod period)
        {
            Opened.Enqueue(period);
            return new Counter(_inner.GetCounter(period), this);
        }

        private sealed class Counter(ISpendBudgetCounter inner, RecordingStore store) : ISpendBudgetCounter
        {
            public long Spent => inner.Spent;

            public long Committed => inner.Committed;

            public long Calls => inner.Calls;

            public bool TryReserve(long reservationId, long units)
            {
                store.Operations.Add($"reserve {reservationId} {units}");
                return inner.TryReserve(reservationId, units);
            }

            public void Release(long reservationId, long units)
            {
                store.Operations.Add($"release {reservationId} {units}");
                inner.Release(reservationId, units);
            }

            public void Settle(long reservationId, long reserved, long actual)
            {
                store.Operations.Add($"settle {reservationId} {reserved} {actual}");
                if (store.FailSettlements)
                {
                    throw new TimeoutException("The store did not answer.");
                }

                inner.Settle(reservationId, reserved, actual);
            }

            public Task WhenFreed() => inner.WhenFreed();

            public void Seed(long units, long calls) => inner.Seed(units, calls);
        }
    }

    /// <summary>Shows room until a reservation finds that other processes have spent the whole limit.</summary>
    private sealed class FleetSpentStore : ISpendBudgetStore
    {
        private int _refusals;

        public int Refusals => _refusals;

        public ISpendBudgetCounter GetCounter(SpendBudgetPeriod period) => new Counter(period.LimitUnits, this);

        private sealed class Counter(long limit, FleetSpentStore store) : ISpendBudgetCounter
        {
            private long _spentElsewhere;

            public long Spent => Volatile.Read(ref _spentElsewhere);

            public long Committed => Spent;

            public long Calls => 0;

            public bool TryReserve(long reservationId, long units)
            {
                Interlocked.Increment(ref store._refusals);
                Volatile.Write(ref _spentElsewhere, limit);
                return false;
            }

            public void Release(long reservationId, long units) => throw new InvalidOperationException("Nothing was reserved.");

            public void Settle(long reservationId, long reserved, long actual) => throw new InvalidOperationException("Nothing was reserved.");

            public Task WhenFreed() => new TaskCompletionSource().Task;

            public void Seed(long units, long calls)
            {
            }
        }
    }

    private sealed class IdStore : ISpendBudgetStore
    {
        private readonly InMemorySpendBudgetStore _inner = new();

        public ConcurrentDictionary<long, int> Reserved { get; } = new();

        public ConcurrentDictionary<long, int> Settled { get; } = new();

        public ISpendBudgetCounter GetCounter(SpendBudgetPeriod period) => new Counter(_inner.GetCounter(period), this);

        private sealed class Counter(ISpendBudgetCounter inner, IdStore store) : ISpendBudgetCounter
        {
            public long Spent => inner.Spent;

            public long Committed => inner.Committed;

            public long Calls => inner.Calls;

            public bool TryReserve(long reservationId, long units)
            {
                store.Reserved.AddOrUpdate(reservationId, 1, static (_, count) => count + 1);
                return inner.TryReserve(reservationId, units);
            }

            public void Release(long reservationId, long units) => inner.Release(reservationId, units);

            public void Settle(long reservationId, long reserved, long actual)
            {
                store.Settled.AddOrUpdate(reservationId, 1, static (_, count) => count + 1);
                inner.Settle(reservationId, reserved, actual);
            }

            public Task WhenFreed() => inner.WhenFreed();

            public void Seed(long units, long calls) => inner.Seed(units, calls);
        }
    }
}
