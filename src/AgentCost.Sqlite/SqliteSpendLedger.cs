using System.Runtime.CompilerServices;
using System.Threading.Channels;
using AgentCost.Spending;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentCost.Sqlite;

/// <summary>
/// A durable spend ledger in an embedded SQLite file. Every row is committed before
/// <see cref="AppendAsync"/> completes, so the AgentCost chat client returns a call's result only once its row is on
/// disk; spend budgets reload the current day and month from it when a process starts.
/// </summary>
/// <remarks>
/// <para><b>Group commit.</b> Rows go through a bounded channel to one background writer, which takes every row that
/// is waiting (up to <see cref="SqliteSpendLedgerOptions.MaxBatchSize"/>), inserts them in one transaction, commits,
/// and only then completes their tasks. Concurrent calls share a commit and its flush; a single call waits for its own.</para>
/// <para><b>Durability.</b> The database runs in WAL mode. A committed transaction is in the WAL file, which a crash of
/// the process cannot undo; with <see cref="SqliteSynchronousMode.Full"/> (the default) it is also flushed to disk
/// before the commit returns, so it survives a power loss. A row whose task has not completed may be lost with the
/// process, but then its call has not returned either.</para>
/// <para><b>Schema.</b> Table <c>agentcost_spend</c> (one row per settled call or credited cache hit; time as UTC
/// ticks, money as integer units of 10⁻¹⁰ US dollars, so sums are exact) and <c>agentcost_tasks</c> (one row per ended
/// task). Readers use their own connections and never block the writer.</para>
/// </remarks>
public sealed partial class SqliteSpendLedger : ISpendLedger, IAsyncDisposable, IDisposable
{
    /// <summary>Units of money per US dollar in the <c>cost_units</c> and <c>saved_units</c> columns.</summary>
    public const long UnitsPerDollar = 10_000_000_000;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS agentcost_spend (
            id INTEGER PRIMARY KEY,
            ts INTEGER NOT NULL,
            kind INTEGER NOT NULL,
            model TEXT,
            method TEXT,
            tenant TEXT,
            task TEXT,
            input_tokens INTEGER NOT NULL,
            cached_input_tokens INTEGER NOT NULL,
            cache_write_tokens INTEGER NOT NULL,
            cache_write_1h_tokens INTEGER NOT NULL,
            output_tokens INTEGER NOT NULL,
            reasoning_tokens INTEGER NOT NULL,
            cost_units INTEGER NOT NULL,
            saved_units INTEGER NOT NULL,
            unpriced INTEGER NOT NULL,
            estimated INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS agentcost_spend_ts ON agentcost_spend (ts);
        CREATE TABLE IF NOT EXISTS agentcost_tasks (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            tenant TEXT,
            started INTEGER NOT NULL,
            ended INTEGER NOT NULL,
            succeeded INTEGER NOT NULL,
            cost_units INTEGER NOT NULL,
            calls INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS agentcost_tasks_ended ON agentcost_tasks (ended);
        """;

    private const string SpendColumns = "ts, kind, model, method, tenant, task, input_tokens, cached_input_tokens, cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, cost_units, saved_units, unpriced, estimated";

    private readonly SqliteSpendLedgerOptions _options;
    private readonly ILogger _logger;
    private readonly string _connectionString;
    private readonly SqliteConnection _connection;
    private readonly Channel<Pending> _queue;
    private readonly Task _writer;
    private long _rowsWritten;
    private long _batches;
    private int _disposed;

    /// <summary>Opens (creating if needed) the ledger database and starts its writer.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="logger">Where write failures are logged.</param>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    /// <exception cref="InvalidOperationException">The database cannot be opened or is not a ledger; the message names the setting and the file.</exception>
    public SqliteSpendLedger(SqliteSpendLedgerOptions options, ILogger<SqliteSpendLedger>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(options.ConnectionString) { Pooling = false };
        }
        catch (ArgumentException exception)
        {
            throw new ArgumentException($"{SqliteSpendLedgerOptions.SectionName}:ConnectionString is not a SQLite connection string: {exception.Message}", nameof(options), exception);
        }

        _connectionString = builder.ToString();
        _connection = new SqliteConnection(_connectionString);
        try
        {
            _connection.Open();
            Execute(_connection, "PRAGMA journal_mode = WAL;");
            Execute(_connection, options.Synchronous == SqliteSynchronousMode.Full ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;");
            Execute(_connection, "PRAGMA busy_timeout = 5000;");
            Execute(_connection, Schema);
        }
        catch (SqliteException exception)
        {
            _connection.Dispose();
            throw new InvalidOperationException(
                $"The SQLite spend ledger cannot open '{builder.DataSource}', set by {SqliteSpendLedgerOptions.SectionName}:ConnectionString: {exception.Message} "
                + "Check that its directory exists and is writable and that the file is a SQLite database, or set another path.",
                exception);
        }

        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>Opens the ledger at <paramref name="connectionString"/> with the default settings.</summary>
    /// <param name="connectionString">The SQLite connection string, for example <c>Data Source=spend.db</c>.</param>
    public SqliteSpendLedger(string connectionString)
        : this(new SqliteSpendLedgerOptions { ConnectionString = connectionString })
    {
    }

    /// <summary>Rows committed since the ledger was opened.</summary>
    public long RowsWritten => Interlocked.Read(ref _rowsWritten);

    /// <summary>Transactions committed since the ledger was opened: <see cref="RowsWritten"/> / <see cref="Batches"/> is the average batch.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <inheritdoc />
    public ValueTask AppendAsync(SpendRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Enqueue(new Pending(record, null), cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask AppendTaskAsync(TaskRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Enqueue(new Pending(null, record), cancellationToken);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<SpendRecord> ReadAsync(DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {SpendColumns} FROM agentcost_spend WHERE ts >= $from AND ts < $to ORDER BY id";
        command.Parameters.AddWithValue("$from", from.UtcTicks);
        command.Parameters.AddWithValue("$to", to.UtcTicks);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new SpendRecord
            {
                Timestamp = new DateTimeOffset(reader.GetInt64(0), TimeSpan.Zero),
                Kind = (SpendRecordKind)reader.GetInt32(1),
                Model = reader.IsDBNull(2) ? null : reader.GetString(2),
                Method = reader.IsDBNull(3) ? null : reader.GetString(3),
                Tenant = reader.IsDBNull(4) ? null : reader.GetString(4),
                Task = reader.IsDBNull(5) ? null : reader.GetString(5),
                Tokens = new SpendTokens(reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9), reader.GetInt64(10), reader.GetInt64(11)),
                Cost = ToDollars(reader.GetInt64(12)),
                Saved = ToDollars(reader.GetInt64(13)),
                IsUnpriced = reader.GetInt64(14) != 0,
                IsEstimated = reader.GetInt64(15) != 0,
            };
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<TaskRecord> ReadTasksAsync(DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, name, tenant, started, ended, succeeded, cost_units, calls FROM agentcost_tasks WHERE ended >= $from AND ended < $to";
        command.Parameters.AddWithValue("$from", from.UtcTicks);
        command.Parameters.AddWithValue("$to", to.UtcTicks);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new TaskRecord(
                Guid.Parse(reader.GetString(0)),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero),
                new DateTimeOffset(reader.GetInt64(4), TimeSpan.Zero),
                reader.GetInt64(5) != 0,
                ToDollars(reader.GetInt64(6)),
                reader.GetInt64(7));
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<SpendTotal>> GetTotalsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT model, method, tenant, COUNT(*), SUM(cost_units) FROM agentcost_spend
            WHERE kind = 0 AND ts >= $from AND ts < $to
            GROUP BY model, method, tenant
            """;
        command.Parameters.AddWithValue("$from", from.UtcTicks);
        command.Parameters.AddWithValue("$to", to.UtcTicks);
        var totals = new List<SpendTotal>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            totals.Add(new SpendTotal(
                reader.IsDBNull(0) ? null : reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetInt64(3),
                ToDollars(reader.GetInt64(4))));
        }

        return totals;
    }

