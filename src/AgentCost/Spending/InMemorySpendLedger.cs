using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace AgentCost.Spending;

/// <summary>
/// The default ledger: rows in memory, for reports while the process runs. It keeps the latest rows up to a set number
/// (<c>AgentCost:Spending:InMemoryLedgerCapacity</c>), dropping the oldest; budgets do not depend on it. Nothing
/// survives a restart: use the SQLite ledger (<c>AgentCost.Sqlite</c>) for that.
/// </summary>
/// <remarks>
/// Rows are kept as values in a ring of segments allocated as it fills, not as the <see cref="SpendRecord"/> objects
/// handed in: a call's record then dies young instead of being promoted through the garbage collector's generations,
/// which would cost more than the rest of the call's accounting. Appends are lock-free (an
/// <see cref="Interlocked.Increment(ref long)"/> claims a slot); a reader skips a slot that is being overwritten.
/// </remarks>
public sealed class InMemorySpendLedger : ISpendLedger
{
    private const int SegmentSize = 512;

    private readonly int _capacity;
    private readonly Row[]?[] _segments;
    private readonly long[]?[] _published;
    private readonly ConcurrentQueue<TaskRecord> _tasks = new();
    private long _next;
    private int _taskCount;

    /// <summary>Creates a ledger that keeps at most <paramref name="capacity"/> rows (and as many tasks).</summary>
    /// <param name="capacity">The most rows kept; positive.</param>
    public InMemorySpendLedger(int capacity = 100_000)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        var segments = (capacity + SegmentSize - 1) / SegmentSize;
        _capacity = segments * SegmentSize;
        _segments = new Row[]?[segments];
        _published = new long[]?[segments];
    }

    /// <summary>Rows dropped because the ledger was full.</summary>
    public long DroppedRecords => Math.Max(0, Volatile.Read(ref _next) - _capacity);

    /// <summary>The rows kept.</summary>
    public int Count => (int)Math.Min(Volatile.Read(ref _next), _capacity);

    /// <inheritdoc />
    public ValueTask AppendAsync(SpendRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var index = Interlocked.Increment(ref _next) - 1;
        var slot = (int)(index % _capacity);
        var segment = slot / SegmentSize;
        var offset = slot % SegmentSize;
        var rows = _segments[segment] ?? Allocate(segment);
        var published = _published[segment]!;

        // Unpublish, write, publish: a reader that sees the same number before and after copying has a whole row.
        Volatile.Write(ref published[offset], 0);
        rows[offset] = new Row(record);
        Volatile.Write(ref published[offset], index + 1);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask AppendTaskAsync(TaskRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        _tasks.Enqueue(record);
        if (Interlocked.Increment(ref _taskCount) > _capacity && _tasks.TryDequeue(out _))
        {
            Interlocked.Decrement(ref _taskCount);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<SpendRecord> ReadAsync(DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        var fromTicks = from.UtcTicks;
        var toTicks = to.UtcTicks;
        foreach (var row in Snapshot())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (row.Ticks >= fromTicks && row.Ticks < toTicks)
            {
                yield return row.ToRecord();
            }
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<TaskRecord> ReadTasksAsync(DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        foreach (var task in _tasks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (task.EndedAt >= from && task.EndedAt < to)
            {
                yield return task;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SpendTotal>> GetTotalsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        var fromTicks = from.UtcTicks;
        var toTicks = to.UtcTicks;
        var totals = Snapshot()
            .Where(row => row.Kind == SpendRecordKind.ModelCall && row.Ticks >= fromTicks && row.Ticks < toTicks)
            .GroupBy(static row => (row.Model, row.Method, row.Tenant))
            .Select(static group => new SpendTotal(group.Key.Model, group.Key.Method, group.Key.Tenant, group.LongCount(), Money.ToDollars(group.Sum(static r => r.CostUnits))))
            .ToList();
        return new ValueTask<IReadOnlyList<SpendTotal>>(totals);
    }

    // The published rows, oldest first.
    private List<Row> Snapshot()
    {
        var next = Volatile.Read(ref _next);
        var rows = new List<Row>((int)Math.Min(next, _capacity));
        for (var index = Math.Max(0, next - _capacity); index < next; index++)
        {
            var slot = (int)(index % _capacity);
            var segment = _segments[slot / SegmentSize];
            var published = _published[slot / SegmentSize];
            if (segment is null || published is null)
            {
                continue;
            }

            var offset = slot % SegmentSize;
            var before = Volatile.Read(ref published[offset]);
            if (before != index + 1)
            {
                continue; // not written yet, or already overwritten by a newer row
            }

            var row = segment[offset];
            Interlocked.MemoryBarrier();
            if (Volatile.Read(ref published[offset]) == before)
            {
                rows.Add(row);
            }
        }

        return rows;
    }

    private Row[] Allocate(int segment)
    {
        Interlocked.CompareExchange(ref _published[segment], new long[SegmentSize], null);
        Interlocked.CompareExchange(ref _segments[segment], new Row[SegmentSize], null);
        return _segments[segment]!;
    }

    /// <summary>A <see cref="SpendRecord"/> as a value: money in units, time in UTC ticks.</summary>
    private readonly struct Row(SpendRecord record)
    {
        public readonly long Ticks = record.Timestamp.UtcTicks;
        public readonly string? Model = record.Model;
        public readonly string? Method = record.Method;
        public readonly string? Tenant = record.Tenant;
        public readonly string? Task = record.Task;
        public readonly SpendTokens Tokens = record.Tokens;
        public readonly long CostUnits = Money.FromDollars(record.Cost);
        public readonly long SavedUnits = Money.FromDollars(record.Saved);
        public readonly SpendRecordKind Kind = record.Kind;
        public readonly bool IsUnpriced = record.IsUnpriced;
        public readonly bool IsEstimated = record.IsEstimated;

        public SpendRecord ToRecord() => new()
        {
            Timestamp = new DateTimeOffset(Ticks, TimeSpan.Zero),
            Kind = Kind,
            Model = Model,
            Method = Method,
            Tenant = Tenant,
            Task = Task,
            Tokens = Tokens,
            Cost = Money.ToDollars(CostUnits),
            Saved = Money.ToDollars(SavedUnits),
            IsUnpriced = IsUnpriced,
            IsEstimated = IsEstimated,
        };
    }
}
