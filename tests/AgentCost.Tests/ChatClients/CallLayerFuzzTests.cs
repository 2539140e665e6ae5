using System.Runtime.CompilerServices;
using AgentCost.Hosting;
using AgentCost.Routing;
using AgentCost.Spending;
using AgentCost.Tests.Routing;
using AgentCost.Tests.Spending;
using Microsoft.Extensions.AI;

namespace AgentCost.Tests.ChatClients;

/// <summary>
/// Seeded random requests and provider reports, hostile ones included, through <c>UseAgentCost()</c> from concurrent
/// workers: the hard limits hold, every reservation is given back, and only the documented exceptions escape.
/// </summary>
public sealed class CallLayerFuzzTests
{
    private const string DefaultModel = "gpt-4o";

    // gpt-4o's dearest input and output rates, in dollars per token: the most one over-reported token can cost.
    private const decimal InputRate = 2.50m / 1_000_000;
    private const decimal OutputRate = 10.00m / 1_000_000;

    private static readonly int?[] s_limits = [null, null, null, -10_000_000, -1, 0, 1, 7, 200, 2_000, 100_000, int.MaxValue];
    private static readonly string?[] s_models = [null, null, null, null, DefaultModel, DefaultModel, "local-free", "local-free", "mystery-model", "", "   "];
    private static readonly decimal[] s_dailyLimits = [0.005m, 0.5m, 5m];
    private static readonly int[] s_tokenTotals = [3_000, 30_000, 300_000];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Hostile_requests_and_reports_never_break_a_hard_limit(int seed)
    {
        int reached = 0, routed = 0;
        for (var round = 0; round < 8; round++)
        {
            var (toModel, throughRoutes) = await RunRoundAsync(new Random((seed * 1_000) + round), calls: 150, workers: 4);
            reached += toModel;
            routed += throughRoutes;
        }

        // The fuzz must exercise calls that are sent, not only refusals, and the routing middleware in front.
        Assert.True(reached >= 50, $"only {reached} of 1,200 calls reached the model");
        Assert.True(routed > 0, "no call was routed");
    }

    private static async Task<(int Reached, int Routed)> RunRoundAsync(Random random, int calls, int workers)
    {
        var dailyLimit = s_dailyLimits[random.Next(s_dailyLimits.Length)];
        var withTokenBudget = random.Next(4) != 0;

        // Half the rounds let a call that does not fit wait for calls in flight to settle.
        var reservationWait = random.Next(2) == 0 ? TimeSpan.Zero : SpendingOptions.DefaultReservationWait;
        using var test = new SpendRuntime(o =>
        {
            o.Pricing.Models["local-free"] = new ModelPrice { Input = 0m, Output = 0m };
            o.Spending.Budgets.Global.Daily = dailyLimit;
            o.Spending.ReservationWait = reservationWait;
        });
        var model = new FuzzModel(test.Runtime);

        // In some rounds the routing middleware sits outside, as in the sample: a route picks each call's model.
        using var router = random.Next(3) == 0
            ? new ModelRouter(RoutingTestSupport.Options(("simple", ["gpt-4o-mini"]), ("complex", ["gpt-4o"])), timeProvider: test.Time)
            : null;
        int? defaultOutput = random.Next(4) == 0 ? null : 256;
        using var client = (router is null ? new ChatClientBuilder(model) : new ChatClientBuilder(model).UseAgentCostRouting(router))
            .UseAgentCost(o => o.DefaultMaxOutputTokens = defaultOutput)
            .Build();
        using var scope = withTokenBudget
            ? TokenBudget.Begin("Fuzz.Run", s_tokenTotals[random.Next(s_tokenTotals.Length)], finalAnswerReserve: 0, minStepTokens: 0)
            : null;
        var seeds = Enumerable.Range(0, workers).Select(_ => random.Next()).ToArray();
        var next = -1;

        // A call waiting for room ends when a call in flight settles or its wait runs out. On the fake clock a wait runs
        // out only when the clock moves: it ticks while the round runs, as time passes in a host, so that a call waiting
        // on a stream its consumer abandoned is refused when its wait ends rather than holding up the round.
        using var roundOver = new CancellationTokenSource();
        var clock = reservationWait == TimeSpan.Zero ? Task.CompletedTask : Task.Run(async () =>
        {
            while (!roundOver.IsCancellationRequested)
            {
                await Task.Delay(50);
                test.Time.Advance(TimeSpan.FromSeconds(1));
            }
        });

        await Task.WhenAll(seeds.Select(seed => Task.Run(async () =>
        {
            var own = new Random(seed);

            // Some workers open a child budget: it charges the round's budget too, and the tighter one wins.
            using var child = scope is not null && own.Next(2) == 0 ? TokenBudget.Begin("Fuzz.Child", s_tokenTotals[own.Next(s_tokenTotals.Length)], finalAnswerReserve: 0, minStepTokens: 0) : null;
            using var route = router is not null && own.Next(3) != 0
                ? ModelRouting.Begin("Fuzz.Route", new ModelRoutePolicy(Tier: own.Next(2) == 0 ? "simple" : "complex"))
                : null;

            while (Interlocked.Increment(ref next) < calls)
            {
                await CallAsync(client, own);

                // Now and then a lease runs out while other calls are in flight, as it would in a long-running host.
                if (own.Next(10) == 0)
                {
                    test.Time.Advance(SpendingOptions.DefaultStreamLease + TimeSpan.FromSeconds(1));
                }
            }
        })));

        await roundOver.CancelAsync();
        await clock;

        // Streams nobody disposed are settled by their lease.
        test.Time.Advance(SpendingOptions.DefaultStreamLease + TimeSpan.FromSeconds(1));

        Assert.Empty(model.Violations);

        var spend = test.Spending.GetBudgets().Single();
        Assert.Equal(0m, spend.Reserved);
        Assert.True(
            spend.Spent <= spend.Limit + model.OverReportedDollars,
            $"spent {spend.Spent} of {spend.Limit}, over-reported {model.OverReportedDollars}");
        var records = await test.RecordsAsync();
        Assert.Equal(records.Sum(static r => r.Cost), spend.Spent);
        if (scope?.Budget is { } budget)
        {
            Assert.Equal(0, budget.InFlight);
            Assert.True(
                budget.Used <= budget.Total + model.OverReportedTokens,
                $"used {budget.Used} of {budget.Total}, over-reported {model.OverReportedTokens}");
            Assert.Equal(Math.Max(0, budget.Total - budget.Used), budget.Remaining);
        }

        return (model.ModelsSeen.Values.Sum(), router?.Log.Records.Count ?? 0);
    }

