using System.Numerics.Tensors;

namespace AgentCost.Caching;

/// <summary>
/// An approximate <see cref="ISemanticIndex"/>: a hierarchical navigable small-world graph (HNSW, Malkov and Yashunin,
/// 2016) in managed code, for partitions too large to scan on every lookup.
/// </summary>
/// <remarks>
/// <para>A search walks the graph from its top level down and compares the query with a few thousand vectors instead of
/// all of them, so it may miss the true nearest neighbour (docs/semantic-cache.md gives the recall measured at 100,000
/// entries). The similarity it reports is always the exact dot product of the query with the stored vector, never an
/// estimate, so it is never higher than the true one.</para>
/// <para>Searches share a read lock and run side by side without allocating; an addition or removal holds them off
/// while it links a vector into the graph. A removed entry stays in the graph as a waypoint, left out of every result,
/// and its place is taken by the next vector added, which is linked in again.</para>
/// <para>With quantisation (the default) the graph is built and walked on int8 copies of the vectors, a quarter of the
/// bytes to read per comparison; the candidates a lookup ends with are then compared again in full precision, so the
/// order and the similarities it reports are exact among them. Quantisation costs one byte per dimension more per
/// entry, since the full vectors are kept for that last comparison.</para>
/// <para><see cref="Add"/> rejects a vector that holds NaN or infinity (<see cref="ArgumentException"/>), and a search
/// with such a query finds nothing.</para>
/// </remarks>
public sealed class HnswSemanticIndex : ISemanticIndex
{
    /// <summary>The default most links of a vector on each level above the lowest (M); the lowest has twice as many.</summary>
    public const int DefaultMaxConnections = 16;

    /// <summary>The default breadth of the search that links a new vector (efConstruction).</summary>
    public const int DefaultConstructionBreadth = 128;

    /// <summary>The default breadth of a lookup (ef): how many candidates are kept while the graph is walked.</summary>
    public const int DefaultSearchBreadth = 192;

    private const int PageShift = 10;
    private const int PageRows = 1 << PageShift;
    private const int PageMask = PageRows - 1;
    private const int MaxLevel = 15;

    [ThreadStatic]
    private static Scratch? t_scratch;

    // Never disposed, for the reason ExactSemanticIndex gives.
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<long, int> _slots = [];
    private readonly Stack<int> _free = new();

    // Seeded, so that the same additions build the same graph.
    private readonly Random _random = new(0x5EED);
    private readonly int _maxConnections;
    private readonly int _maxConnections0;
    private readonly int _constructionBreadth;
    private readonly int _searchBreadth;
    private readonly double _levelFactor;
    private readonly bool _quantized;

    // Vectors and lowest-level links in pages of 1,024 slots, so that growth never copies them. A slot's links are
    // their count followed by that many slots.
    private float[][] _vectorPages = [];
    private sbyte[][] _codePages = [];
    private float[] _scales = [];
    private int[][] _linkPages = [];
    private int[]?[] _upperLinks = [];
    private long[] _ids = [];
    private byte[] _levels = [];
    private bool[] _removed = [];
    private int _slotCount;
    private int _count;
    private int _entry = -1;
    private int _topLevel = -1;

    /// <summary>Creates an empty index.</summary>
    /// <param name="dimensions">The length of every vector.</param>
    /// <param name="maxConnections">The most links of a vector on each level above the lowest (M), from 2 to 64; the lowest level has twice as many. More links, better recall, more memory and slower additions.</param>
    /// <param name="constructionBreadth">The breadth of the search that links a new vector (efConstruction), at least <paramref name="maxConnections"/>. Wider, a better graph and slower additions.</param>
    /// <param name="searchBreadth">The breadth of a lookup (ef), at least 1; a lookup for more matches than this searches as wide as the matches asked for. Wider, better recall and slower lookups.</param>
    /// <param name="quantize">Whether the graph is built and walked on int8 copies of the vectors, the candidates of a lookup compared again in full precision.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its range.</exception>
    public HnswSemanticIndex(int dimensions, int maxConnections = DefaultMaxConnections, int constructionBreadth = DefaultConstructionBreadth, int searchBreadth = DefaultSearchBreadth, bool quantize = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConnections, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxConnections, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(constructionBreadth, maxConnections);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(searchBreadth);
        Dimensions = dimensions;
        _maxConnections = maxConnections;
        _maxConnections0 = maxConnections * 2;
        _constructionBreadth = constructionBreadth;
        _searchBreadth = searchBreadth;
        _levelFactor = 1 / Math.Log(maxConnections);
        _quantized = quantize;
    }

