using AgentCost.Caching;
using AgentCost.Interception;
using AgentCost.Spending;

namespace AgentCost.Tests.Spending;

/// <summary>
/// An <c>[AgentTask]</c> method's task is in the ledger by the time its call returns, even where the ledger stores
/// asynchronously (as the SQLite ledger's batched writer does): a report taken right after the calls has every task
/// with its outcome. A ledger that fails is logged and does not fail the method.
/// </summary>
public sealed class TaskRecordingTests
{
    private static readonly AgentMethod s_task = new("Agent", "Answer", ["bool"], ["fail"], task: new TaskPolicy("answer"));

    private static readonly AgentMethod s_cachedTask = new("Agent", "Lookup", ["string"], ["topic"], new CachePolicy(), task: new TaskPolicy("lookup"));

    [Fact]
    public async Task A_report_taken_right_after_the_calls_has_every_task_and_its_outcome()
    {
        using var test = new SpendRuntime(ledger: new SlowTaskLedger(new InMemorySpendLedger()));

        await AgentMethodInvoker.InvokeAsync(s_task, false, null, static async _ => { await Task.Yield(); return 1; }, default);
        await Assert.ThrowsAsync<InvalidOperationException>(() => AgentMethodInvoker.InvokeAsync<bool, int>(
            s_task, true, null, static async _ => { await Task.Yield(); throw new InvalidOperationException("no answer"); }, default));
        await AgentMethodInvoker.InvokeValueTaskAsync(s_task, false, null, static _ => new ValueTask<int>(1), default);
        await AgentMethodInvoker.InvokeTaskAsync(s_task, false, static _ => Task.CompletedTask);
        await AgentMethodInvoker.InvokeValueTaskAsync(s_task, false, static _ => ValueTask.CompletedTask);
        AgentMethodInvoker.Invoke(s_task, false, null, static _ => 1);
        Assert.Throws<InvalidOperationException>(() => AgentMethodInvoker.InvokeVoid(s_task, true, static _ => throw new InvalidOperationException("no answer")));
        for (var i = 0; i < 2; i++)
        {
            // A miss, then a hit: a task either way.
            await AgentMethodInvoker.InvokeAsync(
                s_cachedTask, "topic", static (ref CacheKeyBuilder key, in string topic) => key.Add(topic), static topic => Task.FromResult(topic), default);
        }

        var report = await test.Spending.GetReportAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
        Assert.Equal(
            ["answer 7: 5 succeeded, 2 failed", "lookup 2: 2 succeeded, 0 failed"],
            report.Tasks.OrderBy(static t => t.Name, StringComparer.Ordinal).Select(static t => $"{t.Name} {t.Tasks}: {t.Succeeded} succeeded, {t.Failed} failed"));
        Assert.Null(AgentTask.Current);
    }

    [Fact]
    public async Task A_ledger_that_fails_to_store_a_task_is_logged_and_the_method_still_returns()
    {
        var failure = new InvalidOperationException("disk full");
        using var test = new SpendRuntime(ledger: new SlowTaskLedger(new InMemorySpendLedger(), failure));

        Assert.Equal(1, await AgentMethodInvoker.InvokeAsync(s_task, false, null, static _ => Task.FromResult(1), default));
        await AgentMethodInvoker.InvokeTaskAsync(s_task, false, static _ => Task.CompletedTask);
        Assert.Equal(1, AgentMethodInvoker.Invoke(s_task, false, null, static _ => 1));

        // The method's own exception, not the ledger's.
        var thrown = await Assert.ThrowsAsync<ArgumentException>(() => AgentMethodInvoker.InvokeAsync<bool, int>(
            s_task, true, null, static _ => throw new ArgumentException("bad question"), default));
        Assert.Equal("bad question", thrown.Message);

        Assert.Equal(4, test.Logs.GetSnapshot().Count(log => ReferenceEquals(log.Exception, failure)));
        Assert.Null(AgentTask.Current);
    }

    /// <summary>A ledger that stores tasks only some time after it is asked to, and may then fail.</summary>
    private sealed class SlowTaskLedger(ISpendLedger inner, Exception? failure = null) : ISpendLedger
    {
        public ValueTask AppendAsync(SpendRecord record, CancellationToken cancellationToken = default) => inner.AppendAsync(record, cancellationToken);

        public async ValueTask AppendTaskAsync(TaskRecord record, CancellationToken cancellationToken = default)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None).ConfigureAwait(false);
            if (failure is not null)
            {
                throw failure;
            }

            await inner.AppendTaskAsync(record, cancellationToken).ConfigureAwait(false);
        }

        public IAsyncEnumerable<SpendRecord> ReadAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
            => inner.ReadAsync(from, to, cancellationToken);

        public IAsyncEnumerable<TaskRecord> ReadTasksAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
            => inner.ReadTasksAsync(from, to, cancellationToken);

        public ValueTask<IReadOnlyList<SpendTotal>> GetTotalsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
            => inner.GetTotalsAsync(from, to, cancellationToken);
    }
}
