namespace AgentCost.Spending;

/// <summary>Where days and months begin: a time zone and the hour of the day at which a day starts.</summary>
internal sealed class SpendCalendar
{
    private readonly TimeZoneInfo _zone;
    private readonly int _resetHour;

    public SpendCalendar(TimeZoneInfo zone, int resetHour)
    {
        _zone = zone;
        _resetHour = resetHour;
    }

    public TimeZoneInfo Zone => _zone;

    /// <summary>The period containing <paramref name="instant"/>: its start (inclusive) and end (exclusive).</summary>
    public (DateTimeOffset Start, DateTimeOffset End) PeriodOf(SpendPeriod period, DateTimeOffset instant)
    {
        var day = DayOf(instant);
        if (period == SpendPeriod.Day)
        {
            return (StartOf(day), StartOf(day.AddDays(1)));
        }

        var first = new DateOnly(day.Year, day.Month, 1);
        return (StartOf(first), StartOf(first.AddMonths(1)));
    }

    /// <summary>The spend day <paramref name="instant"/> belongs to: its local date, less a day before the reset hour.</summary>
    public DateOnly DayOf(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, _zone);
        var date = DateOnly.FromDateTime(local.DateTime);
        return local.Hour < _resetHour ? date.AddDays(-1) : date;
    }

    /// <summary>The instant a spend day starts: the reset hour of its date, local time.</summary>
    public DateTimeOffset StartOf(DateOnly day)
    {
        var local = day.ToDateTime(new TimeOnly(_resetHour, 0), DateTimeKind.Unspecified);

        // A reset hour skipped by a daylight-saving change starts the day when the clock resumes; one that happens twice
        // starts it the first time.
        while (_zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        var offset = _zone.IsAmbiguousTime(local) ? _zone.GetAmbiguousTimeOffsets(local).Max() : _zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }
}
