using System.Diagnostics;
using AgentCost.Hosting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ResearchAgent;

// A research agent that answers questions from a document library. It runs offline: the library is local and the
// model is OfflineModel, a deterministic stand-in for a chat model, so the sample needs no network or API key.
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddAgentCost();
builder.Services.AddSingleton<DocumentLibrary>();
builder.Services.AddSingleton<ResearchTools>();
builder.Services.AddSingleton<IChatClient, OfflineModel>();
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

var total = Stopwatch.StartNew();
foreach (var question in questions)
{
    Console.WriteLine($"Q: {question}");
    var answer = await researcher.AnswerAsync(question);
    Console.WriteLine($"A: {answer}");
    Console.WriteLine();
}

total.Stop();

Console.WriteLine("What the cache did");
Console.WriteLine("------------------");
foreach (var statistics in AgentCostRuntime.Current.Cache.GetStatistics())
{
    Console.WriteLine($"{statistics.Method,-40} calls {statistics.Requests,3}   hits {statistics.Hits,3}   misses {statistics.Misses,3}   hit rate {statistics.HitRate,6:P0}");
}

Console.WriteLine();
Console.WriteLine($"Searches that reached the library: {tools.LibrarySearches} of {tools.SearchCalls} requested.");
Console.WriteLine($"Time saved at {ResearchTools.SearchLatency.TotalMilliseconds:0} ms a search: about {(tools.SearchCalls - tools.LibrarySearches) * ResearchTools.SearchLatency.TotalMilliseconds:0} ms; run took {total.ElapsedMilliseconds} ms.");

await host.StopAsync();
