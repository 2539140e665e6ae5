using AgentCost.Telemetry;
using Microsoft.Extensions.Logging;

namespace AgentCost.Spending;

/// <summary>
/// Raises the alert thresholds of <c>AgentCost:Spending:AlertThresholds</c>: once per budget, threshold and period, to
/// the log, the <c>agentcost.spend.alerts</c> counter, the registered <see cref="ISpendAlertHandler"/>s and
/// <see cref="SpendMonitor.ThresholdReached"/>.
/// </summary>
internal sealed partial class SpendAlerts(SpendMonitor monitor, decimal[] thresholds, ISpendAlertHandler[] handlers, AgentCostMetrics metrics, ILogger logger)
{
    /// <summary>The thresholds, as fractions of a limit (ascending).</summary>
    public decimal[] Thresholds => thresholds;

    /// <summary>Raises the thresholds <paramref name="state"/>'s spend has crossed and not raised yet.</summary>
    public void Check(SpendBudget.PeriodState state)
    {
        if (thresholds.Length == 0)
        {
            return;
        }

        var level = state.ThresholdsReached;
        if (level > 0 && state.TryRaiseAlertLevel(level) is var previous and >= 0)
        {
            for (var i = previous; i < level; i++)
            {
                Raise(state, thresholds[i], limitReached: false);
            }
        }
    }

    /// <summary>Raises every threshold not raised yet: <paramref name="state"/> refused a call, so its limit is reached.</summary>
    public void LimitReached(SpendBudget.PeriodState state)
    {
        if (thresholds.Length > 0 && state.TryRaiseAlertLevel(thresholds.Length) is var previous and >= 0)
        {
            for (var level = previous; level < thresholds.Length; level++)
            {
                Raise(state, thresholds[level], limitReached: true);
            }
        }
    }

    private void Raise(SpendBudget.PeriodState state, decimal threshold, bool limitReached)
    {
        var budget = state.Budget;
        var status = state.Status();
        var alert = new SpendAlert(status, threshold, limitReached);
        Log.ThresholdReached(logger, budget.Name, threshold, status.Spent, status.Limit, state.Start);
        metrics.SpendAlerts.Add(
            1,
            new KeyValuePair<string, object?>("agentcost.budget", budget.Name),
            new KeyValuePair<string, object?>("agentcost.threshold", (double)threshold));
        foreach (var handler in handlers)
        {
            try
            {
                handler.OnThresholdReached(alert);
            }
            catch (Exception exception)
            {
                Log.AlertHandlerFailed(logger, handler.GetType().FullName ?? handler.GetType().Name, exception);
            }
        }

        try
        {
            monitor.OnThresholdReached(alert);
        }
        catch (Exception exception)
        {
            Log.AlertHandlerFailed(logger, nameof(SpendMonitor.ThresholdReached), exception);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3201, Level = LogLevel.Warning,
            Message = "Spend budget '{Budget}' reached {Threshold:P0} of its limit: {Spent} of {Limit} USD spent in the period from {PeriodStart}.")]
        public static partial void ThresholdReached(ILogger logger, string budget, decimal threshold, decimal spent, decimal limit, DateTimeOffset periodStart);

        [LoggerMessage(EventId = 3206, Level = LogLevel.Error, Message = "Spend alert handler '{Handler}' threw; the alert was still raised to the others.")]
        public static partial void AlertHandlerFailed(ILogger logger, string handler, Exception exception);
    }
}
