namespace AgentCost.Spending;

/// <summary>What the ledger held for the current day and month when the monitor started.</summary>
internal sealed class SpendBaseline(DateTimeOffset dayStart, IReadOnlyList<SpendTotal> day, DateTimeOffset monthStart, IReadOnlyList<SpendTotal> month)
{
    /// <summary>Adds to <paramref name="budget"/>'s current period what the ledger recorded in it, if it is still that period.</summary>
    public void Seed(SpendBudget budget)
    {
        var state = budget.Latest;
        var (start, totals) = budget.Period == SpendPeriod.Day ? (dayStart, day) : (monthStart, month);
        if (state.Start != start)
        {
            return;
        }

        long units = 0, calls = 0;
        foreach (var total in totals)
        {
            if (budget.Scope switch
            {
                SpendScope.Global => true,
                SpendScope.Model => string.Equals(total.Model, budget.Key, StringComparison.OrdinalIgnoreCase),
                SpendScope.Tenant => string.Equals(total.Tenant, budget.Key, StringComparison.Ordinal),
                _ => string.Equals(total.Method, budget.Key, StringComparison.Ordinal),
            })
            {
                units += Money.FromDollars(total.Cost);
                calls += total.Calls;
            }
        }

        if (units > 0 || calls > 0)
        {
            state.Seed(units, calls);

            // Thresholds already crossed before the restart were raised then: mark them, do not raise them again.
            state.TryRaiseAlertLevel(state.ThresholdsReached);
        }
    }
}
