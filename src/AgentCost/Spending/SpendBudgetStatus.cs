namespace AgentCost.Spending;

/// <summary>A spend budget in its current period. Amounts are US dollars.</summary>
/// <param name="Name">How messages name the budget: <c>global daily</c>, <c>tenant 'acme' monthly</c>, ...</param>
/// <param name="Scope">What it limits.</param>
/// <param name="Key">The model, tenant or method it limits; <see langword="null"/> for a global budget.</param>
/// <param name="Period">The period it counts over.</param>
/// <param name="PeriodStart">When the current period started.</param>
/// <param name="PeriodEnd">When the current period ends.</param>
/// <param name="Limit">The limit.</param>
/// <param name="Spent">What settled calls cost in this period.</param>
/// <param name="Reserved">The worst cases reserved by calls in flight.</param>
/// <param name="Calls">Calls charged in this period.</param>
/// <param name="RefusedCalls">Calls it refused in this period.</param>
public sealed record SpendBudgetStatus(
    string Name,
    SpendScope Scope,
    string? Key,
    SpendPeriod Period,
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd,
    decimal Limit,
    decimal Spent,
    decimal Reserved,
    long Calls,
    long RefusedCalls)
{
    /// <summary>What is neither spent nor reserved; never negative.</summary>
    public decimal Remaining => Math.Max(0, Limit - Spent - Reserved);

    /// <summary><see cref="Spent"/> as a fraction of <see cref="Limit"/> (1 when the limit is 0).</summary>
    public double Utilization => Limit == 0 ? 1 : (double)(Spent / Limit);
}
