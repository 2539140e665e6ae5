using Microsoft.Extensions.AI;

namespace DiagnosticsShowcase;

/// <summary>COST013 and COST014: request layouts that defeat the provider's prompt cache or make it refuse the request.</summary>
public sealed class ToolCatalog
{
    private readonly Dictionary<string, AITool> _toolsByName = new()
    {
        ["search"] = AIFunctionFactory.Create((string query) => $"results for {query}", "search"),
        ["convert"] = AIFunctionFactory.Create((decimal amount) => amount, "convert"),
    };

    // COST013: a dictionary's values have no order by contract, and the provider's prompt cache keys on the tool list,
    // which comes first in the prompt. Fix: [.. _toolsByName.Values.OrderBy(t => t.Name)].
    public ChatOptions Options() => new() { Tools = [.. _toolsByName.Values] };

    // COST014: a cache breakpoint on every message of a growing history; past 4 Anthropic rejects the request.
    // Fix: mark the end of the previous turn only, on a copy of its content.
    public static void MarkHistory(IList<ChatMessage> history)
    {
        foreach (var message in history)
        {
            message.AdditionalProperties ??= [];
            message.AdditionalProperties["cache_control"] = new Dictionary<string, string> { ["type"] = "ephemeral" };
        }
    }
}
