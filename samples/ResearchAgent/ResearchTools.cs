using System.ComponentModel;
using AgentCost;

namespace ResearchAgent;

/// <summary>
/// The agent's tools. Searching is slow and paid for per call, and its answer for a query does not change within an hour.
/// <c>[AgentTool]</c> makes the generator write <c>ResearchToolsAgentTools.Create(tools)</c>: one <c>AIFunction</c> per tool,
/// its schema written at compile time, its arguments bound without reflection, and every call the model makes run through
/// <c>[Cached]</c> as a direct call would.
/// </summary>
public sealed class ResearchTools(DocumentLibrary library)
{
    /// <summary>What one search costs in time; a stand-in for a search API's latency.</summary>
    public static readonly TimeSpan SearchLatency = TimeSpan.FromMilliseconds(120);

    private int _librarySearches;

    /// <summary>Searches that ran, that is, reached the library.</summary>
    public int LibrarySearches => Volatile.Read(ref _librarySearches);

    [AgentTool(Description = "Searches the document library and returns the passage that best matches the query.")]
    [Cached(TtlSeconds = 3600)]
    public async Task<string> SearchAsync(
        [Description("A short topic of one or two words, for example \"token budget\".")] string query,
        CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _librarySearches);
        await Task.Delay(SearchLatency, cancellationToken);
        return library.Search(query);
    }
}
