using System.Globalization;
using AgentCost.Hosting;

namespace AgentCost.Spending;

/// <summary>Start-up checks of <c>AgentCost:Pricing</c> and <c>AgentCost:Spending</c>; each failure names its key.</summary>
internal static class SpendingValidation
{
    /// <summary>The largest spend limit, in US dollars: below what <see cref="Money.MaxUnits"/> can hold.</summary>
    public const decimal MaxLimit = 200_000_000m;

    public static void ValidatePricing(PricingOptions? pricing, List<string> failures)
    {
        if (pricing is null)
        {
            failures.Add("AgentCost:Pricing must not be null.");
            return;
        }

        foreach (var (model, price) in pricing.Models ?? [])
        {
            if (string.IsNullOrWhiteSpace(model))
            {
                failures.Add("AgentCost:Pricing:Models must not have an empty model id.");
                continue;
            }

            if (price is null)
            {
                continue;
            }

            // A partial entry for a catalogue model only changes the fields it sets.
            var merged = pricing.UseBuiltInCatalog && PriceCatalog.BuiltIn.TryGetPrice(model, out var known) && PriceCatalog.BuiltIn.GetPricedModel(model) is { } priced
                && string.Equals(priced, model, StringComparison.OrdinalIgnoreCase)
                ? known.With(price)
                : price;
            if (PriceCatalog.Validate(merged) is { } problem)
            {
                failures.Add($"AgentCost:Pricing:Models:{model} is invalid: {problem}");
            }
        }

        foreach (var (alias, model) in pricing.Aliases ?? [])
        {
            if (string.IsNullOrWhiteSpace(alias) || string.IsNullOrWhiteSpace(model))
            {
                failures.Add($"AgentCost:Pricing:Aliases:{alias} must name a model.");
            }
        }
    }

