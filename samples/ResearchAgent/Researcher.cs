using AgentCost;
using AgentCost.Budgets;
using AgentCost.Tokens;
using Microsoft.Extensions.AI;

namespace ResearchAgent;

/// <summary>
/// Answers a question with a tool loop: the model asks for searches, <see cref="FunctionInvokingChatClient"/> runs them
/// through the generated tool functions (served from the cache when a query was searched before), and the model answers
/// from the results.
/// </summary>
public sealed class Researcher(ResearchTools tools, IChatClient model)
{
    private readonly IChatClient _agent = new ChatClientBuilder(model).UseFunctionInvocation().Build();
    private readonly ChatOptions _options = new() { Tools = [.. ResearchToolsAgentTools.Create(tools)] };
    private int _toolCalls;
    private int _answerRuns;

    /// <summary>Tool calls the model asked for, served from the cache or not.</summary>
    public int ToolCalls => Volatile.Read(ref _toolCalls);

    /// <summary>Questions the agent worked on: those the semantic cache did not answer.</summary>
    public int AnswerRuns => Volatile.Read(ref _answerRuns);

    /// <summary>
    /// Answers a question as one task. <c>[RouteModel]</c>: the generated interceptor opens a route with the question, and
    /// every round trip of the tool loop goes to the tier its difficulty needs (at most <c>complex</c>).
    /// <c>[SemanticCached]</c>: a question asked before in other words is answered from the semantic cache without
    /// running the agent at all; one that only looks alike (a negation, another number, the places swapped) runs.
    /// </summary>
    [SemanticCached]
    [RouteModel(MaxTier = "complex")]
    [AgentTask("answer-question")]
    public async Task<string> AnswerAsync(string question, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _answerRuns);
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, "Search the library for each topic of the question, then answer in one or two sentences using only what you found."),
            new(ChatRole.User, question),
        };
        var response = await _agent.GetResponseAsync(messages, _options, cancellationToken);
        Interlocked.Add(ref _toolCalls, response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Count());
        return response.Text;
    }

    /// <summary>
    /// Researches a subject facet by facet for as long as its token budget allows a useful step, then spends the reserve
    /// kept for it on a final answer synthesised from the notes. The generated interceptor opens the budget for the whole
    /// call; <c>UseAgentCost()</c> charges every round trip of the tool loop to it and refuses any that would overspend.
    /// </summary>
    [TokenBudget(2500, FinalAnswerReserve = 600, MinStepTokens = 250)]
    public async Task<DeepDive> DeepDiveAsync(string subject, CancellationToken cancellationToken = default)
    {
        var budget = TokenBudget.Current!;
        string[] facets = ["result cache", "token budget", "stampede guard", "final-answer reserve", "runaway loop"];
        var notes = new List<string>();
        while (budget.CanContinue)
        {
            var facet = facets[notes.Count % facets.Length];
            var step = await _agent.GetResponseAsync(
                [new(ChatRole.System, "Search the library for the topic and note what you found."), new(ChatRole.User, $"What is a {facet}?")],
                _options,
                cancellationToken);
            Interlocked.Add(ref _toolCalls, step.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Count());
            notes.Add(step.Text);
        }

        // The loop stopped because a normal step no longer fits; the reserve is for the synthesis. Long notes are cut
        // to what the answer can afford, with a visible marker.
        budget.BeginFinalAnswer();
        var notesText = budget.Truncate(string.Join('\n', notes.Distinct()), maxTokens: 300, TruncationMode.KeepHead);
        var answer = await model.GetResponseAsync(
            [new(ChatRole.System, "Write the final answer from the notes."), new(ChatRole.User, $"{subject}\nNotes:\n{notesText}")],
            cancellationToken: cancellationToken);
        return new DeepDive(answer.Text, notes.Count, budget.Summary);
    }
}

/// <summary>What a budgeted deep dive produced: the final answer, how many research steps fitted, and the budget's figures.</summary>
public sealed record DeepDive(string Answer, int Steps, TokenBudgetSummary Budget);
