using AgentCost.Hosting;
using AgentCost.Routing;
using AgentCost;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.AI;

/// <summary>Adds the AgentCost routing layer to a chat client pipeline.</summary>
public static class ModelRoutingChatClientBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="ModelRoutingChatClient"/>: inside a route (<see cref="AgentCost.RouteModelAttribute"/>,
    /// <see cref="ModelRouting.Begin(string, ModelRoutePolicy, string?)"/>) it picks the tier's deployment, waits for its
    /// rate limits and falls back on 429, 5xx, timeouts and rate-limit refusals.
    /// </summary>
    /// <remarks>
    /// <para>Order: add it <em>before</em> <c>UseAgentCost()</c>, so that the budget layer sits inside it and each attempt
    /// is counted, reserved and charged at its own model (a fallback to a dearer model is checked against the budget
    /// again, and a failed attempt gives its reservation back):</para>
    /// <code>
    /// IChatClient client = new ChatClientBuilder(openAIChatClient)
    ///     .UseFunctionInvocation()   // outer: the tool loop; each round trip is routed
    ///     .UseAgentCostRouting()     // picks the model, waits for rate limits, falls back
    ///     .UseAgentCost()            // inner: budget and spend per attempt, at the routed model
    ///     .Build(services);
    /// </code>
    /// <para>Added before <c>UseFunctionInvocation()</c>, or after <c>UseAgentCost()</c>, it makes <c>Build()</c> throw an
    /// <see cref="InvalidOperationException"/> that shows this order.</para>
    /// <para>A deployment with a <c>ClientKey</c> is sent to that keyed client instead of the inner pipeline, so the
    /// budget layer does not see it unless the keyed client's own pipeline has <c>UseAgentCost()</c>.</para>
    /// </remarks>
    /// <param name="builder">The chat client builder.</param>
    /// <param name="router">
    /// The routing state; <see langword="null"/> for the runtime's (<see cref="AgentCostRuntime.Routing"/>): the one
    /// registered in the services the pipeline is built with by <c>AddAgentCost()</c>, else
    /// <see cref="AgentCostRuntime.Current"/> when the pipeline is built.
    /// </param>
    /// <returns><paramref name="builder"/>.</returns>
    public static ChatClientBuilder UseAgentCostRouting(this ChatClientBuilder builder, ModelRouter? router = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) => new ModelRoutingChatClient(
            inner,
            router ?? services.GetService<ModelRouter>() ?? (services.GetService<AgentCostRuntime>() ?? AgentCostRuntime.Current).Routing,
            services));
    }
}
