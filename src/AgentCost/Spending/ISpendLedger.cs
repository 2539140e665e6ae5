namespace AgentCost.Spending;

/// <summary>
/// Where settled calls are recorded: the source of reports, and of budgets' spend when a process starts again.
/// The default keeps rows in memory (<see cref="InMemorySpendLedger"/>); <c>AgentCost.Sqlite</c> keeps them in a file.
/// </summary>
/// <remarks>
/// Implementations are called concurrently. When the task of <see cref="AppendAsync"/> completes, the row must be as
/// durable as the ledger promises: the call layer awaits it before it returns the call's result.
/// </remarks>
public interface ISpendLedger
{
    /// <summary>Records a row; completes when it is stored.</summary>
    /// <param name="record">The row.</param>
    /// <param name="cancellationToken">Stops waiting (the row may still be stored).</param>
    /// <returns>A task that completes when the row is stored.</returns>
    ValueTask AppendAsync(SpendRecord record, CancellationToken cancellationToken = default);

    /// <summary>Records an ended task.</summary>
    /// <param name="record">The task.</param>
    /// <param name="cancellationToken">Stops waiting (the row may still be stored).</param>
    /// <returns>A task that completes when the row is stored.</returns>
    ValueTask AppendTaskAsync(TaskRecord record, CancellationToken cancellationToken = default);

    /// <summary>The rows whose <see cref="SpendRecord.Timestamp"/> is in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    /// <param name="from">The start, inclusive.</param>
    /// <param name="to">The end, exclusive.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The rows, in no particular order.</returns>
    IAsyncEnumerable<SpendRecord> ReadAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    /// <summary>The tasks that ended in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    /// <param name="from">The start, inclusive.</param>
    /// <param name="to">The end, exclusive.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The tasks, in no particular order.</returns>
    IAsyncEnumerable<TaskRecord> ReadTasksAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    /// <summary>The model calls' spend in [<paramref name="from"/>, <paramref name="to"/>), summed by model, method and tenant.</summary>
    /// <param name="from">The start, inclusive.</param>
    /// <param name="to">The end, exclusive.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The sums.</returns>
    ValueTask<IReadOnlyList<SpendTotal>> GetTotalsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);
}
