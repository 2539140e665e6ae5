using System.Numerics.Tensors;

namespace AgentCost.Caching;

/// <summary>
/// An <see cref="ISemanticIndex"/> that compares the query with every vector: exact, and the fastest choice while a
/// partition holds a few thousand entries.
/// </summary>
/// <remarks>
/// <para>The vectors sit in one contiguous array, row after row, and a search is one vectorised dot product per row
/// (<see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>) with the best matches kept in a
/// heap laid out in the caller's span: no allocation. Searches share a read lock and run side by side; an addition or
/// removal waits for the searches under way and holds them off while it moves rows.</para>
/// <para><see cref="Add"/> rejects a vector that holds NaN or infinity (<see cref="ArgumentException"/>), and a search
/// with such a query finds nothing.</para>
/// </remarks>
public sealed class ExactSemanticIndex : ISemanticIndex
{
    private const int InitialRows = 16;

    // Never disposed: an index replaced by a larger one (AdaptiveSemanticIndex) may still be searched by a thread
    // that picked it up just before, and disposing a lock that is held throws.
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<long, int> _rows = [];
    private float[] _vectors;
    private long[] _ids;
    private int _count;

    /// <summary>Creates an empty index.</summary>
    /// <param name="dimensions">The length of every vector.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimensions"/> is not positive.</exception>
    public ExactSemanticIndex(int dimensions)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions);
        Dimensions = dimensions;
        _vectors = new float[dimensions * InitialRows];
        _ids = new long[InitialRows];
    }

    /// <inheritdoc />
    public int Dimensions { get; }

    /// <inheritdoc />
    public int Count => Volatile.Read(ref _count);

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="vector"/> holds NaN or infinity.</exception>
    public void Add(long id, ReadOnlySpan<float> vector)
    {
        SemanticIndexVectors.CheckStorable(Dimensions, vector, nameof(vector));
        _lock.EnterWriteLock();
        try
        {
            if (!_rows.TryGetValue(id, out var row))
            {
                row = _count;
                if (row == _ids.Length)
                {
                    var rows = checked(row * 2);
                    Array.Resize(ref _ids, rows);
                    Array.Resize(ref _vectors, checked(rows * Dimensions));
                }

                _ids[row] = id;
                _rows[id] = row;
                Volatile.Write(ref _count, row + 1);
            }

            vector.CopyTo(Row(row));
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <inheritdoc />
    public bool Remove(long id)
    {
        _lock.EnterWriteLock();
        try
        {
            if (!_rows.Remove(id, out var row))
            {
                return false;
            }

            // The last row fills the hole, so the rows stay dense for the scan.
            var last = _count - 1;
            if (row != last)
            {
                Row(last).CopyTo(Row(row));
                _ids[row] = _ids[last];
                _rows[_ids[row]] = row;
            }

            Volatile.Write(ref _count, last);
            return true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <inheritdoc />
    public int Search(ReadOnlySpan<float> query, Span<SemanticMatch> matches)
    {
        if (!SemanticIndexVectors.IsSearchable(Dimensions, query, matches, nameof(query)))
        {
            return 0;
        }

        _lock.EnterReadLock();
        try
        {
            var dimensions = Dimensions;
            var vectors = _vectors;
            var ids = _ids;
            var found = 0;
            for (var row = 0; row < _count; row++)
            {
                var similarity = TensorPrimitives.Dot(query, new ReadOnlySpan<float>(vectors, row * dimensions, dimensions));
                SemanticMatchHeap.Offer(matches, ref found, new SemanticMatch(ids[row], similarity));
            }

            SemanticMatchHeap.SortDescending(matches, found);
            return found;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Does nothing: the index holds only managed memory.</summary>
    public void Dispose()
    {
    }

    /// <summary>Adds every entry of this index to <paramref name="target"/>, for a move to another kind of index.</summary>
    internal void CopyTo(ISemanticIndex target)
    {
        _lock.EnterReadLock();
        try
        {
            for (var row = 0; row < _count; row++)
            {
                target.Add(_ids[row], Row(row));
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private Span<float> Row(int row) => _vectors.AsSpan(row * Dimensions, Dimensions);
}
