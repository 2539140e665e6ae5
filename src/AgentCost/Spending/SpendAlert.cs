namespace AgentCost.Spending;

/// <summary>A spend budget reached one of its alert thresholds. Raised once per budget, threshold and period.</summary>
/// <param name="Budget">The budget as it stood when the threshold was reached.</param>
/// <param name="Threshold">The threshold reached, as a fraction of the limit (0.5 for 50 %).</param>
/// <param name="LimitReached">Whether the threshold was reached because the budget refused a call, rather than by what it spent.</param>
public sealed record SpendAlert(SpendBudgetStatus Budget, decimal Threshold, bool LimitReached);

/// <summary>
/// Receives spend alerts. Register implementations with dependency injection
/// (<c>services.AddSingleton&lt;ISpendAlertHandler, MyHandler&gt;()</c>) or subscribe to
/// <see cref="SpendMonitor.ThresholdReached"/>.
/// </summary>
/// <remarks>Called on the thread that settled the call that crossed the threshold: return quickly and do not throw (exceptions are logged and ignored).</remarks>
public interface ISpendAlertHandler
{
    /// <summary>A budget reached a threshold.</summary>
    /// <param name="alert">Which budget and threshold.</param>
    void OnThresholdReached(SpendAlert alert);
}
