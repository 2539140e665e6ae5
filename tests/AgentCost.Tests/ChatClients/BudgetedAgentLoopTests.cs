using AgentCost.Interception;
using Microsoft.Extensions.AI;

namespace AgentCost.Tests.ChatClients;

/// <summary>
/// Agent loops inside <c>[TokenBudget(8000)]</c>, the scope opened by hand as the generated interceptor will open it.
/// </summary>
public class BudgetedAgentLoopTests
{
    private const string Question = "Research how token budgets keep agents affordable.";

    [Theory]
    [InlineData(5)]
    [InlineData(300)]
    [InlineData(1_000_000)]
    public async Task A_runaway_loop_stops_with_the_exception_within_the_budget_whatever_the_model_answers(int answerTokens)
    {
        var model = new ScriptedModel { AnswerTokens = _ => answerTokens };
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        var agent = new Agent(client);

        var error = await Assert.ThrowsAsync<TokenBudgetExceededException>(() => Intercepted.RunawayAsync(agent));

        var budget = agent.Budget!;
        Assert.Equal("Agent.RunawayAsync", error.BudgetName);
        Assert.InRange(budget.Used, 1, 8000 - 2000);
        Assert.Equal(model.ReportedTokens, budget.Used);
        Assert.Equal(0, budget.InFlight);
        Assert.Equal(model.Calls, budget.Calls);
        Assert.Null(TokenBudget.Current);
    }

    [Fact]
    public async Task A_streaming_runaway_loop_stops_the_same_way()
    {
        var model = new ScriptedModel { AnswerTokens = _ => 400 };
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        var agent = new Agent(client) { Streaming = true };

        await Assert.ThrowsAsync<TokenBudgetExceededException>(() => Intercepted.RunawayAsync(agent));

        Assert.InRange(agent.Budget!.Used, 1, 6000);
        Assert.Equal(model.ReportedTokens, agent.Budget.Used);
    }

    [Theory]
    [InlineData(120)]
    [InlineData(700)]
    [InlineData(1_000_000)]
    public async Task A_loop_that_checks_CanContinue_ends_normally_with_a_final_answer_within_the_reserve(int stepTokens)
    {
        // Steps say as much as they may; the final answer wants 1,500 tokens, which the 2,000 reserve leaves room for.
        var model = new ScriptedModel();
        model.AnswerTokens = call => model.Requests.Last().Messages[^1].Text.StartsWith("Write the final answer", StringComparison.Ordinal) ? 1500 : stepTokens;
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        var agent = new Agent(client);

        var answer = await Intercepted.ResearchAsync(agent);

        var budget = agent.Budget!;
        Assert.Equal(ScriptedModel.Words(1500), answer);
        Assert.True(agent.Steps >= 1);
        Assert.InRange(budget.Used, 1, 8000);
        Assert.InRange(agent.FinalAnswerTokens, 1500, 2000 + 500);
        Assert.Equal(0, budget.RefusedCalls);
    }

    [Fact]
    public async Task A_nested_budgeted_call_charges_its_caller()
    {
        var model = new ScriptedModel { AnswerTokens = _ => 100 };
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        var agent = new Agent(client);

        using (TokenBudget.Begin("Agent.RunAsync", 8000))
        {
            var outer = TokenBudget.Current!;
            await Intercepted.SummariseAsync(agent, "notes");
            Assert.Equal(agent.Budget!.Used, outer.Used);
            Assert.Same(outer, agent.Budget.Parent);
            Assert.Same(outer, TokenBudget.Current);
        }
    }

    /// <summary>An agent as a user writes it; its methods would carry <c>[TokenBudget]</c>.</summary>
    private sealed class Agent(IChatClient chat)
    {
        public bool Streaming { get; init; }

        public TokenBudget? Budget { get; private set; }

        public int Steps { get; private set; }

        public long FinalAnswerTokens { get; private set; }

        // [TokenBudget(8000)]
        public async Task<string> RunawayAsync()
        {
            Budget = TokenBudget.Current;
            var conversation = new List<ChatMessage> { new(ChatRole.System, "You are a researcher."), new(ChatRole.User, Question) };
            while (true)
            {
                var response = await AskAsync(conversation);
                conversation.AddMessages(response);
                conversation.Add(new ChatMessage(ChatRole.User, "Go on."));
            }
        }

        // [TokenBudget(8000, FinalAnswerReserve = 2000, MinStepTokens = 500)]
        public async Task<string> ResearchAsync()
        {
            var budget = Budget = TokenBudget.Current!;
            var notes = new List<string>();
            while (budget.CanContinue)
            {
                // Each step sees the question and the latest note only, so its prompt stays small.
                var step = await AskAsync([new(ChatRole.User, Question + " Latest note: " + notes.LastOrDefault())]);
                notes.Add(step.Text[..Math.Min(step.Text.Length, 200)]);
                Steps++;
            }

            budget.BeginFinalAnswer();
            var before = budget.Used;
            var final = await AskAsync([new(ChatRole.User, "Write the final answer from these notes: " + string.Join(" | ", notes.TakeLast(3)))]);
            FinalAnswerTokens = budget.Used - before;
            return final.Text;
        }

        // [TokenBudget(1000, FinalAnswerReserve = 0)]
        public async Task<string> SummariseAsync(string notes)
        {
            Budget = TokenBudget.Current;
            return (await AskAsync([new(ChatRole.User, "Summarise: " + notes)])).Text;
        }

        private async Task<ChatResponse> AskAsync(List<ChatMessage> messages)
            => Streaming ? await chat.GetStreamingResponseAsync(messages).ToChatResponseAsync() : await chat.GetResponseAsync(messages);
    }

    /// <summary>What the generator will emit for the call sites of <see cref="Agent"/>'s budgeted methods.</summary>
    // What the generated interceptors of [TokenBudget] methods do: name the method with a descriptor carrying the
    // attribute's settings and go through the runtime's entry point, which opens the scope around the whole call.
    private static class Intercepted
    {
        private static readonly AgentMethod s_runaway = new(
            "Agent", "RunawayAsync", [], [], budget: new TokenBudgetPolicy(8000));

        private static readonly AgentMethod s_research = new(
            "Agent", "ResearchAsync", [], [], budget: new TokenBudgetPolicy(8000, finalAnswerReserve: 2000, minStepTokens: 500));

        private static readonly AgentMethod s_summarise = new(
            "Agent", "SummariseAsync", ["string"], ["notes"], budget: new TokenBudgetPolicy(1000, finalAnswerReserve: 0));

        public static Task<string> RunawayAsync(Agent agent)
            => AgentMethodInvoker.InvokeAsync(s_runaway, agent, null, static a => a.RunawayAsync(), default);

        public static Task<string> ResearchAsync(Agent agent)
            => AgentMethodInvoker.InvokeAsync(s_research, agent, null, static a => a.ResearchAsync(), default);

        public static Task<string> SummariseAsync(Agent agent, string notes)
            => AgentMethodInvoker.InvokeAsync(s_summarise, (agent, notes), null, static a => a.agent.SummariseAsync(a.notes), default);
    }
}
