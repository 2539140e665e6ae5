using System.ClientModel;
using AgentCost.Tokens;
using Microsoft.Extensions.AI;
using OpenAI;

namespace AgentCost.Tests.ChatClients;

/// <summary>The official OpenAI .NET client, adapted by Microsoft.Extensions.AI.OpenAI, over a loopback server.</summary>
public sealed class OpenAIChatClientTests : IAsyncLifetime
{
    private const string Model = "gpt-4o-mini";

    private static readonly ChatMessage[] s_question =
    [
        new(ChatRole.System, "You are a careful research assistant."),
        new(ChatRole.User, "Why should an agent run have a token budget?"),
    ];

    private readonly ChatCompletionsServer _server = new();
    private IChatClient _client = null!;

    public Task InitializeAsync()
    {
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
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_server_reporting_negative_usage_cannot_give_the_budget_tokens_back()
    {
        _server.PromptTokens = -1_000_000;
        _server.CompletionTokens = -500_000;
        _server.CachedTokens = 0;
        _server.ReasoningTokens = 0;
        using var scope = TokenBudget.Begin("Agent.RunAsync", 1_000, finalAnswerReserve: 0);

        await _client.GetResponseAsync(s_question, new ChatOptions { MaxOutputTokens = 100 });
        await _client.GetStreamingResponseAsync(s_question, new ChatOptions { MaxOutputTokens = 100 }).ToChatResponseAsync();

        var budget = scope.Budget;
        var prompt = TokenCounter.ForModel(Model).CountRequest(s_question);
        Assert.Equal(2 * prompt, budget.PromptTokens);
        Assert.InRange(budget.CompletionTokens, 2, 200);
        Assert.True(budget.IsEstimated);
        Assert.Equal(0, budget.InFlight);
        Assert.Equal(1_000 - budget.Used, budget.Remaining);
    }

    [Fact]
    public async Task The_budget_records_exactly_the_usage_the_server_reported()
    {
        using var scope = TokenBudget.Begin("Agent.RunAsync", 8000);
        var expectedLimit = 6000 - TokenCounter.ForModel(Model).CountRequest(s_question);

        var response = await _client.GetResponseAsync(s_question);

        Assert.Equal(_server.AnswerText, response.Text);
        var budget = scope.Budget;
        Assert.Equal(1234, budget.PromptTokens);
        Assert.Equal(56, budget.CompletionTokens);
        Assert.Equal(1024, budget.CachedInputTokens);
        Assert.Equal(16, budget.ReasoningTokens);
        Assert.False(budget.IsEstimated);
        Assert.Equal(0, budget.InFlight);

        var request = Assert.Single(_server.Requests);
        Assert.Equal(expectedLimit, (int?)request["max_completion_tokens"]);
        Assert.Equal(Model, (string?)request["model"]);
    }

    [Fact]
    public async Task Streaming_records_the_usage_chunk_and_sends_the_clamped_limit()
    {
        _server.PromptTokens = 2000;
        _server.CompletionTokens = 9;
        _server.CachedTokens = 1920;
        _server.ReasoningTokens = 0;
        using var scope = TokenBudget.Begin("Agent.RunAsync", 8000);
        scope.Budget.Charge(1000, 500);
        var expectedLimit = 4500 - TokenCounter.ForModel(Model).CountRequest(s_question);

        var response = await _client.GetStreamingResponseAsync(s_question).ToChatResponseAsync();

        Assert.Equal(_server.AnswerText, response.Text.Trim());
        var budget = scope.Budget;
        Assert.Equal(1000 + 2000, budget.PromptTokens);
        Assert.Equal(500 + 9, budget.CompletionTokens);
        Assert.Equal(1920, budget.CachedInputTokens);
        Assert.False(budget.IsEstimated);

        var request = Assert.Single(_server.Requests);
        Assert.True((bool?)request["stream"]);
        Assert.True((bool?)request["stream_options"]?["include_usage"]);
        Assert.Equal(expectedLimit, (int?)request["max_completion_tokens"]);
    }

    [Fact]
    public async Task A_refused_call_never_reaches_the_server()
    {
        using var scope = TokenBudget.Begin("Agent.RunAsync", 2010, finalAnswerReserve: 2000);

        await Assert.ThrowsAsync<TokenBudgetExceededException>(() => _client.GetResponseAsync(s_question));
        await Assert.ThrowsAsync<TokenBudgetExceededException>(async () => await _client.GetStreamingResponseAsync(s_question).ToChatResponseAsync());

        Assert.Empty(_server.Requests);
    }
}
