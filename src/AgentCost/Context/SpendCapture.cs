namespace AgentCost;

/// <summary>
/// Sums the cost of the model calls settled in an asynchronous flow: the result cache opens one while a miss runs a
/// <c>[Cached]</c> method, and the semantic cache while a miss goes to the model, to learn what a later hit saves. Captures nest: a call charges every enclosing one.
/// </summary>
internal sealed class SpendCapture
{
    private static readonly AsyncLocal<SpendCapture?> s_current = new();

    private readonly SpendCapture? _parent;
    private long _units;

    private SpendCapture(SpendCapture? parent) => _parent = parent;

    public static SpendCapture? Current => s_current.Value;

    public long Units => Volatile.Read(ref _units);

    public static SpendCapture Begin(out SpendCapture? previous)
    {
        previous = s_current.Value;
        var capture = new SpendCapture(previous);
        s_current.Value = capture;
        return capture;
    }

    /// <summary>Makes <paramref name="capture"/> current again on a flow that left it: the next read of a stream.</summary>
    public static void Resume(SpendCapture capture, out SpendCapture? previous)
    {
        previous = s_current.Value;
        s_current.Value = capture;
    }

    public static void End(SpendCapture capture, SpendCapture? previous)
    {
        if (ReferenceEquals(s_current.Value, capture))
        {
            s_current.Value = previous;
        }
    }

    public void Add(long units)
    {
        for (var capture = this; capture is not null; capture = capture._parent)
        {
            Interlocked.Add(ref capture._units, units);
        }
    }
}
