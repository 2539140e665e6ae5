using Microsoft.Extensions.Options;

namespace AgentCost.Hosting;

/// <summary>Checks settings at start-up; each failure names its configuration key.</summary>
internal sealed class AgentCostOptionsValidator : IValidateOptions<AgentCostOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentCostOptions options)
    {
        var failures = new List<string>();
        if (options.Cache is null)
        {
            failures.Add("AgentCost:Cache must not be null.");
        }
        else if (options.Cache.DefaultTtl <= TimeSpan.Zero)
        {
            failures.Add($"AgentCost:Cache:DefaultTtl must be positive, but was '{options.Cache.DefaultTtl}'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> when <paramref name="options"/> are invalid.</summary>
    public static void ThrowIfInvalid(AgentCostOptions options)
    {
        var result = new AgentCostOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(AgentCostOptions), result.Failures);
        }
    }
}
