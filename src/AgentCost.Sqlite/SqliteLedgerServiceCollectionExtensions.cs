using AgentCost.Hosting;
using AgentCost.Spending;
using AgentCost.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SQLite spend ledger.</summary>
public static class SqliteLedgerServiceCollectionExtensions
{
    // The section's path below the AgentCost section (SqliteSpendLedgerOptions.SectionName in full).
    private const string LedgerSection = "Ledger:Sqlite";

    /// <summary>
    /// Makes the AgentCost spend ledger a SQLite file: settings from the <c>Ledger:Sqlite</c> section below the AgentCost
    /// section (<c>AgentCost:Ledger:Sqlite</c> of the registered <see cref="IConfiguration"/>, or of the configuration
    /// given to <c>AddAgentCost(configuration)</c>), then <paramref name="configure"/>. Replaces the
    /// in-memory ledger whether it is called before or after <c>AddAgentCost()</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Changes to the settings after configuration is bound.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddAgentCostSqliteLedger(this IServiceCollection services, Action<SqliteSpendLedgerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.RemoveAll<ISpendLedger>();
        services.AddSingleton(new AgentCostSectionRegistration(LedgerSection, typeof(SqliteSpendLedgerOptions)));
        services.AddSingleton<ISpendLedger>(provider =>
        {
            var options = new SqliteSpendLedgerOptions();
            if (provider.GetAgentCostConfiguration() is { } agentCost)
            {
                agentCost.GetSection(LedgerSection).Bind(options);
            }

            configure?.Invoke(options);
            return new SqliteSpendLedger(options, provider.GetService<ILoggerFactory>()?.CreateLogger<SqliteSpendLedger>());
        });
        return services;
    }

    /// <summary>Makes the AgentCost spend ledger the SQLite database at <paramref name="connectionString"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="connectionString">The SQLite connection string, for example <c>Data Source=spend.db</c>.</param>
    /// <param name="configure">Further changes to the settings.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddAgentCostSqliteLedger(this IServiceCollection services, string connectionString, Action<SqliteSpendLedgerOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return services.AddAgentCostSqliteLedger(options =>
        {
            options.ConnectionString = connectionString;
            configure?.Invoke(options);
        });
    }
}
