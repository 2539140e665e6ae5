namespace AgentCost.Routing;

/// <summary>
/// Model routing: tiers of deployments from weakest to strongest, fallbacks, cooldowns and the heuristic classifier;
/// bound from the configuration section <c>AgentCost:Routing</c>.
/// </summary>
/// <remarks>
/// Configuration keys are unordered, so a tier's strength is its <see cref="ModelTierOptions.Rank"/>; the well-known
/// names <c>simple</c>, <c>medium</c>, <c>complex</c> and <c>reasoning</c> rank 0, 1, 2 and 3 when no rank is given.
/// </remarks>
public sealed class RoutingOptions
{
    /// <summary>The tiers by name (case-insensitive); section <c>AgentCost:Routing:Tiers</c>.</summary>
    public Dictionary<string, ModelTierOptions> Tiers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The tier used inside a route scope that neither fixes a tier nor has a prompt to classify; default the weakest.</summary>
    public string? DefaultTier { get; set; }

    /// <summary>Whether a call whose tier's deployments all failed may move to the next stronger tier; default <see langword="true"/>.</summary>
    public bool EscalateOnFailure { get; set; } = true;

    /// <summary>How long a deployment that failed (429, 5xx, timeout) is skipped; default 30 seconds.</summary>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest <c>Retry-After</c> honoured as a pause; longer ones are cut to this; default 5 minutes.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many calls may wait for one deployment's rate limit at a time; 0 refuses at once; default 16.</summary>
    public int RateLimitQueueLimit { get; set; } = 16;

    /// <summary>How long a call waits for a deployment's rate limit before it falls back or fails; default 10 seconds.</summary>
    public TimeSpan RateLimitWaitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The output tokens a tokens-per-minute limit reserves for a call without <c>MaxOutputTokens</c>; default 1,024.</summary>
    public int DefaultOutputTokens { get; set; } = 1024;

    /// <summary>How many routing decisions the in-memory routing log keeps; default 1,000.</summary>
    public int LogCapacity { get; set; } = 1000;

    /// <summary>The heuristic classifier's weights and thresholds; section <c>AgentCost:Routing:Heuristic</c>.</summary>
    public HeuristicClassifierOptions Heuristic { get; set; } = new();
}

/// <summary>One tier of models of similar strength and price.</summary>
public sealed class ModelTierOptions
{
    /// <summary>The tier's strength: higher is stronger; optional for <c>simple</c>, <c>medium</c>, <c>complex</c>, <c>reasoning</c>.</summary>
    public int? Rank { get; set; }

    /// <summary>The deployments to try in order; section <c>…:Tiers:&lt;name&gt;:Deployments:&lt;i&gt;</c>.</summary>
    public List<ModelDeploymentOptions> Deployments { get; set; } = [];
}

/// <summary>One deployment: a model, the client that serves it and its rate limits.</summary>
public sealed class ModelDeploymentOptions
{
    /// <summary>The model id sent as <c>ChatOptions.ModelId</c>, and the one priced from the catalogue; required.</summary>
    public string Model { get; set; } = "";

    /// <summary>
    /// The key of an <see cref="Microsoft.Extensions.AI.IChatClient"/> registered with keyed dependency injection that serves this
    /// deployment; <see langword="null"/> for the client the routing layer wraps.
    /// </summary>
    public string? ClientKey { get; set; }

    /// <summary>Requests per minute this deployment accepts; <see langword="null"/> for no limit.</summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Tokens (prompt plus output) per minute this deployment accepts; <see langword="null"/> for no limit.</summary>
    public int? TokensPerMinute { get; set; }
}

/// <summary>
/// The heuristic classifier's weights: a prompt's score is the sum of its signals' points, and
/// <see cref="TierThresholds"/> map the score to a tier; section <c>AgentCost:Routing:Heuristic</c>.
/// </summary>
public sealed class HeuristicClassifierOptions
{
    /// <summary>Prompt tokens worth one point; default 200.</summary>
    public int TokensPerPoint { get; set; } = 200;

    /// <summary>The most points length alone gives; default 3.</summary>
    public double MaxLengthPoints { get; set; } = 3;

    /// <summary>Points for a fenced code block (<c>```</c>); default 2.5.</summary>
    public double CodeBlockPoints { get; set; } = 2.5;

    /// <summary>Points for each question or numbered/bulleted part beyond the first; default 0.75.</summary>
    public double ExtraPartPoints { get; set; } = 0.75;

    /// <summary>The most points parts give; default 3.</summary>
    public double MaxPartPoints { get; set; } = 3;

    /// <summary>Points for each demanding instruction verb (analyse, design, refactor, ...); default 0.75.</summary>
    public double ComplexVerbPoints { get; set; } = 0.75;

    /// <summary>The most points demanding verbs give; default 2.25.</summary>
    public double MaxComplexVerbPoints { get; set; } = 2.25;

    /// <summary>Points for a request of explicit reasoning (prove, derive, step by step, ...); default 6.</summary>
    public double ReasoningPoints { get; set; } = 6;

    /// <summary>Points (usually negative) for a light instruction verb (translate, summarise, list, ...); default -0.5.</summary>
    public double SimpleVerbPoints { get; set; } = -0.5;

    /// <summary>
    /// Ascending scores at which the next stronger tier starts: a score below the first is the weakest tier, at or above
    /// the last is the strongest one the thresholds name; <see langword="null"/> or empty for the defaults 1.5, 3, 6 (configuration lists append to a non-empty default, so the default lives in the classifier).
    /// </summary>
    public List<double>? TierThresholds { get; set; }

    /// <summary>Demanding instruction verbs (matched at a word start, case-insensitive); empty keeps the built-in list.</summary>
    public List<string> ComplexVerbs { get; set; } = [];

    /// <summary>Light instruction verbs; empty keeps the built-in list.</summary>
    public List<string> SimpleVerbs { get; set; } = [];

    /// <summary>Phrases that ask for explicit reasoning; empty keeps the built-in list.</summary>
    public List<string> ReasoningPhrases { get; set; } = [];
}
