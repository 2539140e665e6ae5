using AgentCost;

namespace ResearchAgent;

/// <summary>The agent's tools. Searching is slow and paid for per call, and its answer for a query does not change within an hour.</summary>
public sealed class ResearchTools(DocumentLibrary library)
{
    /// <summary>What one search costs in time; a stand-in for a search API's latency.</summary>
    public static readonly TimeSpan SearchLatency = TimeSpan.FromMilliseconds(120);

    private int _librarySearches;
    private int _searchCalls;

    /// <summary>Searches that ran, that is, reached the library.</summary>
    public int LibrarySearches => Volatile.Read(ref _librarySearches);

    /// <summary>Searches the agent asked for, served from the cache or not.</summary>
    public int SearchCalls => Volatile.Read(ref _searchCalls);

    public void RecordSearchCall() => Interlocked.Increment(ref _searchCalls);

    [Cached(TtlSeconds = 3600)]
    public async Task<string> SearchAsync(string query, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _librarySearches);
        await Task.Delay(SearchLatency, cancellationToken);
        return library.Search(query);
    }
}
