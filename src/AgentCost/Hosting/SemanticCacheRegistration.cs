using System.Globalization;
using AgentCost.Caching;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AgentCost.Hosting;

/// <summary>
/// The settings of the semantic cache behind <see cref="SemanticCachedAttribute"/>: <see cref="SemanticCacheOptions"/>
/// bound from <c>AgentCost:SemanticCache</c>, changed in code with <c>services.Configure&lt;SemanticCacheOptions&gt;</c>
/// (its verifier and index are set there), and validated at start-up with each failure naming its key.
/// </summary>
/// <remarks>
/// The section is bound through <see cref="Section"/>, which holds only the keys configuration can set: the options'
/// verifier and index factory are an interface and a delegate, which the configuration binder cannot create. The section
/// is declared with an <see cref="AgentCostSectionRegistration"/>, so its keys are checked like the others.
/// </remarks>
internal static class SemanticCacheRegistration
{
    /// <summary>The section's path below <c>AgentCost</c>.</summary>
    public const string SectionName = "SemanticCache";

    public static void Register(IServiceCollection services)
    {
        if (services.Any(static d => d.ImplementationInstance is AgentCostSectionRegistration { Path: SectionName }))
        {
            return;
        }

        services.AddSingleton(new AgentCostSectionRegistration(SectionName, typeof(Section)));
        services.AddOptions<SemanticCacheOptions>()
            .Configure<IServiceProvider>(static (options, provider) =>
            {
                if (AgentCostConfiguration.Resolve(provider)?.GetSection(SectionName) is { } section && section.GetChildren().Any())
                {
                    var bound = new Section();
                    section.Bind(bound);
                    bound.ApplyTo(options);
                }
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SemanticCacheOptions>, Validator>());
    }

    /// <summary>Adds a failure, naming its key, for each setting the semantic cache would refuse.</summary>
    public static void Validate(SemanticCacheOptions options, List<string> failures)
    {
        const string Prefix = AgentCostOptions.SectionName + ":" + SectionName + ":";
        if (!(options.Threshold > 0f && options.Threshold <= 1f))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Prefix}Threshold must be greater than 0 and at most 1, but was {options.Threshold}."));
        }

        if (options.TimeToLive <= TimeSpan.Zero || options.TimeToLive > ResultCacheOptions.MaxDefaultTtl)
        {
            failures.Add($"{Prefix}TimeToLive must be positive and at most '{ResultCacheOptions.MaxDefaultTtl}', but was '{options.TimeToLive}'.");
        }

        if (options.MaxEntries < 1)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Prefix}MaxEntries must be at least 1, but was {options.MaxEntries}."));
        }

        if (options.MaxBytes < 1)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Prefix}MaxBytes must be at least 1, but was {options.MaxBytes}."));
        }

        if (options.MaxCandidates < 1)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Prefix}MaxCandidates must be at least 1, but was {options.MaxCandidates}."));
        }
    }

    /// <summary>The keys of <c>AgentCost:SemanticCache</c>; each left unset keeps the option's value.</summary>
    internal sealed class Section
    {
        public float? Threshold { get; set; }

        public TimeSpan? TimeToLive { get; set; }

        public int? MaxEntries { get; set; }

        public long? MaxBytes { get; set; }

        public int? MaxCandidates { get; set; }

        public void ApplyTo(SemanticCacheOptions options)
        {
            options.Threshold = Threshold ?? options.Threshold;
            options.TimeToLive = TimeToLive ?? options.TimeToLive;
            options.MaxEntries = MaxEntries ?? options.MaxEntries;
            options.MaxBytes = MaxBytes ?? options.MaxBytes;
            options.MaxCandidates = MaxCandidates ?? options.MaxCandidates;
        }
    }

    private sealed class Validator : IValidateOptions<SemanticCacheOptions>
    {
        public ValidateOptionsResult Validate(string? name, SemanticCacheOptions options)
        {
            var failures = new List<string>();
            SemanticCacheRegistration.Validate(options, failures);
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
