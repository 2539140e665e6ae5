using System.ClientModel.Primitives;
using System.Globalization;

namespace AgentCost.Routing;

/// <summary>
/// Reads a provider's pause from its response headers: <c>retry-after-ms</c> (OpenAI, Azure OpenAI), else
/// <c>Retry-After</c> as seconds or as an HTTP date (RFC 9110, section 10.2.3).
/// </summary>
/// <remarks>
/// It runs inside an exception filter, where an exception would let the provider's error escape with no fallback and
/// no cooldown, so it never throws: a value that is not a finite number or a date (<c>NaN</c>, <c>Infinity</c>, text)
/// or that is not in the future is no pause (the router's own cooldown applies), and one beyond
/// <c>AgentCost:Routing:MaxRetryAfter</c> is cut to it before a <see cref="TimeSpan"/> is made of it.
/// </remarks>
internal static class RetryAfter
{
    /// <summary>The pause the headers ask for, at most <paramref name="max"/>; <see langword="null"/> when they ask for none that can be read.</summary>
    /// <param name="headers">The response headers.</param>
    /// <param name="now">The clock's current time, for the date form.</param>
    /// <param name="max">The longest pause honoured (<c>AgentCost:Routing:MaxRetryAfter</c>).</param>
    public static TimeSpan? Read(PipelineResponseHeaders? headers, DateTimeOffset now, TimeSpan max)
    {
        if (headers is null)
        {
            return null;
        }

        if (headers.TryGetValue("retry-after-ms", out var ms) && TryParseNumber(ms, out var millis))
        {
            return Clamp(millis / 1000, max);
        }

        if (!headers.TryGetValue("Retry-After", out var value) || string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (TryParseNumber(value, out var seconds))
        {
            return Clamp(seconds, max);
        }

        // The HTTP-date form; RFC 1123 ("r") is what servers send, other forms are read leniently as UTC.
        if (DateTimeOffset.TryParseExact(value.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            || DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date))
        {
            return Clamp((date - now).TotalSeconds, max);
        }

        return null;
    }

    private static bool TryParseNumber(string? text, out double value)
        => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private static TimeSpan? Clamp(double seconds, TimeSpan max)
    {
        if (!(seconds > 0))
        {
            return null;
        }

        // Compared as seconds first: TimeSpan.FromSeconds throws beyond about 29,000 years.
        return seconds >= max.TotalSeconds ? max : TimeSpan.FromSeconds(seconds);
    }
}