    /// <summary>Stops taking rows, commits every row already taken and closes the database.</summary>
    /// <returns>A task that completes when the writer has finished.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        _connection.Dispose();
    }

    /// <summary>Like <see cref="DisposeAsync"/>, blocking until the writer has finished.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    internal static long ToUnits(decimal dollars) => (long)decimal.Round(dollars * UnitsPerDollar, MidpointRounding.AwayFromZero);

    internal static decimal ToDollars(long units) => units / (decimal)UnitsPerDollar;

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private ValueTask Enqueue(Pending pending, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            throw new ObjectDisposedException(nameof(SqliteSpendLedger));
        }

        if (_queue.Writer.TryWrite(pending))
        {
            return new ValueTask(cancellationToken.CanBeCanceled ? pending.Completion.Task.WaitAsync(cancellationToken) : pending.Completion.Task);
        }

        return EnqueueSlowAsync(pending, cancellationToken);
    }

    private async ValueTask EnqueueSlowAsync(Pending pending, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(SqliteSpendLedger));
        }

        await pending.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    private async Task WriteAsync()
    {
        var batch = new List<Pending>(_options.MaxBatchSize);
        using var insertSpend = _connection.CreateCommand();
        insertSpend.CommandText = $"INSERT INTO agentcost_spend ({SpendColumns}) VALUES ($ts, $kind, $model, $method, $tenant, $task, $input, $cached, $write, $write1h, $output, $reasoning, $cost, $saved, $unpriced, $estimated)";
        var spend = new SqliteParameter[16];
        var names = new[] { "$ts", "$kind", "$model", "$method", "$tenant", "$task", "$input", "$cached", "$write", "$write1h", "$output", "$reasoning", "$cost", "$saved", "$unpriced", "$estimated" };
        for (var i = 0; i < names.Length; i++)
        {
            spend[i] = insertSpend.Parameters.Add(names[i], i is >= 2 and <= 5 ? SqliteType.Text : SqliteType.Integer);
        }

        using var insertTask = _connection.CreateCommand();
        insertTask.CommandText = "INSERT OR REPLACE INTO agentcost_tasks (id, name, tenant, started, ended, succeeded, cost_units, calls) VALUES ($id, $name, $tenant, $started, $ended, $succeeded, $cost, $calls)";
        var task = new SqliteParameter[8];
        var taskNames = new[] { "$id", "$name", "$tenant", "$started", "$ended", "$succeeded", "$cost", "$calls" };
        for (var i = 0; i < taskNames.Length; i++)
        {
            task[i] = insertTask.Parameters.Add(taskNames[i], i <= 2 ? SqliteType.Text : SqliteType.Integer);
        }

        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                using (var transaction = _connection.BeginTransaction())
                {
                    insertSpend.Transaction = transaction;
                    insertTask.Transaction = transaction;
                    foreach (var pending in batch)
                    {
                        if (pending.Record is { } record)
                        {
                            Bind(spend, record);
                            insertSpend.ExecuteNonQuery();
                        }
                        else
                        {
                            Bind(task, pending.Task!);
                            insertTask.ExecuteNonQuery();
                        }
                    }

                    transaction.Commit();
                }

                Interlocked.Add(ref _rowsWritten, batch.Count);
                Interlocked.Increment(ref _batches);
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetResult();
                }
            }
            catch (Exception exception)
            {
                Log.WriteFailed(_logger, batch.Count, exception);
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(exception);
                }
            }
        }
    }

    private static void Bind(SqliteParameter[] p, SpendRecord record)
    {
        p[0].Value = record.Timestamp.UtcTicks;
        p[1].Value = (int)record.Kind;
        p[2].Value = (object?)record.Model ?? DBNull.Value;
        p[3].Value = (object?)record.Method ?? DBNull.Value;
        p[4].Value = (object?)record.Tenant ?? DBNull.Value;
        p[5].Value = (object?)record.Task ?? DBNull.Value;
        p[6].Value = record.Tokens.Input;
        p[7].Value = record.Tokens.CachedInput;
        p[8].Value = record.Tokens.CacheWrite;
        p[9].Value = record.Tokens.CacheWrite1h;
        p[10].Value = record.Tokens.Output;
        p[11].Value = record.Tokens.Reasoning;
        p[12].Value = ToUnits(record.Cost);
        p[13].Value = ToUnits(record.Saved);
        p[14].Value = record.IsUnpriced ? 1 : 0;
        p[15].Value = record.IsEstimated ? 1 : 0;
    }

    private static void Bind(SqliteParameter[] p, TaskRecord task)
    {
        p[0].Value = task.Id.ToString("D");
        p[1].Value = task.Name;
        p[2].Value = (object?)task.Tenant ?? DBNull.Value;
        p[3].Value = task.StartedAt.UtcTicks;
        p[4].Value = task.EndedAt.UtcTicks;
        p[5].Value = task.Succeeded ? 1 : 0;
        p[6].Value = ToUnits(task.Cost);
        p[7].Value = task.Calls;
    }

    private sealed class Pending(SpendRecord? record, TaskRecord? task)
    {
        public SpendRecord? Record { get; } = record;

        public TaskRecord? Task { get; } = task;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3301, Level = LogLevel.Error, Message = "The SQLite spend ledger failed to commit a batch of {Rows} rows; their calls see the error.")]
        public static partial void WriteFailed(ILogger logger, int rows, Exception exception);
    }
}
