using System.Reflection;
using AgentCost;
using Microsoft.Extensions.AI;

namespace DiagnosticsShowcase;

/// <summary>COST006 and COST007: uses of annotated methods that no interceptor can reach.</summary>
public class SearchTools
{
    [Cached(TtlSeconds = 3600)]
    public virtual Task<string> SearchAsync(string query) => Task.FromResult($"results for {query}");
}

public sealed class LoggingSearchTools : SearchTools
{
    // COST007: a call through base is not intercepted, so this call is never cached.
    public override async Task<string> SearchAsync(string query)
    {
        Console.WriteLine($"searching {query}");
        return await base.SearchAsync(query);
    }
}

public static class Wiring
{
    // COST006: calls through the delegate skip the interceptor. Fix: q => tools.SearchAsync(q).
    public static Func<string, Task<string>> Search(SearchTools tools) => tools.SearchAsync;

    // COST006: a tool list built by reflection calls SearchAsync through its MethodInfo, never cached.
    // Fix: AIFunctionFactory.Create(tools.SearchAsync), or [AgentTool] and SearchToolsAgentTools.Create(tools).
    public static IList<AITool> ToolsByReflection(SearchTools tools)
        => [.. typeof(SearchTools).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Select(method => AIFunctionFactory.Create(method, tools))];
}
