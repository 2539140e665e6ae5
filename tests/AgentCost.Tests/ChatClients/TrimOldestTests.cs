using Microsoft.Extensions.AI;

namespace AgentCost.Tests.ChatClients;

public class TrimOldestTests
{
    private static readonly ChatMessage s_system = new(ChatRole.System, "You are a researcher.");

    [Fact]
    public async Task The_oldest_turns_are_dropped_and_system_messages_and_the_latest_turn_kept()
    {
        var model = new ScriptedModel { AnswerTokens = static _ => 5 };
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        var conversation = new List<ChatMessage>
        {
            s_system,
            new(ChatRole.User, "first " + ScriptedModel.Words(200)),
            new(ChatRole.Assistant, [new FunctionCallContent("call_1", "lookup", new Dictionary<string, object?> { ["q"] = "a" })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", "second " + ScriptedModel.Words(200))]),
            new(ChatRole.Assistant, "third " + ScriptedModel.Words(200)),
            new(ChatRole.User, "latest question"),
        };
        using var scope = TokenBudget.Begin("Agent.Run", 2500, finalAnswerReserve: 2000, overflowPolicy: BudgetOverflowPolicy.TrimOldest);

        await client.GetResponseAsync(conversation, new ChatOptions { MaxOutputTokens = 50 });

        var sent = Assert.Single(model.Requests).Messages;
        Assert.Same(s_system, sent[0]);
        Assert.Same(conversation[^1], sent[^1]);
        Assert.DoesNotContain(sent, static message => message.Text.StartsWith("first", StringComparison.Ordinal));

        // A tool result never outlives its call.
        Assert.Equal(
            sent.Any(static message => message.Contents.OfType<FunctionCallContent>().Any()),
            sent.Any(static message => message.Role == ChatRole.Tool));
        Assert.True(model.Counter.CountRequest(sent) + 50 <= 500);
        Assert.Equal(6, conversation.Count);
    }

    [Fact]
    public async Task When_only_the_latest_turn_is_left_its_text_is_truncated()
    {
        var model = new ScriptedModel { AnswerTokens = static _ => 5 };
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        var longQuestion = new ChatMessage(ChatRole.User, "Summarise:" + ScriptedModel.Words(2000));
        using var scope = TokenBudget.Begin("Agent.Run", 2500, finalAnswerReserve: 2000, overflowPolicy: BudgetOverflowPolicy.TrimOldest);

        await client.GetResponseAsync([s_system, longQuestion], new ChatOptions { MaxOutputTokens = 100 });

        var sent = Assert.Single(model.Requests).Messages;
        Assert.Equal(2, sent.Count);
        Assert.StartsWith("Summarise:", sent[1].Text);
        Assert.EndsWith(Tokens.TokenCounter.TruncationMarker, sent[1].Text);
        Assert.InRange(model.Counter.CountRequest(sent), 380, 400);
        Assert.Equal(0, scope.Budget.RefusedCalls);
    }

    [Fact]
    public async Task What_cannot_be_trimmed_enough_is_refused()
    {
        var model = new ScriptedModel();
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        var hugeSystem = new ChatMessage(ChatRole.System, ScriptedModel.Words(1000));
        using var scope = TokenBudget.Begin("Agent.Run", 2500, finalAnswerReserve: 2000, overflowPolicy: BudgetOverflowPolicy.TrimOldest);

        await Assert.ThrowsAsync<TokenBudgetExceededException>(() => client.GetResponseAsync([hugeSystem, new(ChatRole.User, "Hi")]));
        Assert.Equal(0, model.Calls);
    }
}
