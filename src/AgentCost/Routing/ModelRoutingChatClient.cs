using System.ClientModel;
using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using AgentCost.RateLimiting;
using AgentCost.Tokens;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace AgentCost.Routing;

/// <summary>
/// The routing call layer: inside a <see cref="ModelRouting"/> route it sends each model call to the decided tier's
/// deployments in order — setting <see cref="ChatOptions.ModelId"/> on a copy of the options, or calling the keyed
/// client of the deployment — waits for each deployment's rate limits, and falls back to the next deployment (then
/// the next tier up, when allowed) on 429, 5xx, timeouts, network errors and rate-limit refusals. Outside a route it
/// passes calls through unchanged.
/// </summary>
public sealed class ModelRoutingChatClient : DelegatingChatClient
{
    private readonly ModelRouter _router;
    private readonly IServiceProvider? _services;

    /// <summary>Creates the client.</summary>
    /// <param name="innerClient">The client of deployments without a client key.</param>
    /// <param name="router">The routing state.</param>
    /// <param name="services">Where keyed clients are resolved; <see langword="null"/> when no deployment has a client key.</param>
    /// <exception cref="InvalidOperationException">A <c>FunctionInvokingChatClient</c> sits inside this client: the pipeline is in the wrong order.</exception>
    public ModelRoutingChatClient(IChatClient innerClient, ModelRouter router, IServiceProvider? services = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(router);
        AgentCost.ChatClients.PipelineOrder.CheckRoutingLayer(innerClient);
        _router = router;
        _services = services;
    }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (ModelRouting.Current is not { } route || _router.Tiers.Count == 0)
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }

        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var decision = await DecideAsync(route, list, cancellationToken).ConfigureAwait(false);
        var fallbacks = new List<RoutingAttempt>();
        ExceptionDispatchInfo? last = null;
        foreach (var deployment in _router.Candidates(decision.Tier))
        {
            var (lease, skipped) = await TryAcquireAsync(deployment, list, options, fallbacks, cancellationToken).ConfigureAwait(false);
            if (skipped is not null)
            {
                last = skipped;
                continue;
            }

            try
            {
                var response = await ClientFor(deployment).GetResponseAsync(list, WithModel(options, deployment), cancellationToken).ConfigureAwait(false);
                lease?.Settle(Total(response.Usage));
                _router.Record(new RoutingRecord(_router.TimeProvider.GetUtcNow(), route.Name, decision, deployment.Tier, deployment.Name, deployment.Model, fallbacks, Snapshot(response.Usage)));
                return response;
            }
            catch (Exception exception) when (IsTransient(exception, cancellationToken, out var reason, out var retryAfter))
            {
                lease?.Settle(null);
                Fail(deployment, reason, retryAfter, exception, fallbacks);
                last = ExceptionDispatchInfo.Capture(exception);
            }
            catch
            {
                // Not worth a fallback (a bad request, a budget refusal, the caller's cancellation): nothing was used.
                lease?.Settle(0);
                throw;
            }
        }

        throw NoAnswer(route, decision, fallbacks, last);
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (ModelRouting.Current is not { } route || _router.Tiers.Count == 0)
        {
            await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }

            yield break;
        }

        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var decision = await DecideAsync(route, list, cancellationToken).ConfigureAwait(false);
        var fallbacks = new List<RoutingAttempt>();
        ExceptionDispatchInfo? last = null;
        foreach (var deployment in _router.Candidates(decision.Tier))
        {
            var (lease, skipped) = await TryAcquireAsync(deployment, list, options, fallbacks, cancellationToken).ConfigureAwait(false);
            if (skipped is not null)
            {
                last = skipped;
                continue;
            }

            // Fallback is possible until the first update arrives; after that the stream is the answer.
            var enumerator = ClientFor(deployment).GetStreamingResponseAsync(list, WithModel(options, deployment), cancellationToken).GetAsyncEnumerator(cancellationToken);
            bool hasFirst;
            try
            {
                hasFirst = await enumerator.MoveNextAsync().ConfigureAwait(false);
            }
            catch (Exception exception) when (IsTransient(exception, cancellationToken, out var reason, out var retryAfter))
            {
                await enumerator.DisposeAsync().ConfigureAwait(false);
                lease?.Settle(null);
                Fail(deployment, reason, retryAfter, exception, fallbacks);
                last = ExceptionDispatchInfo.Capture(exception);
                continue;
            }
            catch
            {
                await enumerator.DisposeAsync().ConfigureAwait(false);
                lease?.Settle(0);
                throw;
            }

            UsageDetails? usage = null;
            try
            {
                for (var more = hasFirst; more; more = await enumerator.MoveNextAsync().ConfigureAwait(false))
                {
                    foreach (var content in enumerator.Current.Contents)
                    {
                        if (content is UsageContent usageContent)
                        {
                            usage = usageContent.Details;
                        }
                    }

                    yield return enumerator.Current;
                }
            }
            finally
            {
                await enumerator.DisposeAsync().ConfigureAwait(false);
                lease?.Settle(Total(usage));
                _router.Record(new RoutingRecord(_router.TimeProvider.GetUtcNow(), route.Name, decision, deployment.Tier, deployment.Name, deployment.Model, fallbacks, Snapshot(usage)));
            }

            yield break;
        }

        throw NoAnswer(route, decision, fallbacks, last);
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
        => serviceKey is null && serviceType == typeof(ModelRouter) ? _router : base.GetService(serviceType, serviceKey);

    private async Task<RouteDecision> DecideAsync(ModelRoute route, IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken)
        => await route.GetDecisionAsync(r => _router.DecideAsync(r, ModelRouting.PromptText(messages), cancellationToken)).ConfigureAwait(false);

    private async ValueTask<(DeploymentRateLimiter.Lease? Lease, ExceptionDispatchInfo? Skipped)> TryAcquireAsync(
        ModelDeployment deployment, IReadOnlyList<ChatMessage> messages, ChatOptions? options, List<RoutingAttempt> fallbacks, CancellationToken cancellationToken)
    {
        if (deployment.IsCoolingDown(_router.TimeProvider.GetUtcNow()))
        {
            fallbacks.Add(new RoutingAttempt(deployment.Name, "cooling_down", $"until {deployment.AvailableAt:O}"));
            return (null, ExceptionDispatchInfo.Capture(new RateLimitExceededException(deployment.Name, "Retry-After", 0, 1, $"the deployment is paused until {deployment.AvailableAt:O} after a failure (for the provider's Retry-After, else AgentCost:Routing:Cooldown)")));
        }

        if (deployment.RateLimiter is not { } limiter)
        {
            return (null, null);
        }

        var tokens = 0;
        if (limiter.TokensPerMinute is not null)
        {
            var counter = TokenCounter.ForModel(deployment.Model);
            tokens = counter.CountRequest(messages, options) + (options?.MaxOutputTokens ?? _router.Options.DefaultOutputTokens);
        }

        try
        {
            return (await limiter.AcquireAsync(tokens, cancellationToken).ConfigureAwait(false), null);
        }
        catch (RateLimitExceededException exception)
        {
            fallbacks.Add(new RoutingAttempt(deployment.Name, "rate_limited", exception.Limit + ": " + exception.Reason));
            return (null, ExceptionDispatchInfo.Capture(exception));
        }
    }

    private IChatClient ClientFor(ModelDeployment deployment)
    {
        if (deployment.ClientKey is null)
        {
            return InnerClient;
        }

        return _services?.GetKeyedService<IChatClient>(deployment.ClientKey)
            ?? throw new InvalidOperationException($"Deployment '{deployment.Name}' names the keyed IChatClient '{deployment.ClientKey}', but none is registered.");
    }

    private static ChatOptions WithModel(ChatOptions? options, ModelDeployment deployment)
    {
        var copy = options?.Clone() ?? new ChatOptions();
        copy.ModelId = deployment.Model;
        return copy;
    }

    private void Fail(ModelDeployment deployment, string reason, TimeSpan? retryAfter, Exception exception, List<RoutingAttempt> fallbacks)
    {
        _router.CoolDown(deployment, retryAfter, reason);
        fallbacks.Add(new RoutingAttempt(deployment.Name, reason, exception.GetType().Name));
    }

    private Exception NoAnswer(ModelRoute route, RouteDecision decision, List<RoutingAttempt> fallbacks, ExceptionDispatchInfo? last)
    {
        _router.Record(new RoutingRecord(_router.TimeProvider.GetUtcNow(), route.Name, decision, null, null, null, fallbacks, null));
        if (last is not null)
        {
            last.Throw();
        }

        return new InvalidOperationException($"Route '{route.Name}' (tier {decision.Tier}) has no deployment to call.");
    }

    // The log keeps its own copy: callers own the response's UsageDetails and may add to it (FunctionInvokingChatClient
    // sums a tool loop's usage into its first response's), which would change a record after the fact.
    private static UsageDetails? Snapshot(UsageDetails? usage)
    {
        if (usage is null)
        {
            return null;
        }

        var copy = new UsageDetails();
        copy.Add(usage);
        return copy;
    }

    private static int? Total(UsageDetails? usage)
        => usage is null ? null : (int)Math.Min(int.MaxValue, usage.TotalTokenCount ?? ((usage.InputTokenCount ?? 0) + (usage.OutputTokenCount ?? 0)));

    /// <summary>Whether <paramref name="exception"/> is worth another deployment: 429, 5xx, a timeout or a network error.</summary>
    private bool IsTransient(Exception exception, CancellationToken callerToken, out string reason, out TimeSpan? retryAfter)
    {
        retryAfter = null;
        switch (exception)
        {
            case ClientResultException { Status: var status } clientResult when status == 429 || status >= 500 || status == 408:
                reason = Reason(status);
                retryAfter = RetryAfter.Read(clientResult.GetRawResponse()?.Headers, _router.TimeProvider.GetUtcNow(), _router.Options.MaxRetryAfter);
                return true;
            case ClientResultException { Status: 0 }:
                reason = "network";
                return true;
            case HttpRequestException { StatusCode: { } code } when (int)code == 429 || (int)code >= 500 || code == HttpStatusCode.RequestTimeout:
                reason = Reason((int)code);
                return true;
            case HttpRequestException { StatusCode: null }:
                reason = "network";
                return true;
            case TimeoutException:
                reason = "timeout";
                return true;
            case OperationCanceledException when !callerToken.IsCancellationRequested:
                reason = "timeout";
                return true;
            default:
                reason = "";
                return false;
        }
    }

    private static string Reason(int status) => status switch
    {
        429 => "http_429",
        408 => "timeout",
        _ => "http_5xx",
    };
}
