using AgentCost;
using AgentCost.ChatClients;
using AgentCost.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.AI;

/// <summary>Adds the AgentCost call layer to a chat client pipeline.</summary>
public static class AgentCostChatClientBuilderExtensions
{
    /// <summary>
    /// Adds an <see cref="AgentCostChatClient"/>, which enforces the ambient token budget and the spend budgets on every
    /// model call: it counts the prompt, refuses (or trims) what does not fit, clamps <c>MaxOutputTokens</c> to what is
    /// left, charges the usage the provider reports, and prices and records the call in the spend ledger.
    /// </summary>
    /// <remarks>
    /// <para>Order matters. Add it <em>after</em> <c>UseFunctionInvocation()</c>, so that it sits inside the tool loop and
    /// every round trip is counted and charged:</para>
    /// <code>
    /// IChatClient client = new ChatClientBuilder(openAIChatClient)
    ///     .UseFunctionInvocation()   // outer: runs the tool loop
    ///     .UseAgentCost()            // inner: sees and charges each model round trip
    ///     .Build(services);
    /// </code>
    /// <para>Added before it, the client would see a whole tool loop as one call, could not clamp its round trips and
    /// would charge only the usage the loop sums up afterwards; so would it with <c>UseAgentCostRouting()</c> inside it,
    /// at the wrong model. Either order makes <c>Build()</c> throw an <see cref="InvalidOperationException"/> that shows
    /// the right one.</para>
    /// <para>The runtime (tokenizers, meter) is the one registered in <paramref name="builder"/>'s services by
    /// <c>AddAgentCost()</c>, else <see cref="AgentCostRuntime.Current"/> at each call.</para>
    /// </remarks>
    /// <param name="builder">The chat client builder.</param>
    /// <param name="configure">Changes to the client's settings.</param>
    /// <returns><paramref name="builder"/>.</returns>
    public static ChatClientBuilder UseAgentCost(this ChatClientBuilder builder, Action<AgentCostChatClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new AgentCostChatClientOptions();
        configure?.Invoke(options);
        return builder.Use((inner, services) => new AgentCostChatClient(
            inner,
            options,
            services.GetService<AgentCostRuntime>(),
            services.GetService<ILoggerFactory>()?.CreateLogger<AgentCostChatClient>()));
    }
}
