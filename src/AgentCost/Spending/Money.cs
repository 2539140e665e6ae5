using System.Globalization;

namespace AgentCost.Spending;

/// <summary>
/// Money inside the runtime: whole units of 10⁻¹⁰ US dollars in a <see langword="long"/>, so that budgets can be
/// changed with <see cref="Interlocked"/> operations and every price with up to four decimals per million tokens is
/// exact per token. Public APIs take and return <see langword="decimal"/> dollars.
/// </summary>
internal static class Money
{
    /// <summary>Units in one US dollar.</summary>
    public const long UnitsPerDollar = 10_000_000_000;

    /// <summary>Units per token for a price of one dollar per million tokens.</summary>
    public const decimal UnitsPerTokenPerDollarPerMillion = UnitsPerDollar / 1_000_000m;

    /// <summary>The most a sum of units may hold: about 230 million dollars (limits are held to 200 million).</summary>
    public const long MaxUnits = long.MaxValue / 4;

    /// <summary>Dollars to units, rounded up so that a cost is never understated; saturates at <see cref="MaxUnits"/>.</summary>
    public static long FromDollars(decimal dollars)
    {
        if (dollars <= 0)
        {
            return 0;
        }

        var units = decimal.Ceiling(dollars * UnitsPerDollar);
        return units >= MaxUnits ? MaxUnits : (long)units;
    }

    /// <summary>Units (fractional, as computed from per-token rates) to whole units, rounded up.</summary>
    public static long Ceiling(decimal units)
    {
        if (units <= 0)
        {
            return 0;
        }

        var whole = decimal.Ceiling(units);
        return whole >= MaxUnits ? MaxUnits : (long)whole;
    }

    /// <summary>Units to dollars: exact, and without a decimal division (the units become the mantissa, scale 10).</summary>
    public static decimal ToDollars(long units)
    {
        var negative = units < 0;
        var magnitude = negative ? (ulong)-units : (ulong)units;
        return new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), 0, negative, 10);
    }

    /// <summary>Formats dollars for messages: <c>$12.34</c>, or more decimals for small amounts (<c>$0.000123</c>).</summary>
    public static string Format(decimal dollars) => "$" + dollars.ToString(
        Math.Abs(dollars) >= 1m ? "#,##0.00##" : "0.00####", CultureInfo.InvariantCulture);

    /// <summary>Formats units as dollars.</summary>
    public static string Format(long units) => Format(ToDollars(units));
}