    private static async Task CallAsync(IChatClient client, Random random)
    {
        var limit = s_limits[random.Next(s_limits.Length)];
        var modelId = s_models[random.Next(s_models.Length)];
        var options = random.Next(10) == 0 && limit is null && modelId is null ? null : new ChatOptions { MaxOutputTokens = limit, ModelId = modelId };
        if (options is not null)
        {
            // Mostly honest: one lying report can use a budget up, after which every call is refused.
            options.AdditionalProperties = new() { [FuzzModel.ReportKey] = random.Next(25) == 0 ? (Report)random.Next(Enum.GetValues<Report>().Length) : Report.Honest };
        }

        List<ChatMessage> messages = random.Next(10) switch
        {
            0 => [],
            1 => [new(ChatRole.User, string.Concat(Enumerable.Repeat("data ", random.Next(1_000, 20_000))))],
            _ => [new(ChatRole.System, "Be brief."), new(ChatRole.User, "Question " + random.Next())],
        };
        var streaming = random.Next(2) == 0;
        var stopAfter = random.Next(4) == 0 ? random.Next(0, 3) : -1;
        var abandon = stopAfter >= 0 && random.Next(3) == 0;
        var cancelAt = random.Next(8) == 0 ? random.Next(0, 3) : -1;
        var description = $"limit {limit}, model '{modelId}', {messages.Count} messages, streaming {streaming}, stop after {stopAfter}, abandon {abandon}, cancel at {cancelAt}, report {options?.AdditionalProperties?[FuzzModel.ReportKey]}";
        var call = CallAsync(client, messages, options, limit, streaming, stopAfter, abandon, cancelAt);
        if (await Task.WhenAny(call, Task.Delay(TimeSpan.FromSeconds(20))) != call)
        {
            Assert.Fail("A call hung: " + description);
        }

        await call;
    }

    private static async Task CallAsync(
        IChatClient client, List<ChatMessage> messages, ChatOptions? options, int? limit, bool streaming, int stopAfter, bool abandon, int cancelAt)
    {
        using var cancellation = new CancellationTokenSource();
        try
        {
            if (!streaming)
            {
                if (cancelAt == 0)
                {
                    await cancellation.CancelAsync();
                }

                await client.GetResponseAsync(messages, options, cancellation.Token);
            }
            else
            {
                var stream = client.GetStreamingResponseAsync(messages, options, cancellation.Token).GetAsyncEnumerator(cancellation.Token);
                var read = 0;
                try
                {
                    while (await stream.MoveNextAsync())
                    {
                        if (++read == cancelAt)
                        {
                            await cancellation.CancelAsync();
                        }

                        if (read == stopAfter)
                        {
                            break;
                        }
                    }
                }
                finally
                {
                    if (!abandon)
                    {
                        await stream.DisposeAsync();
                    }
                }
            }

            Assert.False(limit <= 0, $"a request with MaxOutputTokens = {limit} was accepted");
        }
        catch (ArgumentOutOfRangeException error)
        {
            Assert.True(limit <= 0, $"refused MaxOutputTokens = {limit}: {error.Message}");
            Assert.Contains("ChatOptions.MaxOutputTokens", error.Message, StringComparison.Ordinal);
        }
        catch (Exception error) when (error is SpendLimitExceededException or TokenBudgetExceededException or ModelNotPricedException or OperationCanceledException)
        {
        }
    }

