namespace AgentCost.Caching;

/// <summary>
/// The built-in <see cref="ISemanticIndex"/>: an <see cref="ExactSemanticIndex"/> while the partition is small, an
/// <see cref="HnswSemanticIndex"/> once it holds more than a switch-over count of entries, and exact again when it
/// shrinks to a quarter of that count.
/// </summary>
/// <remarks>
/// <para>Below the switch-over count an exact scan is both exact and about as fast as the graph (docs/semantic-cache.md);
/// above it a scan grows with every entry while a lookup in the graph stays near constant. The quarter on the way back
/// keeps a partition that hovers around the count from moving at every addition.</para>
/// <para>A move copies every vector into the new index while additions and removals wait; searches go on in the old
/// index until the new one takes over, so they never wait for a move.</para>
/// </remarks>
public sealed class AdaptiveSemanticIndex : ISemanticIndex
{
    /// <summary>The default count of entries above which the index moves to the approximate graph: 10,000.</summary>
    public const int DefaultSwitchOverCount = 10_000;

    private readonly Lock _writeLock = new();
    private readonly int _switchOverCount;
    private ISemanticIndex _current;

    /// <summary>Creates an empty index, an exact scan until it holds more than <paramref name="switchOverCount"/> entries.</summary>
    /// <param name="dimensions">The length of every vector.</param>
    /// <param name="switchOverCount">The count of entries above which the index is approximate; 0 for approximate from the first entry.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimensions"/> is not positive, or <paramref name="switchOverCount"/> is negative.</exception>
    public AdaptiveSemanticIndex(int dimensions, int switchOverCount = DefaultSwitchOverCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(switchOverCount);
        _current = new ExactSemanticIndex(dimensions);
        _switchOverCount = switchOverCount;
    }

    /// <inheritdoc />
    public int Dimensions => _current.Dimensions;

    /// <inheritdoc />
    public int Count => Volatile.Read(ref _current).Count;

    /// <summary>Whether lookups currently go to the approximate graph rather than an exact scan.</summary>
    public bool IsApproximate => Volatile.Read(ref _current) is HnswSemanticIndex;

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="vector"/> holds NaN or infinity.</exception>
    public void Add(long id, ReadOnlySpan<float> vector)
    {
        lock (_writeLock)
        {
            _current.Add(id, vector);
            if (_current is ExactSemanticIndex exact && exact.Count > _switchOverCount)
            {
                var approximate = new HnswSemanticIndex(Dimensions);
                exact.CopyTo(approximate);
                Volatile.Write(ref _current, approximate);
            }
        }
    }

    /// <inheritdoc />
    public bool Remove(long id)
    {
        lock (_writeLock)
        {
            if (!_current.Remove(id))
            {
                return false;
            }

            if (_current is HnswSemanticIndex approximate && approximate.Count < _switchOverCount / 4)
            {
                var exact = new ExactSemanticIndex(Dimensions);
                approximate.CopyTo(exact);
                Volatile.Write(ref _current, exact);
            }

            return true;
        }
    }

    /// <inheritdoc />
    public int Search(ReadOnlySpan<float> query, Span<SemanticMatch> matches) => Volatile.Read(ref _current).Search(query, matches);

    /// <summary>Does nothing: the indexes it moves between hold only managed memory.</summary>
    public void Dispose()
    {
    }
}
