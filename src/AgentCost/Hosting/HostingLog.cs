using AgentCost.Spending;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace AgentCost.Hosting;

/// <summary>Start-up warnings about settings that are valid but very likely not what the application meant.</summary>
internal static partial class HostingLog
{
    public static void StartUpWarnings(ILogger logger, IConfiguration? section, ISpendLedger ledger, SpendMonitor spending)
    {
        if (section is null)
        {
            NoConfiguration(logger);
        }
        else if (!section.GetChildren().Any())
        {
            EmptySection(logger, AgentCostConfiguration.PathOf(section));
        }

        if (ledger is InMemorySpendLedger && spending.HasBudgets)
        {
            BudgetsOnInMemoryLedger(logger);
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning,
        Message = "AgentCost read no configuration: no IConfiguration is registered, so the 'AgentCost' section of appsettings.json and environment variables was not read and only the defaults and settings made in code apply (budgets included). Without a host, call services.AddAgentCost(configuration) with the application's IConfiguration.")]
    private static partial void NoConfiguration(ILogger logger);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning,
        Message = "AgentCost read no configuration: the section '{Section}' is missing or empty, so only the defaults and settings made in code apply (budgets included).")]
    private static partial void EmptySection(ILogger logger, string section);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning,
        Message = "AgentCost spend budgets are kept on the in-memory ledger: the day's and month's spend start from zero at every restart, so a daily or monthly budget resets with the process. Register a durable ledger with services.AddAgentCostSqliteLedger() (package AgentCost.Sqlite).")]
    private static partial void BudgetsOnInMemoryLedger(ILogger logger);
}
