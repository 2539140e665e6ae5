using System.ComponentModel;

namespace AgentCost.Tools.Tests;

/// <summary>Tools with policies, counting how often their bodies run.</summary>
public sealed class CachedTools
{
    private int _searches;
    private int _lookUps;

    public int Searches => Volatile.Read(ref _searches);

    public int LookUps => Volatile.Read(ref _lookUps);

    /// <summary>The total of the budget scope each budgeted call ran in.</summary>
    public List<int?> BudgetsSeen { get; } = [];

    /// <summary>Reached only through <c>AIFunctionFactory.Create(tools.SearchAsync)</c>: the intercepted factory call.</summary>
    [Cached(TtlSeconds = 600)]
    [Description("Searches the document library.")]
    public async Task<string> SearchAsync([Description("What to look for")] string query, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _searches);
        await Task.Delay(1, cancellationToken);
        return $"passages about {query}";
    }

    /// <summary>Reached through the generated <c>CachedToolsAgentTools.Create</c>.</summary>
    [AgentTool(Description = "Looks a term up in the glossary.")]
    [Cached]
    public string LookUp(string term, int senses = 1)
    {
        Interlocked.Increment(ref _lookUps);
        return $"{term}: {senses} sense(s)";
    }

    [AgentTool]
    [TokenBudget(3000, FinalAnswerReserve = 500)]
    public string Summarize(string text)
    {
        lock (BudgetsSeen)
        {
            BudgetsSeen.Add(TokenBudget.Current?.Total);
        }

        return text.Length > 10 ? text[..10] : text;
    }
}
