using AgentCost;
using AgentCost.Caching;
using AgentCost.ChatClients;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.AI;

/// <summary>Adds the semantic cache to a chat client pipeline.</summary>
public static class SemanticCachingChatClientBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="SemanticCachingChatClient"/>, which answers a cacheable request from the answer to an earlier
    /// one whose last user message is close enough by embedding, in the same partition (model, tenant, earlier turns,
    /// instructions, tools, response format), once the false-hit guard agreed. A hit costs nothing and what the
    /// earlier call cost is credited in the spend report (<c>SpendReport.SemanticCacheSavings</c>).
    /// </summary>
    /// <remarks>
    /// <para>Order matters. Add it <em>before</em> <c>UseAgentCost()</c> (and <c>UseAgentCostRouting()</c>), so that a hit
    /// never reaches the budget layer, and after <c>UseFunctionInvocation()</c>, so that each round trip of a tool loop
    /// is looked up on its own:</para>
    /// <code>
    /// IChatClient client = new ChatClientBuilder(openAIChatClient)
    ///     .UseFunctionInvocation()                   // outer: runs the tool loop
    ///     .UseSemanticCache(embedder, o => o.TimeToLive = TimeSpan.FromHours(6))
    ///     .UseAgentCostRouting()
    ///     .UseAgentCost()                            // inner: charges each model call a miss makes
    ///     .Build(services);
    /// </code>
    /// <para>Added after <c>UseAgentCost()</c>, <c>Build()</c> throws an <see cref="InvalidOperationException"/> that shows
    /// this order.</para>
    /// <para>The runtime (spend monitor, meter) is the one registered in the builder's services by
    /// <c>AddAgentCost()</c>, else <see cref="AgentCostRuntime.Current"/>; the clock is the registered
    /// <see cref="TimeProvider"/>, else the system's.</para>
    /// </remarks>
    /// <param name="builder">The chat client builder.</param>
    /// <param name="generator">Embeds the prompts; <see langword="null"/> for the <c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c> registered in the builder's services.</param>
    /// <param name="configure">Changes to the cache's settings.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    /// <exception cref="InvalidOperationException">
    /// When the pipeline is built: no <paramref name="generator"/> was given and none is registered.
    /// </exception>
    public static ChatClientBuilder UseSemanticCache(
        this ChatClientBuilder builder,
        IEmbeddingGenerator<string, Embedding<float>>? generator = null,
        Action<SemanticCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new SemanticCacheOptions();
        configure?.Invoke(options);

        // A wrong setting fails where it is made, not at the first call.
        SemanticCache.Validate(options);
        return builder.Use((inner, services) => new SemanticCachingChatClient(
            inner,
            generator ?? services.GetService<IEmbeddingGenerator<string, Embedding<float>>>() ?? throw new InvalidOperationException(
                "UseSemanticCache() needs an embedding generator: pass one to UseSemanticCache(generator), or register an "
                + "IEmbeddingGenerator<string, Embedding<float>> in the services the pipeline is built with "
                + "(for example services.AddEmbeddingGenerator(new MiniLmEmbeddingGenerator()) from AgentCost.Embeddings.MiniLM)."),
            options,
            services.GetService<AgentCostRuntime>(),
            services.GetService<TimeProvider>(),
            services.GetService<ILoggerFactory>()?.CreateLogger<SemanticCachingChatClient>()));
    }
}
