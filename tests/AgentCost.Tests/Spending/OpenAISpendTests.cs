using System.ClientModel;
using AgentCost.Spending;
using AgentCost.Tests.ChatClients;
using Microsoft.Extensions.AI;
using OpenAI;

namespace AgentCost.Tests.Spending;

/// <summary>The official OpenAI .NET client over a loopback server: what is recorded is what the server reported, at the catalogue's prices.</summary>
public sealed class OpenAISpendTests : IAsyncLifetime
{
    private const string Model = "gpt-4.1-mini";

    private static readonly ChatMessage[] s_question =
    [
        new(ChatRole.System, "You are a careful research assistant."),
        new(ChatRole.User, "What does an agent's spend budget protect against?"),
    ];

    private readonly ChatCompletionsServer _server = new();
    private SpendRuntime _test = null!;
    private IChatClient _client = null!;

    public Task InitializeAsync()
    {
        _test = new SpendRuntime(o => o.Spending.Budgets.Global.Daily = 5m);
        var openAI = new OpenAIClient(new ApiKeyCredential("test-key"), new OpenAIClientOptions { Endpoint = _server.Endpoint, NetworkTimeout = TimeSpan.FromSeconds(10) });
        _client = new ChatClientBuilder(openAI.GetChatClient(Model).AsIChatClient())
            .UseFunctionInvocation()
            .UseAgentCost()
            .Build();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        _test.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task The_recorded_cost_is_the_reported_usage_times_the_catalogue_prices()
    {
        // The server reports 1,234 prompt tokens (1,024 cached) and 56 completion tokens (16 of them reasoning).
        await _client.GetResponseAsync(s_question);

        // gpt-4.1-mini: $0.40 input, $0.10 cached input, $1.60 output per million.
        var expected = (210 * 0.40m / 1_000_000) + (1_024 * 0.10m / 1_000_000) + (56 * 1.60m / 1_000_000);
        var record = Assert.Single(await _test.RecordsAsync());
        Assert.Equal(expected, record.Cost);
        Assert.Equal(new SpendTokens(210, 1_024, 0, 0, 56, 16), record.Tokens);
        Assert.Equal(Model, record.Model);
        Assert.False(record.IsEstimated);
        Assert.Equal(expected, PriceCatalog.BuiltIn.Calculate(Model, new UsageDetails { InputTokenCount = 1_234, CachedInputTokenCount = 1_024, OutputTokenCount = 56, ReasoningTokenCount = 16 })!.Value.Total);
        var budget = _test.Spending.GetBudgets().Single();
        Assert.Equal(expected, budget.Spent);
        Assert.Equal(0m, budget.Reserved);
    }

    [Fact]
    public async Task A_streamed_call_records_the_usage_chunk()
    {
        _server.PromptTokens = 2_000;
        _server.CompletionTokens = 9;
        _server.CachedTokens = 1_920;
        _server.ReasoningTokens = 0;

        await _client.GetStreamingResponseAsync(s_question).ToChatResponseAsync();

        var record = Assert.Single(await _test.RecordsAsync());
        Assert.Equal((80 * 0.40m / 1_000_000) + (1_920 * 0.10m / 1_000_000) + (9 * 1.60m / 1_000_000), record.Cost);
        Assert.Equal(1_920 * 0.30m / 1_000_000, record.Saved);
    }

    [Fact]
    public async Task A_call_the_budget_cannot_hold_never_reaches_the_server()
    {
        _test.Dispose();
        _test = new SpendRuntime(o => o.Spending.Budgets.Global.Daily = 0.000001m);

        await Assert.ThrowsAsync<SpendLimitExceededException>(() => _client.GetResponseAsync(s_question));

        Assert.Empty(_server.Requests);
    }
}
