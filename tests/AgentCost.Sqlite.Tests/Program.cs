using System.Diagnostics;
using AgentCost.Hosting;
using AgentCost.Spending;
using Microsoft.Extensions.AI;

namespace AgentCost.Sqlite.Tests;

/// <summary>
/// The entry point of the test assembly when it runs as the crash test's child process. The test runner does not use it.
/// </summary>
public static class Program
{
    /// <summary>Runs the child: <c>--crash-writer &lt;database file&gt;</c>.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The exit code.</returns>
    public static int Main(string[] args)
    {
        if (args is ["--crash-writer", var path])
        {
            return CrashWriter.RunAsync(path).GetAwaiter().GetResult();
        }

        Console.Error.WriteLine("This is a test assembly: run it with 'dotnet test'. As a child process it takes --crash-writer <database file>.");
        return 2;
    }
}

/// <summary>
/// Makes model calls through <c>UseAgentCost()</c> with the SQLite ledger, from eight workers at once, and prints
/// <c>returned call-N</c> after each call has returned (stdout flushes every write). Each call's tenant is <c>call-N</c>,
/// so its row can be found. It stops by itself after a minute or 200,000 calls, if nobody kills it first.
/// </summary>
internal static class CrashWriter
{
    public static async Task<int> RunAsync(string path)
    {
        var ledger = new SqliteSpendLedger(new SqliteSpendLedgerOptions { ConnectionString = $"Data Source={path}" });
        var options = new AgentCostOptions();
        options.Spending.Budgets.Global.Daily = 1_000_000m;
        using var runtime = AgentCostRuntime.Create(options, ledger: ledger);
        using var scope = AgentCostRuntime.Use(runtime);
        using var client = new ChatClientBuilder(new InstantModel()).UseAgentCost().Build();
        Console.Out.WriteLine("ready");

        var deadline = Stopwatch.StartNew();
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (deadline.Elapsed < TimeSpan.FromMinutes(1))
            {
                var call = Interlocked.Increment(ref next);
                if (call > 200_000)
                {
                    return;
                }

                using (AgentCostContext.Begin("call-" + call))
                {
                    await client.GetResponseAsync("Worker asks.", new ChatOptions { MaxOutputTokens = 20 });
                }

                Console.Out.WriteLine("returned call-" + call);
            }
        })));

        await ledger.DisposeAsync();
        return 0;
    }
}

/// <summary>A model that answers at once, reporting usage.</summary>
internal sealed class InstantModel(string modelId = "gpt-4o-mini") : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))
        {
            ModelId = modelId,
            Usage = new UsageDetails { InputTokenCount = 12, OutputTokenCount = 3, TotalTokenCount = 15 },
        });

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        => throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null)
        => serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("instant", null, modelId) : null;

    public void Dispose()
    {
    }
}
