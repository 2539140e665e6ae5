using System.Diagnostics;
using AgentCost;
using AgentCost.Hosting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ResearchAgent;

// A research agent that answers questions from a document library with a tool loop. It runs offline: the library is
// local and the model is OfflineModel, a deterministic stand-in for a chat model that calls tools, so the sample needs
// no network or API key. The search tool is [AgentTool] + [Cached]: a topic the model searched before is served from
// the cache, even though the model, not this code, makes the call.
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddAgentCost();
builder.Services.AddSingleton<DocumentLibrary>();
builder.Services.AddSingleton<ResearchTools>();
// UseAgentCost() prices and records every model round trip (Researcher adds the tool loop around it). The offline
// model reports its word counts as usage; its calls are priced as gpt-4o-mini, so the spend report below shows what
// the run would have cost on that model.
builder.Services.AddChatClient(new OfflineModel()).ConfigureOptions(static options => options.ModelId ??= "gpt-4o-mini").UseAgentCost();
builder.Services.AddSingleton<Researcher>();

using var host = builder.Build();
await host.StartAsync(); // makes the host's AgentCost runtime the one the generated interceptors use

var researcher = host.Services.GetRequiredService<Researcher>();
var tools = host.Services.GetRequiredService<ResearchTools>();

string[] questions =
[
    "How does a result cache save money for an agent?",
    "What does a token budget protect against?",
    "Why would an agent's cache need a stampede guard?",
    "How does a result cache differ from a token budget?",
];

var runStarted = DateTimeOffset.UtcNow;
var total = Stopwatch.StartNew();
foreach (var question in questions)
{
    Console.WriteLine($"Q: {question}");

    // Each question is a task (cost per successful task) made in the method the report charges its calls to.
    using var task = AgentTask.Begin("answer-question");
    using var method = AgentCallContext.BeginMethod("ResearchAgent.Researcher.AnswerAsync");
    var answer = await researcher.AnswerAsync(question);
    if (!string.IsNullOrWhiteSpace(answer))
    {
        task.Succeed();
    }

    Console.WriteLine($"A: {answer}");
    Console.WriteLine();
}

total.Stop();

// A budgeted loop: DeepDiveAsync is [TokenBudget(2500, FinalAnswerReserve = 600, MinStepTokens = 250)]. It researches
// while a useful step still fits, then spends the reserve on the final answer; no round trip can overspend.
Console.WriteLine("Deep dive within a 2,500-token budget");
Console.WriteLine("-------------------------------------");
var deepDive = await researcher.DeepDiveAsync("What keeps an agent's cost in check?");
var budget = deepDive.Budget;
Console.WriteLine($"A: {deepDive.Answer}");
Console.WriteLine($"{deepDive.Steps} research steps, then the final answer. Budget '{budget.Name}': {budget.Used:N0} of {budget.Total:N0} tokens used " +
                  $"({budget.PromptTokens:N0} prompt, {budget.CompletionTokens:N0} completion; {budget.Utilization:P0}), {budget.Calls} model calls, " +
                  $"{budget.RefusedCalls} refused, {budget.FinalAnswerReserve:N0} were kept for the final answer.");
Console.WriteLine();

Console.WriteLine("What the cache did");
Console.WriteLine("------------------");
foreach (var statistics in AgentCostRuntime.Current.Cache.GetStatistics())
{
    Console.WriteLine($"{statistics.Method,-40} calls {statistics.Requests,3}   hits {statistics.Hits,3}   misses {statistics.Misses,3}   hit rate {statistics.HitRate,6:P0}");
}

Console.WriteLine();
Console.WriteLine($"Searches that reached the library: {tools.LibrarySearches} of {researcher.ToolCalls} the model requested.");
Console.WriteLine($"Time saved at {ResearchTools.SearchLatency.TotalMilliseconds:0} ms a search: about {(researcher.ToolCalls - tools.LibrarySearches) * ResearchTools.SearchLatency.TotalMilliseconds:0} ms; run took {total.ElapsedMilliseconds} ms.");

Console.WriteLine();
var spend = await host.Services.GetRequiredService<AgentCostRuntime>().Spending.GetReportAsync(runStarted, DateTimeOffset.UtcNow.AddSeconds(1));
Console.WriteLine("(The offline model's usage is its word count, priced as gpt-4o-mini: what this run would have cost on that model.)");
SpendReportPrinter.Print(spend, Console.Out);

await host.StopAsync();
