using System.Threading.RateLimiting;
using AgentCost.RateLimiting;
using AgentCost.Routing;
using AgentCost.Tokens;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace AgentCost.Benchmarks;

/// <summary>
/// What routing costs per model call. <b>Routing decision</b>: <see cref="HeuristicDifficultyClassifier.ClassifyAsync"/>
/// and the router's whole decision (<see cref="ModelRouter.DecideAsync"/>: classification, clamping, logging) on a short
/// (~40 tokens), a medium (~400 tokens, under the length signal's 600-token cap, so counted exactly) and a long
/// (~2,000 tokens) prompt, against <see cref="TokenCounter.CountTokens(string?)"/> of the same prompt run side by side:
/// what counting the prompt's tokens alone costs. <b>Rate limits</b>: one call's acquire and settle on a
/// <see cref="DeploymentRateLimiter"/> with RPM and TPM limits, against two
/// <see cref="TokenBucketRateLimiter"/>s with the same limits (<c>AttemptAcquire</c> and dispose of the lease).
/// </summary>
/// <remarks>
/// The limits are <see cref="int.MaxValue"/> per minute, replenished every second as the limiter does, so no call ever
/// waits: the figures are the bookkeeping of a call that gets its permits at once. A limiter's cost does not depend on
/// the numbers of permits, so the token bucket acquires one token per call and the AgentCost limiter reserves 1,000
/// and settles to 1 — a call that reserved its worst case and gave most of it back — which keeps both buckets from
/// draining at millions of calls a second. The cleanup prints how many calls were refused or had to wait (0 expected).
/// </remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class RoutingBenchmarks
{
    private const string ShortCategory = "Decision, short prompt";
    private const string MediumCategory = "Decision, medium prompt";
    private const string LongCategory = "Decision, 2,000-token prompt";
    private const string RateLimitCategory = "Rate limits";

    private static readonly string[] s_tiers = ["simple", "medium", "complex", "reasoning"];

    private readonly TokenCounter _counter = TokenCounter.ForModel(null);
    private HeuristicDifficultyClassifier _classifier = null!;
    private ModelRouter _router = null!;
    private ModelRoute _shortRoute = null!;
    private ModelRoute _mediumRoute = null!;
    private ModelRoute _longRoute = null!;
    private DeploymentRateLimiter _limiter = null!;
    private TokenBucketRateLimiter _requestBucket = null!;
    private TokenBucketRateLimiter _tokenBucket = null!;
    private long _refused;
    private long _waited;

    /// <summary>A one-line request (~40 tokens).</summary>
    public static string ShortPrompt { get; } = RoutingPrompts.Short;

    /// <summary>A request with some context and a list (~400 tokens).</summary>
    public static string MediumPrompt { get; } = RoutingPrompts.Medium;

    /// <summary>An incident review with logs, code and questions (~2,000 tokens).</summary>
    public static string LongPrompt { get; } = RoutingPrompts.Long;

    [GlobalSetup]
    public void Setup()
    {
        Check(ShortPrompt, 30, 50);
        Check(MediumPrompt, 350, 450);
        Check(LongPrompt, 1_900, 2_100);

        _classifier = new HeuristicDifficultyClassifier(counter: _counter);
        var options = new RoutingOptions();
        foreach (var (tier, model) in s_tiers.Zip(new[] { "gpt-4o-mini", "gpt-4.1-mini", "gpt-4o", "o3" }))
        {
            options.Tiers[tier] = new ModelTierOptions { Deployments = [new ModelDeploymentOptions { Model = model }] };
        }

        _router = new ModelRouter(options, _classifier);
        _shortRoute = Route(ShortPrompt);
        _mediumRoute = Route(MediumPrompt);
        _longRoute = Route(LongPrompt);

        _limiter = new DeploymentRateLimiter("simple/gpt-4o-mini", int.MaxValue, int.MaxValue, queueLimit: 16, waitTimeout: TimeSpan.FromSeconds(10));
        _requestBucket = Bucket();
        _tokenBucket = Bucket();

        // Every path once outside the measurements; the decisions must agree with the classifier.
        foreach (var (prompt, route) in new[] { (ShortPrompt, _shortRoute), (MediumPrompt, _mediumRoute), (LongPrompt, _longRoute) })
        {
            var assessment = _classifier.ClassifyAsync(prompt, s_tiers).AsTask().GetAwaiter().GetResult();
            var decision = _router.DecideAsync(route, null).GetAwaiter().GetResult();
            if (decision.Tier != s_tiers[assessment.TierIndex])
            {
                throw new InvalidOperationException($"The router decided {decision.Tier}, the classifier {s_tiers[assessment.TierIndex]}.");
            }

            Console.WriteLine($"// {_counter.CountTokens(prompt)} tokens, {prompt.Length} chars: {decision.Tier}, score {assessment.Score:0.00} ({string.Join(", ", assessment.Signals!.Select(s => $"{s.Key}={s.Value:0.##}"))})");
        }

        RateLimiterBaseline();
        DeploymentRateLimiterCall();
        _refused = 0;
        _waited = 0;

        static void Check(string prompt, int min, int max)
        {
            var tokens = TokenCounter.ForModel(null).CountTokens(prompt);
            if (tokens < min || tokens > max)
            {
                throw new InvalidOperationException($"The prompt has {tokens} tokens, not {min}–{max}.");
            }
        }

        static ModelRoute Route(string prompt)
        {
            // The route object outlives its scope; DecideAsync does not cache (the route's lazy decision does).
            using var scope = ModelRouting.Begin("Benchmarks.Route", ModelRoutePolicy.Classify, prompt);
            return scope.Route;
        }

        static TokenBucketRateLimiter Bucket() => new(new TokenBucketRateLimiterOptions
        {
            TokenLimit = int.MaxValue,
            TokensPerPeriod = int.MaxValue / 60,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            AutoReplenishment = true,
            QueueLimit = 16,
        });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// rate limits: {_refused} calls refused, {_waited} calls waited");
        _router.Dispose();
        _limiter.Dispose();
        _requestBucket.Dispose();
        _tokenBucket.Dispose();
    }

    [Benchmark(Baseline = true, Description = "TokenCounter.CountTokens (all tokens)")]
    [BenchmarkCategory(ShortCategory)]
    public int CountShort() => _counter.CountTokens(ShortPrompt);

    [Benchmark(Description = "HeuristicDifficultyClassifier.ClassifyAsync")]
    [BenchmarkCategory(ShortCategory)]
    public int ClassifyShort() => Classify(ShortPrompt);

    [Benchmark(Description = "ModelRouter.DecideAsync")]
    [BenchmarkCategory(ShortCategory)]
    public string DecideShort() => Decide(_shortRoute);

    [Benchmark(Baseline = true, Description = "TokenCounter.CountTokens (all tokens)")]
    [BenchmarkCategory(MediumCategory)]
    public int CountMedium() => _counter.CountTokens(MediumPrompt);

    [Benchmark(Description = "HeuristicDifficultyClassifier.ClassifyAsync")]
    [BenchmarkCategory(MediumCategory)]
    public int ClassifyMedium() => Classify(MediumPrompt);

    [Benchmark(Description = "ModelRouter.DecideAsync")]
    [BenchmarkCategory(MediumCategory)]
    public string DecideMedium() => Decide(_mediumRoute);

    [Benchmark(Baseline = true, Description = "TokenCounter.CountTokens (all tokens)")]
    [BenchmarkCategory(LongCategory)]
    public int CountLong() => _counter.CountTokens(LongPrompt);

    [Benchmark(Description = "HeuristicDifficultyClassifier.ClassifyAsync")]
    [BenchmarkCategory(LongCategory)]
    public int ClassifyLong() => Classify(LongPrompt);

    [Benchmark(Description = "ModelRouter.DecideAsync")]
    [BenchmarkCategory(LongCategory)]
    public string DecideLong() => Decide(_longRoute);

    [Benchmark(Baseline = true, Description = "2 × TokenBucketRateLimiter.AttemptAcquire + dispose")]
    [BenchmarkCategory(RateLimitCategory)]
    public bool RateLimiterBaseline()
    {
        using var request = _requestBucket.AttemptAcquire(1);
        using var tokens = _tokenBucket.AttemptAcquire(1);
        if (!request.IsAcquired || !tokens.IsAcquired)
        {
            _refused++;
            return false;
        }

        return true;
    }

    [Benchmark(Description = "DeploymentRateLimiter.AcquireAsync + Settle")]
    [BenchmarkCategory(RateLimitCategory)]
    public int DeploymentRateLimiterCall()
    {
        var pending = _limiter.AcquireAsync(1_000);
        DeploymentRateLimiter.Lease lease;
        if (pending.IsCompletedSuccessfully)
        {
            lease = pending.Result;
        }
        else
        {
            _waited++;
            lease = pending.AsTask().GetAwaiter().GetResult();
        }

        lease.Settle(1);
        return lease.Tokens;
    }

    private int Classify(string prompt)
    {
        var pending = _classifier.ClassifyAsync(prompt, s_tiers);
        return pending.IsCompletedSuccessfully ? pending.Result.TierIndex : pending.AsTask().GetAwaiter().GetResult().TierIndex;
    }

    private string Decide(ModelRoute route) => _router.DecideAsync(route, null).GetAwaiter().GetResult().Tier;
}

/// <summary>The prompts of <see cref="RoutingBenchmarks"/>: what an agent might send, not generated filler.</summary>
internal static class RoutingPrompts
{
    public const string Short =
        "Translate the following customer message into German and keep the friendly tone: \"Thanks for the quick reply, the new invoice looks right and we will pay it this week.\"";

    public const string Medium = """
        We run a small web shop on a single PostgreSQL 15 server (8 vCPU, 32 GB RAM) behind two ASP.NET Core instances.
        Since last Tuesday the checkout page sometimes takes more than four seconds, mostly between 18:00 and 21:00 when
        traffic is highest. Nothing was deployed that day, but the marketing team started a newsletter campaign that
        roughly doubled the number of visitors in the evening. CPU on the database stays below 60 %, but we see many
        connections in the "idle in transaction" state and the connection pool of each web instance is set to 100.

        Here is what we already checked:
        1. The slow query log shows the order insert and the stock update, each taking 300 to 900 ms at peak.
        2. There are no missing indexes on the orders, order_lines and stock tables according to pg_stat_user_tables.
        3. Autovacuum runs regularly; the stock table has about 40,000 rows and is updated on every order.
        4. The web servers themselves are at 30 % CPU and have plenty of free memory.

        Our current settings, in case they matter: max_connections is 200, shared_buffers is 8 GB and work_mem is 16 MB.
        The application uses Entity Framework Core with the default isolation level (read committed). Each order runs in
        one transaction that inserts the order and its lines and then decrements the stock of every product in the
        basket, in the order in which the customer added them, before the payment provider is called.

        Could you compare the likely causes (lock contention on the stock rows, pool exhaustion, long transactions held
        open by the application, or disk latency) and evaluate which one fits these symptoms best? For the most likely
        cause, describe what we should measure next to confirm it and what a safe first fix would look like, keeping in
        mind that we cannot take the shop offline during business hours. Please keep the answer practical.
        """;

    public const string Long = """
        You are helping our platform team review an incident and plan the follow-up work. Please read everything below
        before answering; the questions are at the end.

        ## Background

        Our order service is a .NET 8 application that runs as six pods on a managed Kubernetes cluster. It receives
        orders over HTTP from the storefront, validates them, reserves stock through the inventory service, writes the
        order to PostgreSQL and publishes an OrderPlaced event to a RabbitMQ exchange. A separate worker consumes those
        events to send confirmation e-mails and to update the analytics warehouse. Payments are handled by an external
        provider: the storefront redirects the customer, and the provider calls our webhook when the payment succeeds.

        The service has been stable for more than a year. Typical load is 40 orders per second at peak, with a p99
        latency of about 350 ms for the order endpoint. The database is a single primary with one synchronous replica;
        the connection pool is limited to 50 connections per pod. Retries are configured with Polly: three attempts with
        exponential back-off starting at 200 ms, on HTTP 5xx, timeouts and transient database errors.

        ## What happened

        On Friday at 17:42 UTC the marketing team sent a campaign e-mail to about 1.2 million customers. Within ten
        minutes order traffic rose to roughly 180 requests per second. At 17:55 the first alerts fired: p99 latency of
        the order endpoint above 5 seconds, and the error rate above 8 %. At 18:03 the inventory service started to
        return HTTP 503 for most reservation calls, and at 18:10 the database primary reached its maximum of 400
        connections. The on-call engineer scaled the order service from six to twelve pods at 18:14, which made things
        worse: the number of database connections stayed pinned at the maximum and the error rate rose above 30 %.
        At 18:31 the team disabled the campaign landing page, traffic fell back to about 60 requests per second, and
        the service recovered by 18:50. About 4,100 orders failed; 350 customers were charged although their order was
        not stored, because the payment webhook arrived for orders that had been rolled back.

        ## Logs and metrics

        A representative excerpt from one of the order pods during the incident:

        ```text
        17:58:12.418 WRN Inventory reservation failed (attempt 1 of 3): TaskCanceledException after 2000 ms
        17:58:12.631 WRN Inventory reservation failed (attempt 2 of 3): HttpRequestException 503 Service Unavailable
        17:58:13.044 WRN Inventory reservation failed (attempt 3 of 3): HttpRequestException 503 Service Unavailable
        17:58:13.045 ERR Order 8f2c1e7a could not be placed: inventory unavailable; transaction rolled back
        17:58:13.377 WRN Timeout acquiring a connection from the pool after 15000 ms (pool size 50, in use 50)
        17:58:14.902 ERR Npgsql.NpgsqlException: The connection pool has been exhausted
        17:58:15.120 INF Payment webhook received for order 8f2c1e7a (status: succeeded)
        17:58:15.121 WRN Payment webhook: order 8f2c1e7a not found, acknowledging to stop redeliveries
        ```

        Metrics we collected afterwards:

        - Inventory service: CPU at 95 % on all four pods from 17:56, thread pool queue length above 2,000.
        - Database: 400 active connections from 18:10; the longest transaction lasted 41 seconds.
        - Order service: each request held a database transaction open while it called the inventory service.
        - RabbitMQ: no backlog; the exchange and the consumers were healthy throughout.

        The relevant part of the order handler looks like this (simplified, error handling removed):

        ```csharp
        public async Task<IResult> PlaceOrderAsync(OrderRequest request, CancellationToken cancellationToken)
        {
            await using var transaction = await _db.Database.BeginTransactionAsync(cancellationToken);
            var order = Order.Create(request, _clock.UtcNow);
            _db.Orders.Add(order);
            await _db.SaveChangesAsync(cancellationToken);

            // Reserve stock for every line; the inventory client retries up to three times.
            foreach (var line in order.Lines)
            {
                await _inventory.ReserveAsync(order.Id, line.Sku, line.Quantity, cancellationToken);
            }

            await _bus.PublishAsync(new OrderPlaced(order.Id, order.Total), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return Results.Created($"/orders/{order.Id}", order.Id);
        }
        ```

        The payment webhook handler looks the order up by id and marks it as paid; when the order does not exist it logs
        a warning and returns 200, so that the provider does not retry. Refunds for the 350 affected customers were made
        by hand on Saturday.

        ## How the on-call response went

        The first alert went to the on-call engineer's phone at 17:55, but the runbook for the order service only covers
        database failover and a stuck message consumer, so the engineer started by restarting two pods that showed the
        highest error rate. That freed their connections for a minute, after which they were exhausted again. At 18:05
        the engineer opened an incident channel and asked the inventory team for help; their on-call joined at 18:20 and
        confirmed that the inventory service was saturated by reservation calls, most of them retries. Nobody on the call
        knew who could disable the campaign landing page, and it took eleven minutes to find someone in marketing with
        access to the content system. The status page was updated for the first time at 18:40, almost an hour after the
        first customer complaints arrived on social media.

        ## Constraints

        - We cannot change the payment provider or its webhook contract this quarter.
        - The inventory service is owned by another team; we can ask for changes, but they will take weeks.
        - The next campaign is planned in five weeks and will be at least as large as this one.
        - We would like to avoid introducing a new database or message broker if the existing ones are enough.
        - The team has three engineers for this work, about half of their time each.

        ## What we would like from you

        1. Analyze the sequence of events and identify the root cause, as well as the contributing factors. Explain
           why scaling the order service out made the situation worse instead of better.
        2. Evaluate whether holding the database transaction open across the inventory calls and the publish is the
           main problem, and design a flow that keeps orders, stock reservations and payments consistent without it
           (for example an outbox, a saga or a reservation with an expiry). Compare at least two options and their
           trade-offs for our team size and timeline.
        3. Explain how the retry policy interacts with the inventory service's overload, and propose concrete settings
           (timeouts, attempts, budgets, circuit breaking or load shedding) that would protect both services.
        4. Describe how the payment webhook should handle an order that does not exist yet or was rolled back, so that
           a customer is never charged for an order we did not store.
        5. Plan the work for the next five weeks as a short list of steps in priority order, with what each step
           protects us from, and what we should load-test before the next campaign.

        Please be specific about the changes to the code above, and point out anything in our description that looks
        inconsistent or that you would want to verify before acting on it. What would you monitor during the next
        campaign so that we notice the same failure mode early? Which of these changes can we ship safely before the
        campaign, and which ones should wait until after it?

        ## Additional context from the team

        Two more observations came up in the review meeting. First, the inventory client uses a single HttpClient with
        a handler lifetime of two minutes and a maximum of 100 connections per server, and its default timeout is two
        seconds per attempt; with three attempts and back-off a single reservation can take more than seven seconds
        before it fails, while the order's transaction and its database connection stay open the whole time. Second,
        the Kubernetes horizontal pod autoscaler for the order service is configured on CPU at 70 %, which never
        triggered, because the pods were mostly waiting on I/O; the scale-out at 18:14 was manual.

        The analytics team also asked whether the OrderPlaced events for orders that were later rolled back could
        have reached the warehouse. In the code above the event is published before the commit, so a publish followed
        by a failed commit would leave an event without an order. We found 12 such events in the warehouse.

        Finally, the customer support team would like a short, non-technical summary of what went wrong that they can
        share with affected customers, in three or four sentences, without promising dates we cannot keep. They also
        asked us to confirm that no card data was exposed, which we believe is the case because card details never
        reach our systems, but please list what we should check to be sure before we say so publicly.
        """;
}
