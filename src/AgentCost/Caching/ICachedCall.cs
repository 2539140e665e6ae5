namespace AgentCost.Caching;

/// <summary>
/// One call of a cached method as the result cache sees it: the arguments that make its key, and how to run the
/// method when the key misses. The cache knows nothing else of the call: which layer made it, or what ambient state the
/// method runs in, is the implementation's business.
/// </summary>
/// <typeparam name="TResult">The method's result type.</typeparam>
/// <remarks>Implemented by structs and taken as a constrained type argument, so that a hit allocates nothing for it.</remarks>
internal interface ICachedCall<TResult> : ICacheKeySource
{
    /// <summary>Runs the method for a miss.</summary>
    /// <param name="cancellationToken">The run's token: the cache's, shared by every caller waiting for the entry.</param>
    ValueTask<TResult> RunAsync(CancellationToken cancellationToken);
}
