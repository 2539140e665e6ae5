using AgentCost.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace AgentCost.Tests.Routing;

public class FallbackTests
{
    [Fact]
    public async Task A_timeout_falls_back_and_cools_the_deployment_down_for_the_configured_time()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = RoutingTestSupport.Options(("simple", ["slow", "fast"]));
        options.Cooldown = TimeSpan.FromSeconds(45);
        using var router = new ModelRouter(options, timeProvider: time);
        using var client = new ModelRoutingChatClient(new ThrowingClient("slow", () => new TaskCanceledException("The request timed out.")), router);

        using (ModelRouting.Begin("Agent.Run", new ModelRoutePolicy(Tier: "simple")))
        {
            var response = await client.GetResponseAsync("hi");
            Assert.Equal("fast", response.ModelId);
        }

        Assert.Equal("timeout", Assert.Single(router.Log.Records[0].Fallbacks).Reason);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(45), router.GetDeployments("simple")[0].AvailableAt);
    }

    [Fact]
    public async Task A_call_to_a_paused_deployment_says_it_is_paused_and_until_when_not_a_rate_of_zero()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = RoutingTestSupport.Options(("simple", ["slow"]));
        options.EscalateOnFailure = false;
        using var router = new ModelRouter(options, timeProvider: time);
        using var client = new ModelRoutingChatClient(new ThrowingClient("slow", () => new TimeoutException()), router);

        using (ModelRouting.Begin("Agent.Run", new ModelRoutePolicy(Tier: "simple")))
        {
            await Assert.ThrowsAsync<TimeoutException>(() => client.GetResponseAsync("hi"));
            var error = await Assert.ThrowsAsync<AgentCost.RateLimitExceededException>(() => client.GetResponseAsync("hi"));

            Assert.DoesNotContain("per minute", error.Message, StringComparison.Ordinal);
            Assert.StartsWith("Deployment 'simple/slow' refused a call", error.Message, StringComparison.Ordinal);
            Assert.Contains("is paused until 2026-01-01T00:00:30", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_callers_cancellation_and_other_errors_are_not_fallen_back_from()
    {
        using var router = new ModelRouter(RoutingTestSupport.Options(("simple", ["bad", "good"])));
        using var client = new ModelRoutingChatClient(new ThrowingClient("bad", () => new InvalidOperationException("400 Bad Request")), router);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        using (ModelRouting.Begin("Agent.Run", new ModelRoutePolicy(Tier: "simple")))
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResponseAsync("hi"));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync("hi", cancellationToken: cancelled.Token));
        }

        Assert.False(router.GetDeployments("simple")[0].IsCoolingDown(DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task The_log_keeps_each_calls_usage_even_when_a_tool_loop_sums_usage_into_the_first_response()
    {
        using var router = new ModelRouter(RoutingTestSupport.Options(("simple", ["mini"])));
        using var client = new ModelRoutingChatClient(new ThrowingClient("none", () => new InvalidOperationException()), router);

        ChatResponse response;
        using (ModelRouting.Begin("Agent.Run", new ModelRoutePolicy(Tier: "simple")))
        {
            response = await client.GetResponseAsync("hi");
        }

        // What FunctionInvokingChatClient does with the first round trip's usage when more round trips follow.
        response.Usage!.Add(new UsageDetails { InputTokenCount = 1000, OutputTokenCount = 500 });

        var usage = Assert.Single(router.Log.Records).Usage!;
        Assert.Equal((10, 5), (usage.InputTokenCount, usage.OutputTokenCount));
    }

    private sealed class ThrowingClient(string failingModel, Func<Exception> error) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (options?.ModelId == failingModel)
            {
                throw error();
            }

            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))
            {
                ModelId = options?.ModelId,
                Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5 },
            });
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
            => throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
