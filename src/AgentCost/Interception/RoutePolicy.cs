using System.ComponentModel;
using System.Runtime.CompilerServices;
using AgentCost.Routing;
using Microsoft.Extensions.AI;

namespace AgentCost.Interception;

/// <summary>
/// The settings of a <see cref="RouteModelAttribute"/> as a generated descriptor carries them: the route's tier or
/// bounds, and where the method's prompt is among the arguments the entry point receives.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class RoutePolicy
{
    /// <summary>Creates a policy. Tier names are checked by the routing layer against the configured tiers when it decides.</summary>
    /// <param name="tier">A fixed tier: no classification.</param>
    /// <param name="minTier">The weakest tier the classifier may choose.</param>
    /// <param name="maxTier">The strongest tier the classifier may choose.</param>
    /// <param name="promptArgument">
    /// The position of the prompt in the tuple of receiver and arguments (a <see cref="string"/> or a sequence of
    /// <see cref="ChatMessage"/>); -1 when the method has no prompt, and the first model call's user messages are classified.
    /// </param>
    public RoutePolicy(string? tier = null, string? minTier = null, string? maxTier = null, int promptArgument = -1)
    {
        Route = new ModelRoutePolicy(Blank(tier), Blank(minTier), Blank(maxTier));
        PromptArgument = promptArgument < 0 ? -1 : promptArgument;
    }

    /// <summary>The tier or bounds every call's route opens with.</summary>
    public ModelRoutePolicy Route { get; }

    /// <summary>The position of the prompt in the packed arguments, or -1.</summary>
    public int PromptArgument { get; }

    /// <summary>The prompt text of one call: the argument at <see cref="PromptArgument"/>, or <see langword="null"/>.</summary>
    internal string? GetPrompt<TArgs>(TArgs args)
    {
        // Only routed calls get here, and they go on to a model call: reading through ITuple (which boxes a
        // value tuple) costs nothing next to that, and keeps the generated code to one descriptor and one call.
        if (PromptArgument < 0 || args is not ITuple tuple || PromptArgument >= tuple.Length)
        {
            return null;
        }

        return tuple[PromptArgument] switch
        {
            string text => text,
            IEnumerable<ChatMessage> messages => ModelRouting.PromptText(messages),
            _ => null,
        };
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
