using System.Net;
using System.Runtime.CompilerServices;
using AgentCost.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace AgentCost.Tests.Routing;

public class StreamingRoutingTests
{
    [Fact]
    public async Task A_stream_that_fails_before_its_first_update_falls_back_and_keyed_clients_serve_their_deployments()
    {
        var options = RoutingTestSupport.Options(("simple", ["busy-model", "spare-model"]));
        options.Tiers["simple"].Deployments[1].ClientKey = "spare";
        using var router = new ModelRouter(options);
        var services = new ServiceCollection()
            .AddKeyedSingleton<IChatClient>("spare", new StreamingClient("spare"))
            .BuildServiceProvider();
        using var client = new ModelRoutingChatClient(new StreamingClient("inner", refuse: "busy-model"), router, services);

        var updates = new List<ChatResponseUpdate>();
        using (ModelRouting.Begin("Agent.Stream", new ModelRoutePolicy(Tier: "simple")))
        {
            await foreach (var update in client.GetStreamingResponseAsync("hi"))
            {
                updates.Add(update);
            }
        }

        Assert.Equal("spare:spare-model", string.Concat(updates.Select(u => u.Text)));
        var record = Assert.Single(router.Log.Records);
        Assert.Equal("simple/spare", record.Deployment);
        Assert.Equal(("simple/busy-model", "http_429"), (record.Fallbacks[0].Deployment, record.Fallbacks[0].Reason));
        Assert.Equal(7, record.Usage!.TotalTokenCount);
    }

    private sealed class StreamingClient(string name, string? refuse = null) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
            => throw new NotSupportedException();

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            if (options?.ModelId == refuse)
            {
                throw new HttpRequestException("Too many requests", null, HttpStatusCode.TooManyRequests);
            }

            yield return new ChatResponseUpdate(ChatRole.Assistant, name + ":");
            yield return new ChatResponseUpdate(ChatRole.Assistant, options?.ModelId);
            yield return new ChatResponseUpdate { Contents = [new UsageContent(new UsageDetails { InputTokenCount = 5, OutputTokenCount = 2, TotalTokenCount = 7 })] };
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
