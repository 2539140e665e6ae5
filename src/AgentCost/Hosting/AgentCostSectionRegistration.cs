using System.Diagnostics.CodeAnalysis;

namespace AgentCost.Hosting;

/// <summary>
/// Declares a section under <c>AgentCost</c> that another package reads (the SQLite ledger reads
/// <c>AgentCost:Ledger:Sqlite</c>), so that the start-up check of the configuration knows its keys: without the
/// declaration its keys are reported as unknown, and with it a misspelled key under it is.
/// </summary>
/// <remarks>Register one as a singleton: <c>services.AddSingleton(new AgentCostSectionRegistration("Ledger:Sqlite", typeof(MyOptions)))</c>.</remarks>
public sealed class AgentCostSectionRegistration
{
    /// <summary>Creates the declaration.</summary>
    /// <param name="path">The section's path below <c>AgentCost</c>, <c>:</c>-separated, for example <c>Ledger:Sqlite</c>.</param>
    /// <param name="optionsType">The type the section is bound to; its public properties are the section's keys.</param>
    public AgentCostSectionRegistration(string path, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type optionsType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(optionsType);
        Path = path;
        OptionsType = optionsType;
    }

    /// <summary>The section's path below <c>AgentCost</c>.</summary>
    public string Path { get; }

    /// <summary>The type the section is bound to.</summary>
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)]
    public Type OptionsType { get; }
}
