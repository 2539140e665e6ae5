using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace AgentCost.Interception;

/// <summary>
/// The settings of a <see cref="SemanticCachedAttribute"/> as a generated descriptor carries them: where the prompt is
/// among the arguments the entry point receives, and the attribute's time to live, version and threshold.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class SemanticCachePolicy
{
    /// <summary>Creates a policy.</summary>
    /// <param name="promptArgument">The position of the prompt (a <see cref="string"/>) in the tuple of receiver and arguments.</param>
    /// <param name="ttlSeconds">Time to live in seconds; <c>0</c> uses the configured default.</param>
    /// <param name="version">The method's cache version, part of every key.</param>
    /// <param name="threshold">The similarity from which a cached prompt is a candidate, in (0, 1]; <c>0</c> uses the configured threshold.</param>
    public SemanticCachePolicy(int promptArgument, int ttlSeconds = 0, int version = 0, double threshold = 0)
    {
        // Invalid values are refused when the method is first called, where the error can name the method: a
        // descriptor is a static field of the generated code, and a throwing initializer would break them all.
        PromptArgument = promptArgument;
        TtlSeconds = ttlSeconds;
        Version = version;
        Threshold = threshold;
    }

    /// <summary>The position of the prompt in the packed arguments.</summary>
    public int PromptArgument { get; }

    /// <summary>Time to live in seconds; <c>0</c> means the configured default.</summary>
    public int TtlSeconds { get; }

    /// <summary>The method's cache version.</summary>
    public int Version { get; }

    /// <summary>The similarity threshold; <c>0</c> means the configured one.</summary>
    public double Threshold { get; }

    /// <summary>The prompt text of one call, or <see langword="null"/> when the argument is null or not text.</summary>
    internal string? GetPrompt<TArgs>(TArgs args)
        // Read through ITuple (which boxes a value tuple) only on the way to an embedding, which costs far more.
        => args is ITuple tuple && PromptArgument >= 0 && PromptArgument < tuple.Length ? tuple[PromptArgument] as string : null;

    /// <summary>The threshold this policy gives, given the configured one.</summary>
    /// <exception cref="InvalidOperationException"><see cref="Threshold"/> is neither 0 nor in (0, 1].</exception>
    internal float GetThreshold(float configured, string method)
    {
        if (!(Threshold >= 0 && Threshold <= 1))
        {
            throw new InvalidOperationException(
                $"[SemanticCached(Threshold = {Threshold})] on '{method}' is invalid: the threshold must be 0 (the configured one) or in (0, 1].");
        }

        return Threshold == 0 ? configured : (float)Threshold;
    }
}