    /// <summary>What a provider reports.</summary>
    private enum Report
    {
        Honest,
        None,
        MissingInput,
        MissingOutput,
        Negative,
        Huge,
        OverReported,
        CacheWrites,
        Honest2,
        Honest3,
        Honest4,
    }

    /// <summary>
    /// A provider that reports what the request asks it to, and keeps the tally of what it reported beyond what the
    /// call layer reserved: the only tokens and dollars by which a budget may end over its limit.
    /// </summary>
    private sealed class FuzzModel(AgentCostRuntime runtime) : IChatClient
    {
        public const string ReportKey = "fuzz.report";

        private readonly Lock _lock = new();

        public decimal OverReportedDollars { get; private set; }

        public long OverReportedTokens { get; private set; }

        public List<string> Violations { get; } = [];

        /// <summary>How many requests reached the model, by model id.</summary>
        public System.Collections.Concurrent.ConcurrentDictionary<string, int> ModelsSeen { get; } = new();

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var usage = Answer(messages, options);
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")) { Usage = usage, ModelId = options?.ModelId ?? DefaultModel });
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            var usage = Answer(messages, options);
            cancellationToken.ThrowIfCancellationRequested();
            yield return new ChatResponseUpdate(ChatRole.Assistant, "ok");
            cancellationToken.ThrowIfCancellationRequested();
            if (usage is not null)
            {
                yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(usage)]);
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null)
            => serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("fuzz", null, DefaultModel) : null;

        public void Dispose()
        {
        }

        private UsageDetails? Answer(IEnumerable<ChatMessage> messages, ChatOptions? options)
        {
            var list = messages.ToList();
            if (options?.MaxOutputTokens is <= 0)
            {
                Record($"the provider was sent MaxOutputTokens = {options.MaxOutputTokens}");
            }

            // What the call layer counted and reserved: the prompt as it counts it, and the output limit it sent (or the
            // model's own maximum, 16,384, when it sent none).
            var modelId = options?.ModelId ?? DefaultModel;
            ModelsSeen.AddOrUpdate(modelId, 1, static (_, count) => count + 1);
            long prompt = runtime.Tokenizers.GetCounter(modelId).CountRequest(list, options);
            long ceiling = options?.MaxOutputTokens ?? 16_384;
            var honestOutput = Math.Min(1, ceiling);
            var report = options?.AdditionalProperties?.TryGetValue(ReportKey, out var value) == true ? (Report)value! : Report.Honest;
            var usage = report switch
            {
                Report.None => null,
                Report.MissingInput => new UsageDetails { OutputTokenCount = honestOutput },
                Report.MissingOutput => new UsageDetails { InputTokenCount = prompt },
                Report.Negative => new UsageDetails { InputTokenCount = -1_000_000, OutputTokenCount = -500_000, CachedInputTokenCount = -3, ReasoningTokenCount = -4 },
                Report.Huge => new UsageDetails { InputTokenCount = long.MaxValue, OutputTokenCount = long.MaxValue, TotalTokenCount = long.MinValue },
                Report.OverReported => new UsageDetails { InputTokenCount = prompt + 500, OutputTokenCount = ceiling + 1_000 },
                Report.CacheWrites => new UsageDetails
                {
                    InputTokenCount = prompt,
                    OutputTokenCount = honestOutput,
                    AdditionalCounts = new() { ["cache_creation_input_tokens"] = prompt / 2 },
                },
                _ => new UsageDetails { InputTokenCount = prompt, OutputTokenCount = honestOutput, CachedInputTokenCount = prompt / 3 },
            };

            if (usage is not null)
            {
                var charged = SpendTokens.FromUsage(usage, prompt, honestOutput);
                var budgetInput = SpendTokens.FromUsage(new UsageDetails { InputTokenCount = usage.InputTokenCount }, prompt).TotalInput;
                var extraInput = Math.Max(0, charged.TotalInput - prompt);
                var extraOutput = Math.Max(0, charged.Output - ceiling);
                lock (_lock)
                {
                    OverReportedDollars += (extraInput * InputRate) + (extraOutput * OutputRate);
                    OverReportedTokens += Math.Max(0, budgetInput - prompt) + extraOutput;
                }
            }

            return usage;
        }

        private void Record(string violation)
        {
            lock (_lock)
            {
                Violations.Add(violation);
            }
        }
    }
}
