using AgentCost.Hosting;
using AgentCost.Spending;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace AgentCost.Tests.Spending;

/// <summary>An isolated runtime with spend settings, a fake clock and an in-memory ledger, current for the test's flow.</summary>
internal sealed class SpendRuntime : IDisposable
{
    private readonly IDisposable _scope;
    private readonly ServiceProvider _services;

    public SpendRuntime(Action<AgentCostOptions>? configure = null, DateTimeOffset? start = null, ISpendLedger? ledger = null, params ISpendAlertHandler[] handlers)
    {
        Options = new AgentCostOptions();
        configure?.Invoke(Options);
        Time = new FakeTimeProvider(start ?? new DateTimeOffset(2025, 3, 10, 12, 0, 0, TimeSpan.Zero));
        Ledger = ledger ?? new InMemorySpendLedger();
        Logs = new FakeLogCollector();
        _services = new ServiceCollection()
            .AddMetrics()
            .AddHybridCache().Services
            .AddLogging(logging => logging.AddProvider(new FakeLoggerProvider(Logs)))
            .BuildServiceProvider();
        Runtime = new AgentCostRuntime(
            Microsoft.Extensions.Options.Options.Create(Options),
            _services.GetRequiredService<Microsoft.Extensions.Caching.Hybrid.HybridCache>(),
            MeterFactory,
            keySerializerOptions: null,
            Ledger,
            Time,
            _services.GetRequiredService<ILoggerFactory>(),
            handlers);
        _scope = AgentCostRuntime.Use(Runtime);
    }

    public AgentCostOptions Options { get; }

    public FakeTimeProvider Time { get; }

    public ISpendLedger Ledger { get; }

    public FakeLogCollector Logs { get; }

    public AgentCostRuntime Runtime { get; }

    public SpendMonitor Spending => Runtime.Spending;

    public System.Diagnostics.Metrics.IMeterFactory MeterFactory => _services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();

    public async Task<List<SpendRecord>> RecordsAsync()
    {
        var records = new List<SpendRecord>();
        await foreach (var record in Ledger.ReadAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue))
        {
            records.Add(record);
        }

        return records;
    }

    public void Dispose()
    {
        _scope.Dispose();
        Runtime.Dispose();
        _services.Dispose();
    }
}

/// <summary>Collects spend alerts.</summary>
internal sealed class AlertRecorder : ISpendAlertHandler
{
    public List<SpendAlert> Alerts { get; } = [];

    public void OnThresholdReached(SpendAlert alert)
    {
        lock (Alerts)
        {
            Alerts.Add(alert);
        }
    }
}
