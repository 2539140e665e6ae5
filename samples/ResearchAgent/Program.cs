using System.Diagnostics;
using AgentCost;
using AgentCost.Embeddings;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using AgentCost.Routing;
using ResearchAgent;

// A research agent that answers questions from a document library with a tool loop. It runs offline: the library is
// local and the model is OfflineModel, a deterministic stand-in for a chat model that calls tools, so the sample needs
// no network or API key. The search tool is [AgentTool] + [Cached]: a topic the model searched before is served from
// the cache, even though the model, not this code, makes the call. Each question is routed ([RouteModel]) to the
// cheapest tier of models its difficulty needs; the tiers are in appsettings.json (AgentCost:Routing). A question asked
// again in other words is answered from the semantic cache ([SemanticCached]), with the embedder running locally.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Logging.SetMinimumLevel(LogLevel.Warning);
// The embedded all-MiniLM-L6-v2 embedder (offline, on this machine) for [SemanticCached]; any other
// IEmbeddingGenerator<string, Embedding<float>> (OpenAI, Ollama) registered here plugs in the same way.
builder.Services.AddMiniLmEmbeddingGenerator();
builder.Services.AddAgentCost();
builder.Services.AddSingleton<DocumentLibrary>();
builder.Services.AddSingleton<ResearchTools>();
// UseAgentCostRouting() sends each round trip inside a route to its tier's model; UseAgentCost() prices and records
// every round trip (Researcher adds the tool loop around both). The offline model reports its word counts as usage;
// each call is priced as the model it was routed to (gpt-4o-mini outside a route), so the reports below show what the
// run would have cost on those models.
builder.Services.AddChatClient(new OfflineModel())
    .ConfigureOptions(static options => options.ModelId ??= "gpt-4o-mini")
    .UseAgentCostRouting()
    .UseAgentCost();
builder.Services.AddSingleton<Researcher>();

using var host = builder.Build();
await host.StartAsync(); // makes the host's AgentCost runtime the one the generated interceptors use

var researcher = host.Services.GetRequiredService<Researcher>();
var tools = host.Services.GetRequiredService<ResearchTools>();
var router = host.Services.GetRequiredService<ModelRouter>();

string[] questions =
[
    "How does a result cache save money for an agent?",
    "What does a token budget protect against?",
    "Why would an agent's cache need a stampede guard?",
    "How does a result cache differ from a token budget?",
    "Explain step by step how a token budget and a final-answer reserve stop a runaway loop.",
    "Analyse the trade-offs of a stampede guard, then design and evaluate a plan that combines a result cache with a token budget.",
    // The first question in other words: answered from the semantic cache.
    "In what way does a result cache save an agent money?",
    // Close to the second question but asking the opposite: the semantic cache's guard sees the negation, and it runs.
    "What does a token budget not protect against?",
];

var runStarted = DateTimeOffset.UtcNow;
var total = Stopwatch.StartNew();
foreach (var question in questions)
{
    Console.WriteLine($"Q: {question}");

    // AnswerAsync is [RouteModel] and [AgentTask]: the interceptor runs it as a task (cost per successful task) inside
    // a route decided by the question, and the spend report charges its calls to it.
    var runsBefore = researcher.AnswerRuns;
    var answer = await researcher.AnswerAsync(question);
    Console.WriteLine($"A: {answer}");
    if (researcher.AnswerRuns == runsBefore)
    {
        Console.WriteLine("   served from the semantic cache: a question asked before in other words; the agent did not run");
    }
    else
    {
        var route = router.Log.Records[^1];
        Console.WriteLine($"   routed to {route.Tier} ({route.Model}): {route.Decision.Reason}, score {route.Decision.Score:0.00}");
    }

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
RoutingReportPrinter.Print(router.GetReport(), Console.Out);

Console.WriteLine();
var spend = await host.Services.GetRequiredService<AgentCostRuntime>().Spending.GetReportAsync(runStarted, DateTimeOffset.UtcNow.AddSeconds(1));
Console.WriteLine("(The offline model's usage is its word count, priced as the model each call was routed to, gpt-4o-mini outside a route.)");
SpendReportPrinter.Print(spend, Console.Out);

await host.StopAsync();
