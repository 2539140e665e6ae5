namespace AgentCost.Spending;

/// <summary>
/// Where the counters of spend budgets live: what each budget has spent and has reserved for calls in flight, per period.
/// The default, <see cref="InMemorySpendBudgetStore"/>, keeps them in this process with lock-free compare-and-swap; a
/// store shared by several processes (Redis, a database) makes one budget hold across a fleet. Register one with
/// dependency injection (<c>services.AddSingleton&lt;ISpendBudgetStore, MyStore&gt;()</c>) or pass it to
/// <see cref="AgentCostRuntime"/>.
/// </summary>
/// <remarks>
/// <para>The monitor asks for a budget's counter once per period, when the period starts (or the budget is first
/// used), and keeps it until the period ends: a store pays for a look-up per period, never per call.</para>
/// <para><b>What a store must guarantee.</b> Keyed by the budget and the start of the period, the counters of the
/// same <see cref="SpendBudgetPeriod"/> are the same figures wherever they are asked for. A reservation never takes the
/// committed amount (spent plus reserved) of a budget above its limit, under any concurrency, and a store that cannot
/// tell refuses (budgets fail closed): see <see cref="ISpendBudgetCounter.TryReserve"/>.</para>
/// <para>Calls that throw from a store fail the model call they were made for, before it is sent.</para>
/// </remarks>
public interface ISpendBudgetStore
{
    /// <summary>The counters of one budget in one period, opened empty (or as other processes left them) when new.</summary>
    /// <param name="period">The budget, its period and its limit.</param>
    /// <returns>The counters; the same figures for the same budget and period start.</returns>
    ISpendBudgetCounter GetCounter(SpendBudgetPeriod period);
}
