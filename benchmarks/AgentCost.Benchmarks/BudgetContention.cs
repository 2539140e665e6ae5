using System.Globalization;
using AgentCost.Hosting;
using AgentCost.Spending;
using Microsoft.Extensions.AI;

namespace AgentCost.Benchmarks;

/// <summary>
/// How much of a spend budget concurrent agents get to use: N agents call a model through <c>UseAgentCost()</c> until
/// they are refused. Each call reserves its worst case (its prompt and 1,000 output tokens on gpt-4o, about $0.01) and
/// uses 50 to 450 output tokens after 1 to 4 ms. Reported: what was spent when the first agent was refused, and at the
/// end, with <see cref="SpendingOptions.ReservationWait"/> at zero (refuse at once) and at its default, side by side.
/// Run with <c>dotnet run -c Release --project benchmarks/AgentCost.Benchmarks -- contention</c>.
/// </summary>
internal static class BudgetContention
{
    private const decimal Limit = 1m;
    private const int Runs = 5;
    private static readonly ChatMessage[] s_prompt = [new(ChatRole.User, "Summarise the report.")];

    public static async Task RunAsync()
    {
        Console.WriteLine($"Budget ${Limit}; each call reserves ≈ $0.01 and spends $0.0005–$0.0045; median of {Runs} runs.");
        Console.WriteLine();
        Console.WriteLine("| agents | ReservationWait | spent at the first refusal | unused then | spent at the end | unused at the end |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|");
        foreach (var agents in new[] { 1, 8, 32 })
        {
            foreach (var wait in new[] { TimeSpan.Zero, SpendingOptions.DefaultReservationWait })
            {
                var runs = new List<(decimal First, decimal End)>();
                for (var run = 0; run < Runs; run++)
                {
                    runs.Add(await RunOnceAsync(agents, wait));
                }

                var first = Median(runs.Select(static r => r.First));
                var end = Median(runs.Select(static r => r.End));
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"| {agents} | {(wait == TimeSpan.Zero ? "0 (refuse at once)" : $"{wait.TotalSeconds:0} s (default)")} | ${first:0.0000} | {(Limit - first) / Limit:P1} | ${end:0.0000} | {(Limit - end) / Limit:P2} |"));
            }
        }
    }

    private static async Task<(decimal FirstRefusal, decimal End)> RunOnceAsync(int agents, TimeSpan wait)
    {
        var options = new AgentCostOptions();
        options.Spending.Budgets.Global.Daily = Limit;
        options.Spending.ReservationWait = wait;
        using var runtime = AgentCostRuntime.Create(options);
        using var current = AgentCostRuntime.Use(runtime);
        using var client = new ChatClientBuilder(new SlowModel()).UseAgentCost().Build();
        var request = new ChatOptions { MaxOutputTokens = 1_000 };
        SpendLimitExceededException? firstRefusal = null;

        await Task.WhenAll(Enumerable.Range(0, agents).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                try
                {
                    await client.GetResponseAsync(s_prompt, request);
                }
                catch (SpendLimitExceededException refusal)
                {
                    Interlocked.CompareExchange(ref firstRefusal, refusal, null);
                    return;
                }
            }
        })));

        return (firstRefusal!.Spent, runtime.Spending.GetBudgets().Single().Spent);
    }

    private static decimal Median(IEnumerable<decimal> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private sealed class SlowModel : IChatClient
    {
        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            await Task.Delay(1 + Random.Shared.Next(4), cancellationToken);
            var output = Math.Min(options!.MaxOutputTokens!.Value, 50 + Random.Shared.Next(400));
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))
            {
                Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = output },
                ModelId = "gpt-4o",
            };
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
            => throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null)
            => serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("slow", null, "gpt-4o") : null;

        public void Dispose()
        {
        }
    }
}
