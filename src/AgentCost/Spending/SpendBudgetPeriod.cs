namespace AgentCost.Spending;

/// <summary>
/// One spend budget in one period: what an <see cref="ISpendBudgetStore"/> keys its counters by. A budget is its
/// <see cref="Scope"/>, <see cref="Key"/> and <see cref="Period"/>; a period of it is identified by its
/// <see cref="Start"/>.
/// </summary>
/// <param name="BudgetName">How messages name the budget: <c>global daily</c>, <c>tenant 'acme' monthly</c>, ...</param>
/// <param name="Scope">What the budget limits.</param>
/// <param name="Key">The model, tenant or method it limits; <see langword="null"/> for a global budget.</param>
/// <param name="Period">The period it counts over.</param>
/// <param name="Start">When this period started.</param>
/// <param name="End">When this period ends: its counters are not used after it.</param>
/// <param name="LimitUnits">The limit, in units of 10⁻¹⁰ US dollars (<see cref="UnitsPerDollar"/>).</param>
public readonly record struct SpendBudgetPeriod(
    string BudgetName,
    SpendScope Scope,
    string? Key,
    SpendPeriod Period,
    DateTimeOffset Start,
    DateTimeOffset End,
    long LimitUnits)
{
    /// <summary>The units of every amount a store holds in one US dollar.</summary>
    public const long UnitsPerDollar = Money.UnitsPerDollar;
}
