namespace AgentCost.Routing;

/// <summary>Checks <see cref="RoutingOptions"/>; each failure names its configuration key.</summary>
internal static class RoutingValidation
{
    private const string Prefix = "AgentCost:Routing";

    public static int? RankOf(string name, ModelTierOptions tier)
        => tier.Rank ?? (ModelRouter.WellKnownTierRanks.TryGetValue(name, out var rank) ? rank : null);

    public static void Validate(RoutingOptions? options, List<string> failures)
    {
        if (options is null)
        {
            failures.Add($"{Prefix} must not be null.");
            return;
        }

        var ranks = new Dictionary<int, string>();
        foreach (var (name, tier) in options.Tiers ?? [])
        {
            var key = $"{Prefix}:Tiers:{name}";
            if (string.IsNullOrWhiteSpace(name))
            {
                failures.Add($"{Prefix}:Tiers must not have an empty tier name.");
                continue;
            }

            if (tier is null)
            {
                failures.Add($"{key} must not be null.");
                continue;
            }

            if (RankOf(name, tier) is not int rank)
            {
                failures.Add($"{key}:Rank must be set: only simple, medium, complex and reasoning have a default rank.");
            }
            else if (ranks.TryGetValue(rank, out var other))
            {
                failures.Add($"{key}:Rank ({rank}) must differ from the rank of tier '{other}'.");
            }
            else
            {
                ranks[rank] = name;
            }

            if (tier.Deployments is not { Count: > 0 })
            {
                failures.Add($"{key}:Deployments must list at least one deployment.");
                continue;
            }

            for (var i = 0; i < tier.Deployments.Count; i++)
            {
                var deployment = tier.Deployments[i];
                var dkey = $"{key}:Deployments:{i}";
                if (deployment is null || string.IsNullOrWhiteSpace(deployment.Model))
                {
                    failures.Add($"{dkey}:Model must be set.");
                    continue;
                }

                if (deployment.ClientKey is { } clientKey && string.IsNullOrWhiteSpace(clientKey))
                {
                    failures.Add($"{dkey}:ClientKey must not be blank.");
                }

                if (deployment.RequestsPerMinute is <= 0)
                {
                    failures.Add($"{dkey}:RequestsPerMinute must be positive, but was '{deployment.RequestsPerMinute}'.");
                }

                if (deployment.TokensPerMinute is <= 0)
                {
                    failures.Add($"{dkey}:TokensPerMinute must be positive, but was '{deployment.TokensPerMinute}'.");
                }
            }
        }

        var names = options.Tiers?.Keys ?? (IEnumerable<string>)[];
        if (options.DefaultTier is { } defaultTier && !names.Contains(defaultTier, StringComparer.OrdinalIgnoreCase))
        {
            failures.Add($"{Prefix}:DefaultTier '{defaultTier}' must name a configured tier.");
        }

        if (options.Cooldown < TimeSpan.Zero)
        {
            failures.Add($"{Prefix}:Cooldown must not be negative, but was '{options.Cooldown}'.");
        }

        if (options.MaxRetryAfter < TimeSpan.Zero)
        {
            failures.Add($"{Prefix}:MaxRetryAfter must not be negative, but was '{options.MaxRetryAfter}'.");
        }

        if (options.RateLimitQueueLimit < 0)
        {
            failures.Add($"{Prefix}:RateLimitQueueLimit must not be negative, but was '{options.RateLimitQueueLimit}'.");
        }

        if (options.RateLimitWaitTimeout < TimeSpan.Zero || options.RateLimitWaitTimeout > TimeSpan.FromDays(1))
        {
            failures.Add($"{Prefix}:RateLimitWaitTimeout must be between zero and one day, but was '{options.RateLimitWaitTimeout}'.");
        }

        if (options.DefaultOutputTokens <= 0)
        {
            failures.Add($"{Prefix}:DefaultOutputTokens must be positive, but was '{options.DefaultOutputTokens}'.");
        }

        if (options.LogCapacity <= 0)
        {
            failures.Add($"{Prefix}:LogCapacity must be positive, but was '{options.LogCapacity}'.");
        }

        if (options.Heuristic is { } heuristic)
        {
            if (heuristic.TokensPerPoint <= 0)
            {
                failures.Add($"{Prefix}:Heuristic:TokensPerPoint must be positive, but was '{heuristic.TokensPerPoint}'.");
            }

            ValidateWeights(heuristic, failures);
            var thresholds = heuristic.TierThresholds ?? [];
            for (var i = 0; i < thresholds.Count; i++)
            {
                if (!double.IsFinite(thresholds[i]))
                {
                    failures.Add($"{Prefix}:Heuristic:TierThresholds:{i} must be a finite number, but was '{thresholds[i]}'.");
                }
            }

            for (var i = 1; i < thresholds.Count; i++)
            {
                if (thresholds[i] < thresholds[i - 1])
                {
                    failures.Add($"{Prefix}:Heuristic:TierThresholds must be ascending, but item {i} ({thresholds[i]}) is below item {i - 1} ({thresholds[i - 1]}).");
                }
            }
        }
        else
        {
            failures.Add($"{Prefix}:Heuristic must not be null.");
        }
    }

    // A NaN weight makes every score NaN, which compares below every threshold: every prompt would go to the weakest tier.
    private static void ValidateWeights(HeuristicClassifierOptions heuristic, List<string> failures)
    {
        foreach (var (name, value, mayBeNegative) in new (string, double, bool)[]
        {
            (nameof(heuristic.MaxLengthPoints), heuristic.MaxLengthPoints, false),
            (nameof(heuristic.CodeBlockPoints), heuristic.CodeBlockPoints, false),
            (nameof(heuristic.ExtraPartPoints), heuristic.ExtraPartPoints, false),
            (nameof(heuristic.MaxPartPoints), heuristic.MaxPartPoints, false),
            (nameof(heuristic.ComplexVerbPoints), heuristic.ComplexVerbPoints, false),
            (nameof(heuristic.MaxComplexVerbPoints), heuristic.MaxComplexVerbPoints, false),
            (nameof(heuristic.ReasoningPoints), heuristic.ReasoningPoints, false),
            (nameof(heuristic.SimpleVerbPoints), heuristic.SimpleVerbPoints, true),
        })
        {
            if (!double.IsFinite(value))
            {
                failures.Add($"{Prefix}:Heuristic:{name} must be a finite number, but was '{value}'.");
            }
            else if (value < 0 && !mayBeNegative)
            {
                failures.Add($"{Prefix}:Heuristic:{name} must not be negative, but was '{value}': a signal of a harder prompt cannot lower its score (SimpleVerbPoints is the one that does).");
            }
        }
    }
}