    /// <inheritdoc />
    public int Dimensions { get; }

    /// <inheritdoc />
    public int Count => Volatile.Read(ref _count);

    private static Scratch ThreadScratch => t_scratch ??= new Scratch();

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="vector"/> holds NaN or infinity.</exception>
    public void Add(long id, ReadOnlySpan<float> vector)
    {
        SemanticIndexVectors.CheckStorable(Dimensions, vector, nameof(vector));
        _lock.EnterWriteLock();
        try
        {
            if (_slots.Remove(id, out var replaced))
            {
                Retire(replaced);
            }

            var slot = _free.TryPop(out var free) ? free : NewSlot();
            vector.CopyTo(Vector(slot));
            if (_quantized)
            {
                _scales[slot] = SemanticVectorCodes.Encode(vector, Codes(slot));
            }
            _ids[slot] = id;
            _removed[slot] = false;
            _slots[id] = slot;
            Volatile.Write(ref _count, _count + 1);
            Link(slot);
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
            if (!_slots.Remove(id, out var slot))
            {
                return false;
            }

            Retire(slot);
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
            if (_count == 0)
            {
                return 0;
            }

            var scratch = ThreadScratch;
            var probe = QueryProbe(query, scratch);
            var current = _entry;
            var similarity = Similarity(probe, current);
            for (var level = _topLevel; level > 0; level--)
            {
                Descend(probe, ref current, ref similarity, level);
            }

            var breadth = Math.Max(_searchBreadth, Math.Min(matches.Length, _count));
            var found = SearchLevel(probe, current, similarity, breadth, 0, liveOnly: true, scratch);
            var results = scratch.Results.AsSpan(0, found);
            if (_quantized)
            {
                // The re-rank: what is reported is the exact similarity, never the estimate, which may be higher.
                foreach (ref var result in results)
                {
                    result = new SemanticMatch(result.Id, TensorPrimitives.Dot(query, Vector((int)result.Id)));
                }

                SemanticMatchHeap.Sort(results);
            }
            else
            {
                SemanticMatchHeap.SortDescending(results, found);
            }

            var written = Math.Min(found, matches.Length);
            for (var i = 0; i < written; i++)
            {
                matches[i] = new SemanticMatch(_ids[(int)results[i].Id], results[i].Similarity);
            }

            return written;
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
            for (var slot = 0; slot < _slotCount; slot++)
            {
                if (!_removed[slot])
                {
                    target.Add(_ids[slot], Vector(slot));
                }
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private void Retire(int slot)
    {
        _removed[slot] = true;
        _free.Push(slot);
        Volatile.Write(ref _count, _count - 1);
    }

    private int NewSlot()
    {
        var slot = _slotCount;
        var page = slot >> PageShift;
        if (page == _vectorPages.Length)
        {
            var pages = Math.Max(4, page * 2);
            Array.Resize(ref _vectorPages, pages);
            Array.Resize(ref _linkPages, pages);
            Array.Resize(ref _codePages, pages);
        }

        if ((slot & PageMask) == 0)
        {
            _vectorPages[page] = new float[PageRows * Dimensions];
            _linkPages[page] = new int[PageRows * (_maxConnections0 + 1)];
            if (_quantized)
            {
                _codePages[page] = new sbyte[PageRows * Dimensions];
            }
        }

        if (slot == _ids.Length)
        {
            var slots = Math.Max(16, slot * 2);
            Array.Resize(ref _ids, slots);
            Array.Resize(ref _levels, slots);
            Array.Resize(ref _removed, slots);
            Array.Resize(ref _upperLinks, slots);
            if (_quantized)
            {
                Array.Resize(ref _scales, slots);
            }
        }

        // The level of a slot is drawn once and kept when the slot is reused, so the upper levels keep their shape.
        var level = Math.Min(MaxLevel, (int)(-Math.Log(1 - _random.NextDouble()) * _levelFactor));
        _levels[slot] = (byte)level;
        _upperLinks[slot] = level == 0 ? null : new int[level * (_maxConnections + 1)];
        _slotCount = slot + 1;
        return slot;
    }

    /// <summary>Links the vector in <paramref name="slot"/> to its nearest neighbours on each of its levels, and them to it.</summary>
    private void Link(int slot)
    {
        int level = _levels[slot];
        if (_entry < 0)
        {
            _entry = slot;
            _topLevel = level;
            return;
        }

        var probe = StoredProbe(slot);
        var scratch = ThreadScratch;
        var current = _entry;
        var similarity = Similarity(probe, current);
        for (var upper = _topLevel; upper > level; upper--)
        {
            Descend(probe, ref current, ref similarity, upper);
        }

        for (var at = Math.Min(level, _topLevel); at >= 0; at--)
        {
            var found = SearchLevel(probe, current, similarity, _constructionBreadth, at, liveOnly: false, scratch);
            var candidates = scratch.Results.AsSpan(0, found);
            SemanticMatchHeap.SortDescending(candidates, found);

            var links = Links(slot, at);
            var linked = SelectNeighbours(candidates, slot, links[1..]);
            links[0] = linked;
            for (var i = 1; i <= linked; i++)
            {
                Connect(links[i], slot, at, scratch);
            }

            // A reused slot finds itself first: the next level down starts from the nearest other vector.
            var next = (int)candidates[0].Id != slot || found == 1 ? candidates[0] : candidates[1];
            current = (int)next.Id;
            similarity = next.Similarity;
        }

        if (level > _topLevel)
        {
            _topLevel = level;
            _entry = slot;
        }
    }

    /// <summary>Adds a link from <paramref name="from"/> to <paramref name="to"/>, choosing again among its links when it has no room.</summary>
    private void Connect(int from, int to, int level, Scratch scratch)
    {
        var links = Links(from, level);
        var count = links[0];
        for (var i = 1; i <= count; i++)
        {
            if (links[i] == to)
            {
                return;
            }
        }

        if (count < links.Length - 1)
        {
            links[count + 1] = to;
            links[0] = count + 1;
            return;
        }

        var probe = StoredProbe(from);
        var candidates = scratch.Pruning(count + 1);
        for (var i = 0; i < count; i++)
        {
            candidates[i] = new SemanticMatch(links[i + 1], Similarity(probe, links[i + 1]));
        }

        candidates[count] = new SemanticMatch(to, Similarity(probe, to));
        SemanticMatchHeap.Sort(candidates);
        links[0] = SelectNeighbours(candidates, from, links[1..]);
    }

    /// <summary>
    /// The heuristic of the HNSW paper: a candidate, taken most similar first, is linked only if it is nearer to the
    /// vector than to every neighbour already chosen, so that links reach out in different directions rather than
    /// into one cluster. Removed slots are left out, which drops links to them as lists fill.
    /// </summary>
    private int SelectNeighbours(ReadOnlySpan<SemanticMatch> candidates, int self, Span<int> chosen)
    {
        var count = 0;
        foreach (var candidate in candidates)
        {
            if (count == chosen.Length)
            {
                break;
            }

            var slot = (int)candidate.Id;
            if (slot == self || _removed[slot])
            {
                continue;
            }

            var probe = StoredProbe(slot);
            var diverse = true;
            for (var i = 0; i < count; i++)
            {
                if (Similarity(probe, chosen[i]) > candidate.Similarity)
                {
                    diverse = false;
                    break;
                }
            }

            if (diverse)
            {
                chosen[count++] = slot;
            }
        }

        return count;
    }

    /// <summary>Greedy walk on one upper level: moves to a more similar neighbour until none is.</summary>
    private void Descend(in Probe query, ref int current, ref float similarity, int level)
    {
        bool moved;
        do
        {
            moved = false;
            var links = Links(current, level);
            for (var i = 1; i <= links[0]; i++)
            {
                var neighbour = links[i];
                var next = Similarity(query, neighbour);
                if (next > similarity)
                {
                    similarity = next;
                    current = neighbour;
                    moved = true;
                }
            }
        }
        while (moved);
    }

    /// <summary>
    /// Best-first search on one level, keeping the <paramref name="breadth"/> most similar slots in the scratch's
    /// results heap (slot numbers as ids). Removed slots are walked through but, for a lookup, never kept.
    /// </summary>
    private int SearchLevel(in Probe query, int entry, float entrySimilarity, int breadth, int level, bool liveOnly, Scratch scratch)
    {
        var visited = scratch.Visit(_slotCount, out var mark);
        var results = scratch.ResultsOf(breadth);
        var candidates = scratch.Candidates;
        var found = 0;
        var pending = 0;

        visited[entry] = mark;
        SemanticMatchHeap.Push(candidates, ref pending, new SemanticMatch(entry, -entrySimilarity));
        if (!liveOnly || !_removed[entry])
        {
            SemanticMatchHeap.Push(results, ref found, new SemanticMatch(entry, entrySimilarity));
        }

        while (pending > 0)
        {
            var nearest = SemanticMatchHeap.Pop(candidates, ref pending);
            if (found == breadth && -nearest.Similarity < results[0].Similarity)
            {
                break;
            }

            var links = Links((int)nearest.Id, level);
            for (var i = 1; i <= links[0]; i++)
            {
                var neighbour = links[i];
                if (visited[neighbour] == mark)
                {
                    continue;
                }

                visited[neighbour] = mark;
                var similarity = Similarity(query, neighbour);
                if (found < breadth || similarity > results[0].Similarity)
                {
                    if (pending == candidates.Length)
                    {
                        candidates = scratch.GrowCandidates();
                    }

                    SemanticMatchHeap.Push(candidates, ref pending, new SemanticMatch(neighbour, -similarity));
                    if (!liveOnly || !_removed[neighbour])
                    {
                        SemanticMatchHeap.Offer(results, ref found, new SemanticMatch(neighbour, similarity));
                    }
                }
            }
        }

        return found;
    }

    /// <summary>The similarity the graph is built and walked by: estimated from the codes when quantised.</summary>
    private float Similarity(in Probe probe, int slot)
        => _quantized
            ? SemanticVectorCodes.Dot(probe.Codes, Codes(slot)) * probe.Scale * _scales[slot]
            : TensorPrimitives.Dot(probe.Vector, Vector(slot));

    private Probe StoredProbe(int slot)
        => _quantized ? new Probe(Vector(slot), Codes(slot), _scales[slot]) : new Probe(Vector(slot), default, 0);

    private Probe QueryProbe(ReadOnlySpan<float> query, Scratch scratch)
    {
        if (!_quantized)
        {
            return new Probe(query, default, 0);
        }

        var codes = scratch.QueryCodes(Dimensions);
        var scale = SemanticVectorCodes.Encode(query, codes);
        return new Probe(query, codes, scale);
    }

    private Span<sbyte> Codes(int slot)
        => new(_codePages[slot >> PageShift], (slot & PageMask) * Dimensions, Dimensions);

    private Span<float> Vector(int slot)
        => new(_vectorPages[slot >> PageShift], (slot & PageMask) * Dimensions, Dimensions);

    private Span<int> Links(int slot, int level)
    {
        if (level == 0)
        {
            var stride = _maxConnections0 + 1;
            return new Span<int>(_linkPages[slot >> PageShift], (slot & PageMask) * stride, stride);
        }

        var upper = _maxConnections + 1;
        return new Span<int>(_upperLinks[slot], (level - 1) * upper, upper);
    }

    /// <summary>A vector to compare with the graph's: in full precision, and its codes and scale when quantised.</summary>
    private readonly ref struct Probe(ReadOnlySpan<float> vector, ReadOnlySpan<sbyte> codes, float scale)
    {
        public readonly ReadOnlySpan<float> Vector = vector;
        public readonly ReadOnlySpan<sbyte> Codes = codes;
        public readonly float Scale = scale;
    }

    /// <summary>One thread's working memory for searches, reused so that a lookup allocates nothing once warm.</summary>
    private sealed class Scratch
    {
        private int[] _visited = [];
        private int _mark;
        private SemanticMatch[] _results = new SemanticMatch[128];
        private SemanticMatch[] _pruning = new SemanticMatch[129];
        private sbyte[] _queryCodes = [];

        public SemanticMatch[] Candidates { get; private set; } = new SemanticMatch[256];

        public SemanticMatch[] Results => _results;

        /// <summary>Marks slots visited with a number that changes per search, so the array is cleared only when it wraps.</summary>
        public int[] Visit(int slots, out int mark)
        {
            if (_visited.Length < slots)
            {
                _visited = new int[Math.Max(slots, _visited.Length * 2)];
            }

            if (_mark == int.MaxValue)
            {
                Array.Clear(_visited);
                _mark = 0;
            }

            mark = ++_mark;
            return _visited;
        }

        public Span<SemanticMatch> ResultsOf(int breadth)
        {
            if (_results.Length < breadth)
            {
                _results = new SemanticMatch[Math.Max(breadth, _results.Length * 2)];
            }

            return _results.AsSpan(0, breadth);
        }

        public SemanticMatch[] GrowCandidates()
        {
            var candidates = Candidates;
            Array.Resize(ref candidates, candidates.Length * 2);
            return Candidates = candidates;
        }

        public Span<sbyte> QueryCodes(int dimensions)
        {
            if (_queryCodes.Length < dimensions)
            {
                _queryCodes = new sbyte[dimensions];
            }

            return _queryCodes.AsSpan(0, dimensions);
        }

        public Span<SemanticMatch> Pruning(int count)
        {
            if (_pruning.Length < count)
            {
                _pruning = new SemanticMatch[count];
            }

            return _pruning.AsSpan(0, count);
        }
    }
}