    public static void ValidateSpending(SpendingOptions? spending, List<string> failures)
    {
        if (spending is null)
        {
            failures.Add("AgentCost:Spending must not be null.");
            return;
        }

        if (string.IsNullOrWhiteSpace(spending.TimeZone))
        {
            failures.Add("AgentCost:Spending:TimeZone must name a time zone, for example 'UTC' or 'Europe/Berlin'.");
        }
        else
        {
            try
            {
                TimeZoneInfo.FindSystemTimeZoneById(spending.TimeZone);
            }
            catch (Exception exception) when (exception is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                failures.Add($"AgentCost:Spending:TimeZone '{spending.TimeZone}' is not a time zone this system knows (IANA ids such as 'Europe/Berlin', or Windows ids): {exception.Message}");
            }
        }

        if (spending.DayResetHour is < 0 or > 23)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"AgentCost:Spending:DayResetHour must be an hour from 0 to 23, but was {spending.DayResetHour}."));
        }

        for (var i = 0; i < (spending.AlertThresholds?.Count ?? 0); i++)
        {
            var threshold = spending.AlertThresholds![i];
            if (threshold is <= 0 or > 1)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"AgentCost:Spending:AlertThresholds:{i} must be above 0 and at most 1 (a fraction of the limit), but was {threshold}."));
            }
        }

        if (spending.FallbackMaxOutputTokens <= 0)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"AgentCost:Spending:FallbackMaxOutputTokens must be positive, but was {spending.FallbackMaxOutputTokens}."));
        }

        if (!Enum.IsDefined(spending.OutputLimitPolicy))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"AgentCost:Spending:OutputLimitPolicy must be Clamp or Refuse, but was {(int)spending.OutputLimitPolicy}."));
        }

        // A timer cannot wait longer than about 49 days.
        if (spending.StreamLease <= TimeSpan.Zero || spending.StreamLease > TimeSpan.FromDays(30))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"AgentCost:Spending:StreamLease must be above zero and at most 30 days, but was {spending.StreamLease}."));
        }

        if (spending.ReservationWait < TimeSpan.Zero || spending.ReservationWait > TimeSpan.FromHours(1))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"AgentCost:Spending:ReservationWait must be from zero to one hour, but was {spending.ReservationWait}."));
        }

        if (spending.InMemoryLedgerCapacity <= 0)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"AgentCost:Spending:InMemoryLedgerCapacity must be positive, but was {spending.InMemoryLedgerCapacity}."));
        }

        var budgets = spending.Budgets;
        if (budgets is null)
        {
            failures.Add("AgentCost:Spending:Budgets must not be null.");
            return;
        }

        ValidateLimit("AgentCost:Spending:Budgets:Global", budgets.Global, failures);
        foreach (var (scope, limits) in new[] { ("Models", budgets.Models), ("Tenants", budgets.Tenants), ("Methods", budgets.Methods) })
        {
            foreach (var (key, limit) in limits ?? [])
            {
                if (string.IsNullOrWhiteSpace(key))
                {
                    failures.Add($"AgentCost:Spending:Budgets:{scope} must not have an empty key.");
                }
                else
                {
                    ValidateLimit($"AgentCost:Spending:Budgets:{scope}:{key}", limit, failures);
                }
            }
        }
    }

    /// <summary>
    /// Checks that every model a setting names has a price: an alias's target, a model budget's model, and — when spend
    /// budgets refuse unpriced calls — every routing deployment's model. Each would otherwise be accepted and then record
    /// its calls as unpriced or refuse every one of them at run time.
    /// </summary>
    public static void ValidatePriceCoverage(AgentCostOptions options, List<string> failures)
    {
        PriceCatalog prices;
        try
        {
            prices = PriceCatalog.Create(options.Pricing);
        }
        catch (ArgumentException)
        {
            return; // An invalid price is reported by ValidatePricing.
        }

        foreach (var (alias, model) in options.Pricing.Aliases ?? [])
        {
            if (!string.IsNullOrWhiteSpace(alias) && !string.IsNullOrWhiteSpace(model) && prices.Find(alias) is null)
            {
                failures.Add($"AgentCost:Pricing:Aliases:{alias} names '{model}', which has no price, so calls to '{alias}' would be recorded as unpriced. "
                    + $"Name a priced model, or add AgentCost:Pricing:Models:{model}:Input and :Output.");
            }
        }

        var spending = options.Spending;
        foreach (var (model, limit) in spending?.Budgets?.Models ?? [])
        {
            if (model != "*" && !string.IsNullOrWhiteSpace(model) && limit is { } && (limit.Daily is not null || limit.Monthly is not null) && prices.Find(model) is null)
            {
                failures.Add($"AgentCost:Spending:Budgets:Models:{model} limits a model that has no price, so the budget could not hold its calls: each would be refused (or, with RefuseUnpricedInBudgets = false, charge nothing). "
                    + $"Add AgentCost:Pricing:Models:{model}:Input and :Output, or map it to a priced model with AgentCost:Pricing:Aliases:{model}.");
            }
        }

        if (spending is null || !spending.Enabled || !options.Pricing.RefuseUnpricedInBudgets || !HasAnyLimit(spending.Budgets))
        {
            return;
        }

        foreach (var (tier, tierOptions) in options.Routing?.Tiers ?? [])
        {
            for (var i = 0; i < (tierOptions?.Deployments?.Count ?? 0); i++)
            {
                var model = tierOptions!.Deployments[i]?.Model;
                if (!string.IsNullOrWhiteSpace(model) && prices.Find(model) is null)
                {
                    failures.Add($"AgentCost:Routing:Tiers:{tier}:Deployments:{i}:Model '{model}' has no price, and spend budgets are configured: every call routed to it inside a budget would be refused. "
                        + $"Add AgentCost:Pricing:Models:{model}:Input and :Output (0 for a free local model), or map it with AgentCost:Pricing:Aliases:{model}.");
                }
            }
        }
    }

    private static bool HasAnyLimit(SpendBudgetOptions? budgets)
    {
        static bool Set(SpendLimit? limit) => limit is { } && (limit.Daily is not null || limit.Monthly is not null);
        return budgets is not null
            && (Set(budgets.Global)
                || (budgets.Models ?? []).Values.Any(Set)
                || (budgets.Tenants ?? []).Values.Any(Set)
                || (budgets.Methods ?? []).Values.Any(Set));
    }

    private static void ValidateLimit(string key, SpendLimit? limit, List<string> failures)
    {
        if (limit is null)
        {
            return;
        }

        foreach (var (name, value) in new[] { ("Daily", limit.Daily), ("Monthly", limit.Monthly) })
        {
            if (value is < 0)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{key}:{name} must not be negative, but was {value} (US dollars)."));
            }
            else if (value > MaxLimit)
            {
                // Budgets count in Money units, which hold about $230 million: a larger limit would silently become that.
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{key}:{name} must be at most 200,000,000 US dollars, but was {value}."));
            }
        }
    }
}
