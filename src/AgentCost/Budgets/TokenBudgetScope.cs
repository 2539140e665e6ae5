namespace AgentCost.Budgets;

/// <summary>
/// Keeps a <see cref="TokenBudget"/> as <see cref="TokenBudget.Current"/> for the asynchronous flow that opened it;
/// disposing restores the enclosing budget. Returned by <see cref="TokenBudget.Begin(string, int, int, int, BudgetOverflowPolicy)"/>.
/// </summary>
public sealed class TokenBudgetScope : IDisposable
{
    private readonly TokenBudget? _parent;
    private int _disposed;

    internal TokenBudgetScope(TokenBudget budget, TokenBudget? parent)
    {
        Budget = budget;
        _parent = parent;
    }

    /// <summary>The budget this scope opened.</summary>
    public TokenBudget Budget { get; }

    /// <summary>Restores the enclosing budget as <see cref="TokenBudget.Current"/>; calls after the first do nothing.</summary>
    /// <remarks>Charges already made stay on the budget and its ancestors; a call still running keeps charging it.</remarks>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            TokenBudget.Restore(Budget, _parent);
        }
    }
}
