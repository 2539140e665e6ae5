namespace AgentCost.Sqlite;

/// <summary>How SQLite makes a commit durable; see <see cref="SqliteSpendLedgerOptions.Synchronous"/>.</summary>
public enum SqliteSynchronousMode
{
    /// <summary>
    /// <c>PRAGMA synchronous = NORMAL</c>: in WAL mode a commit survives a crash of the process, but the last
    /// transactions can be lost if the machine loses power or the operating system crashes.
    /// </summary>
    Normal,

    /// <summary>
    /// <c>PRAGMA synchronous = FULL</c>: every commit is flushed to disk (an fsync of the WAL), so a row whose call has
    /// returned survives a power loss too. Group commit shares one flush among all the rows of a batch.
    /// </summary>
    Full,
}

/// <summary>Settings of the SQLite spend ledger; configuration section <c>AgentCost:Ledger:Sqlite</c>.</summary>
public sealed class SqliteSpendLedgerOptions
{
    /// <summary>The configuration section the settings are read from.</summary>
    public const string SectionName = "AgentCost:Ledger:Sqlite";

    /// <summary>
    /// The SQLite connection string, for example <c>Data Source=/var/lib/myapp/spend.db</c>. Key
    /// <c>AgentCost:Ledger:Sqlite:ConnectionString</c>; default <c>Data Source=agentcost-spend.db</c> (in the working
    /// directory). The file is created, with its tables, when it does not exist.
    /// </summary>
    public string ConnectionString { get; set; } = "Data Source=agentcost-spend.db";

    /// <summary>
    /// How durable a commit is. Key <c>AgentCost:Ledger:Sqlite:Synchronous</c> (<c>Full</c> or <c>Normal</c>); default
    /// <see cref="SqliteSynchronousMode.Full"/>: a ledger of money should survive a power loss, and group commit keeps the
    /// cost of the flush per row small under load. <see cref="SqliteSynchronousMode.Normal"/> survives process crashes only.
    /// </summary>
    public SqliteSynchronousMode Synchronous { get; set; } = SqliteSynchronousMode.Full;

    /// <summary>
    /// The most rows committed in one transaction. Key <c>AgentCost:Ledger:Sqlite:MaxBatchSize</c>; default 512.
    /// </summary>
    public int MaxBatchSize { get; set; } = 512;

    /// <summary>
    /// The most rows waiting for the writer; a call that finds the queue full waits for room. Key
    /// <c>AgentCost:Ledger:Sqlite:QueueCapacity</c>; default 8,192.
    /// </summary>
    public int QueueCapacity { get; set; } = 8192;

    /// <summary>Throws when a setting is out of range, naming its key.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new ArgumentException($"{SectionName}:ConnectionString must be set, for example 'Data Source=spend.db'.", nameof(ConnectionString));
        }

        if (!Enum.IsDefined(Synchronous))
        {
            throw new ArgumentException($"{SectionName}:Synchronous must be Full or Normal, but was '{Synchronous}'.", nameof(Synchronous));
        }

        if (MaxBatchSize < 1)
        {
            throw new ArgumentException($"{SectionName}:MaxBatchSize must be positive, but was {MaxBatchSize}.", nameof(MaxBatchSize));
        }

        if (QueueCapacity < 1)
        {
            throw new ArgumentException($"{SectionName}:QueueCapacity must be positive, but was {QueueCapacity}.", nameof(QueueCapacity));
        }
    }
}
