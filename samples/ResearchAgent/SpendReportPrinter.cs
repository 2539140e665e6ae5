using System.Globalization;
using AgentCost.Spending;

namespace ResearchAgent;

/// <summary>Renders a <see cref="SpendReport"/> for the console: spend by model and method, cost per successful task, cache savings.</summary>
public static class SpendReportPrinter
{
    public static void Print(SpendReport report, TextWriter output)
    {
        output.WriteLine("What the run cost");
        output.WriteLine("-----------------");
        output.WriteLine($"{"model",-14} {"method",-40} {"calls",5} {"input",8} {"cached",7} {"output",7} {"cost",12}");
        foreach (var line in report.ByModelAndMethod)
        {
            output.WriteLine(Row(line.Model ?? "(unknown)", line.Method ?? "(no agent method)", line.Calls, line.Tokens, line.Cost));
        }

        output.WriteLine(Row("total", string.Empty, report.Calls, report.Tokens, report.TotalCost));
        if (report.UnpricedCalls > 0)
        {
            output.WriteLine($"{report.UnpricedCalls} calls went to models without a price; their cost is not in the total.");
        }

        output.WriteLine();
        output.WriteLine("Cost per successful task (failed tasks' cost charged to the successful ones)");
        foreach (var task in report.Tasks)
        {
            var perTask = task.CostPerSuccessfulTask is { } cost ? Money(cost) : "n/a (none succeeded)";
            output.WriteLine($"{task.Name,-20} {task.Tasks,3} tasks, {task.Succeeded,3} succeeded, {task.Failed,3} failed   {perTask} per successful task");
        }

        output.WriteLine();
        var resultCache = report.CacheHits > 0
            ? $"[Cached] hits saved {Money(report.ResultCacheSavings)} of model spend ({report.CacheHits} hits replaced model calls)"
            : "no [Cached] hit replaced a model call (the cached methods of this run call no model: their hits save tool time, not model spend)";
        output.WriteLine($"Cache savings: {resultCache}; the provider's prompt cache saved {Money(report.PromptCacheSavings)}.");
        if (report.SemanticCacheHits > 0)
        {
            var hits = report.SemanticCacheHits == 1 ? "1 hit answered a question asked before in other words" : $"{report.SemanticCacheHits} hits answered questions asked before in other words";
            output.WriteLine($"Semantic cache: {hits} without a model call, saving {Money(report.SemanticCacheSavings)} (what answering them the first time cost).");
        }
    }

    private static string Row(string model, string method, long calls, SpendTokens tokens, decimal cost)
        => string.Create(
            CultureInfo.InvariantCulture,
            $"{Truncate(model, 14),-14} {Truncate(method, 40),-40} {calls,5:N0} {tokens.Input + tokens.CacheWrite + tokens.CacheWrite1h,8:N0} {tokens.CachedInput,7:N0} {tokens.Output,7:N0} {Money(cost),12}");

    private static string Money(decimal dollars) => "$" + dollars.ToString("0.000000", CultureInfo.InvariantCulture);

    private static string Truncate(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";
}
