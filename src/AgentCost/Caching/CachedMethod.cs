namespace AgentCost.Caching;

/// <summary>
/// A method as the result cache knows it: the name its statistics and errors use, the canonical encoding of its
/// identity that starts every key, and its time to live. Built once per method by whoever describes it (the
/// interception layer's descriptor), so that the cache needs nothing from the layers above it.
/// </summary>
internal sealed class CachedMethod
{
    private readonly int _ttlSeconds;

    /// <summary>Encodes a method's identity.</summary>
    /// <param name="declaringType">The declaring type's full name.</param>
    /// <param name="name">The method name, with its type arguments for a constructed generic method.</param>
    /// <param name="parameterTypes">The fully qualified type of each parameter, in order.</param>
    /// <param name="displayName">How statistics, metrics and errors name the method.</param>
    /// <param name="ttlSeconds">Time to live in seconds; <c>0</c> for the configured default; refused when negative, on first use.</param>
    /// <param name="version">The method's cache version, part of every key.</param>
    public CachedMethod(string declaringType, string name, IReadOnlyList<string> parameterTypes, string displayName, int ttlSeconds, int version)
    {
        DisplayName = displayName;
        _ttlSeconds = ttlSeconds;
        IdentityBytes = EncodeIdentity(declaringType, name, parameterTypes, version);
    }

    /// <summary><c>DeclaringType.Name</c>.</summary>
    public string DisplayName { get; }

    /// <summary>The canonical encoding of the identity that starts every cache key of this method.</summary>
    public byte[] IdentityBytes { get; }

    /// <summary>The time to live of the method's entries, given the configured default.</summary>
    /// <exception cref="InvalidOperationException">The time to live is negative.</exception>
    public TimeSpan GetTimeToLive(TimeSpan defaultTtl) => TimeToLive(_ttlSeconds, defaultTtl, DisplayName);

    /// <summary>The time to live <paramref name="ttlSeconds"/> gives, given the configured default.</summary>
    /// <exception cref="InvalidOperationException"><paramref name="ttlSeconds"/> is negative.</exception>
    public static TimeSpan TimeToLive(int ttlSeconds, TimeSpan defaultTtl, string method)
    {
        if (ttlSeconds < 0)
        {
            throw new InvalidOperationException(
                $"[Cached(TtlSeconds = {ttlSeconds})] on '{method}' is invalid: the time to live must be 0 (the configured default) or positive.");
        }

        return ttlSeconds == 0 ? defaultTtl : TimeSpan.FromSeconds(ttlSeconds);
    }

    // Length-prefixed fields: no two distinct identities encode to the same bytes.
    private static byte[] EncodeIdentity(string declaringType, string name, IReadOnlyList<string> parameterTypes, int version)
    {
        var writer = new CanonicalWriter(256);
        writer.WriteString(declaringType);
        writer.WriteString(name);
        writer.WriteInt32(parameterTypes.Count);
        foreach (var type in parameterTypes)
        {
            writer.WriteString(type);
        }

        writer.WriteInt32(version);
        var bytes = writer.WrittenSpan.ToArray();
        writer.Dispose();
        return bytes;
    }
}
