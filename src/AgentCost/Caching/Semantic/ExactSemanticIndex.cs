using System.Numerics.Tensors;

namespace AgentCost.Caching;

/// <summary>
/// An <see cref="ISemanticIndex"/> that compares the query with every vector: exact, and the fastest choice while a
/// partition holds a few thousand entries.
/// </summary>
public sealed class ExactSemanticIndex : ISemanticIndex
{
    private readonly Lock _lock = new();
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
        _vectors = new float[dimensions * 16];
        _ids = new long[16];
    }

    /// <inheritdoc />
    public int Dimensions { get; }

    /// <inheritdoc />
    public int Count => Volatile.Read(ref _count);

    /// <inheritdoc />
    public void Add(long id, ReadOnlySpan<float> vector)
    {
        CheckLength(vector);
        lock (_lock)
        {
            if (!_rows.TryGetValue(id, out var row))
            {
                row = _count;
                if (row == _ids.Length)
                {
                    Array.Resize(ref _ids, row * 2);
                    Array.Resize(ref _vectors, row * 2 * Dimensions);
                }

                _ids[row] = id;
                _rows[id] = row;
                _count = row + 1;
            }

            vector.CopyTo(_vectors.AsSpan(row * Dimensions, Dimensions));
        }
    }

    /// <inheritdoc />
    public bool Remove(long id)
    {
        lock (_lock)
        {
            if (!_rows.Remove(id, out var row))
            {
                return false;
            }

            // The last row fills the hole, so the rows stay dense for the scan.
            var last = _count - 1;
            if (row != last)
            {
                _vectors.AsSpan(last * Dimensions, Dimensions).CopyTo(_vectors.AsSpan(row * Dimensions, Dimensions));
                _ids[row] = _ids[last];
                _rows[_ids[row]] = row;
            }

            _count = last;
            return true;
        }
    }

    /// <inheritdoc />
    public int Search(ReadOnlySpan<float> query, Span<SemanticMatch> matches)
    {
        CheckLength(query);
        if (matches.IsEmpty)
        {
            return 0;
        }

        lock (_lock)
        {
            var found = 0;
            for (var row = 0; row < _count; row++)
            {
                var similarity = TensorPrimitives.Dot(query, _vectors.AsSpan(row * Dimensions, Dimensions));
                if (found == matches.Length && similarity <= matches[found - 1].Similarity)
                {
                    continue;
                }

                // Insertion into the few best so far, most similar first.
                var at = found < matches.Length ? found++ : found - 1;
                while (at > 0 && matches[at - 1].Similarity < similarity)
                {
                    matches[at] = matches[at - 1];
                    at--;
                }

                matches[at] = new SemanticMatch(_ids[row], similarity);
            }

            return found;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private void CheckLength(ReadOnlySpan<float> vector)
    {
        if (vector.Length != Dimensions)
        {
            throw new ArgumentException($"The vector has {vector.Length} dimensions; this index holds vectors of {Dimensions}.", nameof(vector));
        }
    }
}
