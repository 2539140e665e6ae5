using Microsoft.Extensions.AI;

namespace AgentCost.Caching;

/// <summary>Settings of <see cref="ModelSemanticHitVerifier"/>.</summary>
public sealed class ModelSemanticHitVerifierOptions
{
    /// <summary>
    /// The lowest similarity of the doubtful band, inclusive: candidates the rules accept from here up to
    /// <see cref="DoubtfulTo"/> are confirmed by the model. Default 0, so the band starts at the cache's threshold.
    /// </summary>
    public float DoubtfulFrom { get; set; }

    /// <summary>
    /// The similarity from which the rules' acceptance stands without asking the model, exclusive upper bound of the
    /// doubtful band. Default 0.95; 1.01 asks about every candidate.
    /// </summary>
    public float DoubtfulTo { get; set; } = 0.95f;

    /// <summary>How long the model may take to answer before the candidate is rejected; default 5 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The options of the request to the model (a copy is sent each time), for example its <see cref="ChatOptions.ModelId"/>;
    /// <see langword="null"/> for temperature 0 and at most 8 output tokens.
    /// </summary>
    public ChatOptions? ChatOptions { get; set; }
}
