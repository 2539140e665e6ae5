using AgentCost.Routing;
using Microsoft.Extensions.AI;

namespace AgentCost.ChatClients;

/// <summary>
/// Checks, when a pipeline is built, that the AgentCost layers sit where they see every model round trip. A wrong order
/// does not fail at a call — it silently undercounts — so it fails here, naming the order to use.
/// </summary>
internal static class PipelineOrder
{
    private const string RightOrder = """
        Build the pipeline in this order (the first Use is the outermost layer):
            new ChatClientBuilder(providerClient)
            .UseFunctionInvocation()
            .UseAgentCostRouting()
            .UseAgentCost()
            .Build(services);
        or, without routing,
            .UseFunctionInvocation()
            .UseAgentCost()
        """;

    /// <summary>
    /// The budget layer must see each round trip of a tool loop, and each routed attempt at its own model; and no
    /// semantic cache may sit inside it, where each hit would be reserved and charged as a model call.
    /// </summary>
    public static void CheckBudgetLayer(IChatClient inner)
    {
        ThrowIfToolLoopInside(inner, "UseAgentCost()", "it would see a whole tool loop as one call: it could not clamp or refuse its round trips, and would charge and record them as one");
        if (inner.GetService<SemanticCachingChatClient>() is not null)
        {
            throw new InvalidOperationException(
                "UseAgentCost() was added before UseSemanticCache(), so the SemanticCachingChatClient sits inside the budget layer: "
                + "every hit would be reserved and charged as a model call, and what it saved would not be credited. "
                + Normalize(SemanticCacheOrder));
        }
        if (inner.GetService<ModelRoutingChatClient>() is not null)
        {
            throw new InvalidOperationException(
                "UseAgentCost() was added before UseAgentCostRouting(), so the ModelRoutingChatClient sits inside the budget layer: "
                + "each call would be reserved and priced at the model the request names, not at the deployment it is routed to, and a fallback to a dearer model would not be checked against the budget. "
                + Normalize(RightOrder));
        }
    }

    private const string SemanticCacheOrder = """
        Add the semantic cache outside the budget layer (and inside the tool loop, so that each round trip is looked up):
            new ChatClientBuilder(providerClient)
            .UseFunctionInvocation()
            .UseSemanticCache()
            .UseAgentCostRouting()
            .UseAgentCost()
            .Build(services);
        """;

    /// <summary>The routing layer must route each round trip of a tool loop, so that a fallback repeats one round trip, never the tools.</summary>
    public static void CheckRoutingLayer(IChatClient inner)
        => ThrowIfToolLoopInside(inner, "UseAgentCostRouting()", "it would route a whole tool loop as one call, and a fallback would run the loop and its tools again");

    private static void ThrowIfToolLoopInside(IChatClient inner, string layer, string consequence)
    {
        if (inner.GetService<FunctionInvokingChatClient>() is not null)
        {
            throw new InvalidOperationException(
                $"{layer} was added before UseFunctionInvocation(), so a FunctionInvokingChatClient sits inside it: {consequence}. " + Normalize(RightOrder));
        }
    }

    // Raw string literals keep the file's line endings; messages use '\n' on every platform.
    private static string Normalize(string text) => text.ReplaceLineEndings("\n");
}
