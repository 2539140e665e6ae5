using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace AgentCost.Caching;

/// <summary>How records and classes are serialised when they are part of a cache key.</summary>
internal static class KeySerialization
{
    /// <summary>
    /// Reflection-based where the application allows reflection serialisation; otherwise empty, so that a trimmed or
    /// native AOT application must pass its source-generated resolver to the runtime for record and class arguments.
    /// Public fields are part of the contract: a type whose state is in public fields would otherwise key every value alike.
    /// </summary>
    public static JsonSerializerOptions DefaultOptions { get; } = CreateDefault();

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Reflection is only used when the application enables reflection-based serialisation; trimmed and AOT applications disable it and the branch is removed.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "As above: the reflection resolver is only created when reflection-based serialisation is enabled.")]
    private static JsonSerializerOptions CreateDefault()
    {
        var options = new JsonSerializerOptions { IncludeFields = true };
        options.TypeInfoResolver = JsonSerializer.IsReflectionEnabledByDefault
            ? new DefaultJsonTypeInfoResolver()
            : JsonTypeInfoResolver.Combine();
        options.MakeReadOnly();
        return options;
    }
}
