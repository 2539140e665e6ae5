using System.Diagnostics;
using AgentCost.Hosting;
using AgentCost.Spending;
using Microsoft.Data.Sqlite;

namespace AgentCost.Sqlite.Tests;

/// <summary>
/// A child process makes calls through the SQLite ledger and is killed mid-run: every call that returned has its row,
/// the file is intact, and a new process continues the day's budget from it.
/// </summary>
public sealed class CrashTests
{
    [Fact]
    public async Task Every_row_whose_call_returned_survives_a_kill_and_the_budget_continues_after_the_restart()
    {
        using var database = new TempDatabase();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(CrashWriter).Assembly.Location);
        start.ArgumentList.Add("--crash-writer");
        start.ArgumentList.Add(database.Path);

        var returned = new List<string>();
        using (var child = Process.Start(start)!)
        {
            var stderr = child.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                // Let it write for a while, then kill it in the middle of its batches.
                while (returned.Count < 1_500 && await child.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
                {
                    if (line.StartsWith("returned ", StringComparison.Ordinal))
                    {
                        returned.Add(line["returned ".Length..]);
                    }
                }
            }
            finally
            {
                child.Kill(entireProcessTree: true);
                await child.WaitForExitAsync(CancellationToken.None);
            }

            // Lines printed before the kill are still in the pipe: their calls returned too.
            while (await child.StandardOutput.ReadLineAsync(CancellationToken.None) is { } line)
            {
                if (line.StartsWith("returned ", StringComparison.Ordinal))
                {
                    returned.Add(line["returned ".Length..]);
                }
            }

            Assert.True(returned.Count >= 1_500, $"The child returned only {returned.Count} calls. Its errors: {await stderr}");
            Assert.NotEqual(0, child.ExitCode);
        }

        var stored = new HashSet<string>(StringComparer.Ordinal);
        await using (var connection = new SqliteConnection(database.ConnectionString + ";Mode=ReadWrite"))
        {
            await connection.OpenAsync();
            await using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", (string?)await check.ExecuteScalarAsync());
            await using var select = connection.CreateCommand();
            select.CommandText = "SELECT tenant FROM agentcost_spend";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                stored.Add(reader.GetString(0));
            }
        }

        var missing = returned.Where(call => !stored.Contains(call)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {returned.Count} returned calls have no row, for example {string.Join(", ", missing.Take(5))}.");
        Assert.True(stored.Count >= returned.Count);

        // The restart: a new runtime on the same file starts the day where the killed process left it.
        await using var ledger = new SqliteSpendLedger(database.ConnectionString);
        var options = new AgentCostOptions();
        options.Spending.Budgets.Global.Daily = 1_000_000m;
        using var runtime = AgentCostRuntime.Create(options, ledger: ledger);
        await runtime.Spending.InitializeAsync();
        var today = runtime.Spending.GetBudgets().Single();
        var (dayStart, dayEnd) = (today.PeriodStart, today.PeriodEnd);
        var totals = await ledger.GetTotalsAsync(dayStart, dayEnd);
        Assert.Equal(totals.Sum(static t => t.Calls), today.Calls);
        Assert.Equal(totals.Sum(static t => t.Cost), today.Spent);
        Assert.Equal(stored.Count * ((12 * 0.15m / 1_000_000) + (3 * 0.60m / 1_000_000)), today.Spent);
    }
}
