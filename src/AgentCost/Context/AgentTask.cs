using System.Globalization;
using AgentCost.Hosting;
using AgentCost.Spending;

namespace AgentCost;

/// <summary>
/// A unit of agent work whose success decides what the work costs: the model calls made while it is current are
/// charged to it, and when it ends it is recorded as succeeded or failed, so that reports can give the cost per
/// successful task — the cost of failed attempts shared among the ones that delivered.
/// </summary>
/// <remarks>
/// <para>Open one by hand, or mark a method with <see cref="AgentTaskAttribute"/> and its interceptor does it (the task
/// succeeds when the method returns, fails when it throws). A task that is disposed without <see cref="Succeed"/>
/// counts as failed. Tasks nest: a call charges the innermost task and every enclosing one.</para>
/// </remarks>
/// <example>
/// <code>
/// using var task = AgentTask.Begin("answer-question");
/// var answer = await researcher.AnswerAsync(question);
/// if (IsGood(answer)) task.Succeed();
/// </code>
/// </example>
public sealed class AgentTask : IDisposable, IAsyncDisposable
{
    private static readonly AsyncLocal<AgentTask?> s_current = new();

    // The spend monitor of the runtime current where the task began: it dates the task and records it when it ends.
    private readonly SpendMonitor _spending;
    private long _costUnits;
    private long _calls;
    private int _outcome;
    private int _ended;

    private AgentTask(string name, SpendMonitor spending, AgentTask? parent)
    {
        Name = name;
        Parent = parent;
        _spending = spending;
        Tenant = AgentCostContext.Current?.Tenant;
        StartedAt = spending.TimeProvider.GetUtcNow();
    }

    /// <summary>The innermost task of the current asynchronous flow, or <see langword="null"/>.</summary>
    public static AgentTask? Current => s_current.Value;

    /// <summary>A new id for this task.</summary>
    public Guid Id { get; } = Guid.NewGuid();

    /// <summary>The task's name: costs per successful task are reported per name.</summary>
    public string Name { get; }

    /// <summary>The enclosing task, or <see langword="null"/>.</summary>
    public AgentTask? Parent { get; }

    /// <summary>The tenant it runs for (<see cref="AgentCostContext.Tenant"/> when it began), or <see langword="null"/>.</summary>
    public string? Tenant { get; }

    /// <summary>When it began.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>What its model calls, and those of tasks inside it, have cost so far, in US dollars.</summary>
    public decimal Cost => Money.ToDollars(Volatile.Read(ref _costUnits));

    /// <summary>How many model calls it has made, tasks inside it included.</summary>
    public long Calls => Volatile.Read(ref _calls);

    /// <summary>How it ended, or <see cref="AgentTaskOutcome.Running"/>.</summary>
    public AgentTaskOutcome Outcome => Volatile.Read(ref _ended) == 0 ? AgentTaskOutcome.Running : (AgentTaskOutcome)Volatile.Read(ref _outcome);

    /// <summary>Begins a task and makes it <see cref="Current"/> until it is disposed.</summary>
    /// <param name="name">The task's name, for example <c>answer-question</c>.</param>
    /// <returns>The task; mark it with <see cref="Succeed"/> and dispose it when the work ends.</returns>
    /// <remarks>It is recorded by the spend monitor of <see cref="AgentCostRuntime.Current"/>.</remarks>
    public static AgentTask Begin(string name) => Begin(name, AgentCostRuntime.Current.Spending);

    /// <summary>Begins a task recorded by <paramref name="spending"/>: the runtime an intercepted call's entry point resolved.</summary>
    internal static AgentTask Begin(string name, SpendMonitor spending)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var task = new AgentTask(name, spending, s_current.Value);
        s_current.Value = task;
        return task;
    }

    /// <summary>Marks the task succeeded; the last mark before it ends counts.</summary>
    public void Succeed() => Volatile.Write(ref _outcome, (int)AgentTaskOutcome.Succeeded);

    /// <summary>Marks the task failed; the last mark before it ends counts.</summary>
    public void Fail() => Volatile.Write(ref _outcome, (int)AgentTaskOutcome.Failed);

    /// <summary>Ends the task (failed unless marked succeeded), restores the enclosing one and records it in the ledger.</summary>
    public void Dispose()
    {
        if (End() is { } record)
        {
            _spending.RecordTask(record, wait: false);
        }
    }

    /// <summary>Ends the task like <see cref="Dispose"/>, and waits until the ledger has stored it.</summary>
    /// <returns>A task that completes when the row is stored.</returns>
    public ValueTask DisposeAsync() => End() is { } record ? _spending.RecordTask(record, wait: true) : ValueTask.CompletedTask;

    /// <summary>
    /// Ends the task like <see cref="Dispose"/>, and waits until the ledger has stored it, so that a report taken once the
    /// caller goes on has it; a ledger that fails is logged, as by <see cref="Dispose"/>, and not thrown.
    /// </summary>
    /// <returns>A task that completes when the row is stored or its failure logged.</returns>
    internal ValueTask EndAsync() => End() is { } record ? _spending.RecordTask(record, wait: true, logFailure: true) : ValueTask.CompletedTask;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}: {Outcome}, {Calls} calls, {Money.Format(Cost)}");

    /// <summary>Charges a settled call to this task and every enclosing one.</summary>
    internal void Charge(long units)
    {
        for (var task = this; task is not null; task = task.Parent)
        {
            Interlocked.Add(ref task._costUnits, units);
            Interlocked.Increment(ref task._calls);
        }
    }

    private TaskRecord? End()
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return null;
        }

        if (Volatile.Read(ref _outcome) != (int)AgentTaskOutcome.Succeeded)
        {
            Volatile.Write(ref _outcome, (int)AgentTaskOutcome.Failed);
        }

        if (ReferenceEquals(s_current.Value, this))
        {
            s_current.Value = Parent;
        }

        return new TaskRecord(
            Id,
            Name,
            Tenant,
            StartedAt,
            _spending.TimeProvider.GetUtcNow(),
            Volatile.Read(ref _outcome) == (int)AgentTaskOutcome.Succeeded,
            Cost,
            Calls);
    }
}
