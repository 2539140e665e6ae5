using System.Buffers;
using System.Numerics.Tensors;
using AgentCost.Telemetry;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentCost.Caching;

/// <summary>
/// The store of the semantic cache, shared by the call layer (<c>UseSemanticCache()</c>) and the method layer
/// (<c>[SemanticCached]</c>): prompts matched by embedding inside exact partitions, each answer kept as bytes.
/// </summary>
/// <remarks>
/// <para>A partition is a string the caller builds from everything that must be equal for an answer to be reused
/// (model, system prompt, tools, tenant, ...). Each has its own <see cref="ISemanticIndex"/>, and a lookup searches only
/// its own: a hit across partitions cannot happen, whatever the similarity.</para>
/// <para>Values are serialised bytes, so that a caller changing a returned object cannot change the cache, and
/// <see cref="SemanticCacheOptions.MaxBytes"/> counts what is really kept. Entries expire after
/// <see cref="SemanticCacheOptions.TimeToLive"/> and, over all partitions, the least recently used (stored or served)
/// goes first when <see cref="SemanticCacheOptions.MaxEntries"/> or <see cref="SemanticCacheOptions.MaxBytes"/> is
/// reached.</para>
/// <para>The cache fails open: an embedder that throws or returns an unusable vector (wrong length, NaN, zero) makes
/// the lookup a miss that stores nothing, and is logged.</para>
/// </remarks>
internal sealed partial class SemanticCache : IDisposable
{
    // What an entry costs beyond its prompt, value and vector: the entry object, its list links and table slots.
    private const int EntryOverhead = 160;

    private readonly IEmbeddingGenerator<string, Embedding<float>> _embedder;
    private readonly ISemanticHitVerifier _verifier;
    private readonly Func<int, ISemanticIndex> _indexFactory;
    private readonly TimeProvider _time;
    private readonly AgentCostMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly float _threshold;
    private readonly long _ttlTicks;
    private readonly int _maxEntries;
    private readonly long _maxBytes;
    private readonly int _maxCandidates;

    // The entry table, the LRU list and the partitions change together under this lock; the indexes lock themselves.
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Partition> _partitions = new(StringComparer.Ordinal);
    private readonly Dictionary<long, Entry> _entries = [];
    private Entry? _newest;
    private Entry? _oldest;
    private long _bytes;
    private long _nextId;
    private int _dimensions;

    private long _hits;
    private long _misses;
    private long _rejected;
    private long _rejectedByGuard;

    /// <summary>Creates an empty cache.</summary>
    /// <param name="embedder">Embeds prompts.</param>
    /// <param name="options">The settings, validated and read once, here.</param>
    /// <param name="timeProvider">The clock of the entries' time to live.</param>
    /// <param name="metrics">Where lookups are counted; <see langword="null"/> for none.</param>
    /// <param name="logger">Where embedder failures and rejected candidates are logged.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public SemanticCache(
        IEmbeddingGenerator<string, Embedding<float>> embedder,
        SemanticCacheOptions options,
        TimeProvider? timeProvider = null,
        AgentCostMetrics? metrics = null,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        _embedder = embedder;
        _verifier = options.Verifier ?? new SemanticHitRules(options.Rules);
        _indexFactory = options.IndexFactory ?? CreateDefaultIndex;
        _time = timeProvider ?? TimeProvider.System;
        _metrics = metrics;
        _logger = logger ?? NullLogger.Instance;
        _threshold = options.Threshold;
        _ttlTicks = options.TimeToLive.Ticks;
        _maxEntries = options.MaxEntries;
        _maxBytes = options.MaxBytes;
        _maxCandidates = options.MaxCandidates;
    }

    /// <summary>Entries cached now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>What the cache has done so far.</summary>
    public SemanticCacheStatistics Statistics
    {
        get
        {
            lock (_lock)
            {
                return new SemanticCacheStatistics(
                    Interlocked.Read(ref _hits), Interlocked.Read(ref _misses), Interlocked.Read(ref _rejected), Interlocked.Read(ref _rejectedByGuard), _entries.Count, _bytes);
            }
        }
    }

    /// <summary>Checks settings, naming the one that is wrong.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public static void Validate(SemanticCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.Threshold > 0f && options.Threshold <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Threshold, "SemanticCacheOptions.Threshold must be greater than 0 and at most 1.");
        }

        if (options.TimeToLive <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.TimeToLive, "SemanticCacheOptions.TimeToLive must be positive.");
        }

        if (options.MaxEntries < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxEntries, "SemanticCacheOptions.MaxEntries must be at least 1.");
        }

        if (options.MaxBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxBytes, "SemanticCacheOptions.MaxBytes must be at least 1.");
        }

        if (options.MaxCandidates < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxCandidates, "SemanticCacheOptions.MaxCandidates must be at least 1.");
        }
    }

    /// <summary>The index used when <see cref="SemanticCacheOptions.IndexFactory"/> is not set: exact while small, a graph when large.</summary>
    internal static ISemanticIndex CreateDefaultIndex(int dimensions) => new AdaptiveSemanticIndex(dimensions);

    /// <summary>
    /// Looks <paramref name="prompt"/> up in <paramref name="partition"/>. Never throws but for
    /// <paramref name="cancellationToken"/>: a prompt that cannot be embedded is a miss that cannot be stored.
    /// </summary>
    /// <param name="partition">Everything that must be equal for an entry to answer, as one string.</param>
    /// <param name="prompt">The text matched by similarity.</param>
    /// <param name="method">The agent method, for the metric's tag; <see langword="null"/> in the call layer.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    public ValueTask<SemanticCacheLookup> LookupAsync(string partition, string prompt, string? method, CancellationToken cancellationToken)
        => LookupAsync(partition, prompt, method, _threshold, cancellationToken);

    /// <summary>Looks <paramref name="prompt"/> up as the other overload does, with a threshold of the caller's (a method's own).</summary>
    /// <param name="partition">Everything that must be equal for an entry to answer, as one string.</param>
    /// <param name="prompt">The text matched by similarity.</param>
    /// <param name="method">The agent method, for the metric's tag.</param>
    /// <param name="threshold">The similarity from which a cached prompt is a candidate, in (0, 1].</param>
    /// <param name="cancellationToken">The caller's token.</param>
    public async ValueTask<SemanticCacheLookup> LookupAsync(string partition, string prompt, string? method, float threshold, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partition);
        ArgumentNullException.ThrowIfNull(prompt);
        var vector = await EmbedAsync(prompt, cancellationToken).ConfigureAwait(false);
        if (vector is null)
        {
            Tally(ref _misses, "miss", method);
            return SemanticCacheLookup.Miss(partition, prompt, vector: null);
        }

        var matches = ArrayPool<SemanticMatch>.Shared.Rent(_maxCandidates);
        try
        {
            var found = Search(partition, vector, matches);
            if (found > 0 && _metrics is { } metrics && metrics.CacheSimilarity.Enabled)
            {
                metrics.CacheSimilarity.Record(matches[0].Similarity, new KeyValuePair<string, object?>("kind", "semantic"));
            }

            var rejected = false;
            for (var i = 0; i < found && matches[i].Similarity >= threshold; i++)
            {
                if (!TryGetLive(matches[i].Id, out var candidate))
                {
                    continue;
                }

                var verdict = await VerifyAsync(new SemanticHitCandidate(prompt, candidate.Prompt, matches[i].Similarity), cancellationToken).ConfigureAwait(false);
                if (!verdict.IsAccepted)
                {
                    rejected = true;
                    Interlocked.Increment(ref _rejectedByGuard);
                    Log.CandidateRejected(_logger, verdict.Reason ?? "unknown", matches[i].Similarity);
                    continue;
                }

                Touch(candidate);
                Tally(ref _hits, "hit", method);
                return SemanticCacheLookup.Hit(partition, prompt, candidate.Value, candidate.MissCostUnits, matches[i].Similarity);
            }

            if (rejected)
            {
                Tally(ref _rejected, "rejected", method);
            }
            else
            {
                Tally(ref _misses, "miss", method);
            }

            return SemanticCacheLookup.Miss(partition, prompt, vector);
        }
        finally
        {
            ArrayPool<SemanticMatch>.Shared.Return(matches);
        }
    }

    /// <summary>
    /// Keeps <paramref name="value"/> as the answer to the prompt of <paramref name="miss"/>, replacing an entry of the
    /// same prompt in its partition. Does nothing for a lookup that cannot be stored or a value too big for the cache.
    /// </summary>
    /// <param name="miss">The miss whose answer this is.</param>
    /// <param name="value">The answer, serialised; the cache keeps this array and never hands it out.</param>
    /// <param name="missCostUnits">What the model calls that made the answer cost, in money units; credited as saved on each hit.</param>
    /// <returns>Whether the value was stored.</returns>
    public bool Store(in SemanticCacheLookup miss, byte[] value, long missCostUnits)
        => Store(in miss, value, missCostUnits, _ttlTicks);

    /// <summary>Keeps <paramref name="value"/> as the other overload does, for a time to live of the caller's (a method's own).</summary>
    /// <param name="miss">The miss whose answer this is.</param>
    /// <param name="value">The answer, serialised; the cache keeps this array and never hands it out.</param>
    /// <param name="missCostUnits">What the model calls that made the answer cost, in money units.</param>
    /// <param name="timeToLive">How long the entry is served; positive.</param>
    /// <returns>Whether the value was stored.</returns>
    public bool Store(in SemanticCacheLookup miss, byte[] value, long missCostUnits, TimeSpan timeToLive)
        => Store(in miss, value, missCostUnits, timeToLive.Ticks);

    private bool Store(in SemanticCacheLookup miss, byte[] value, long missCostUnits, long ttlTicks)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!miss.CanStore)
        {
            return false;
        }

        var vector = miss.Vector!;
        var size = EntryOverhead + ((long)miss.Prompt.Length * sizeof(char)) + value.Length + ((long)vector.Length * sizeof(float));
        if (size > _maxBytes)
        {
            return false;
        }

        var now = _time.GetUtcNow().UtcTicks;
        lock (_lock)
        {
            if (vector.Length != _dimensions)
            {
                // Another vector length became the cache's while this miss was at the model.
                return false;
            }

            // Removed first: an entry that was its partition's last takes the partition with it.
            if (_partitions.TryGetValue(miss.Partition, out var existing) && existing.ByPrompt.TryGetValue(miss.Prompt, out var old))
            {
                RemoveLocked(old);
            }

            var entry = new Entry(++_nextId, miss.Prompt, value, Math.Max(0, missCostUnits), now + ttlTicks, size);
            if (!TryAddToIndexLocked(miss.Partition, entry, vector))
            {
                return false;
            }

            entry.Partition.ByPrompt.Add(entry.Prompt, entry);
            _entries.Add(entry.Id, entry);
            _bytes += size;
            LinkNewest(entry);

            // Expired entries at the cold end go too: nothing else reclaims an expired entry that is never looked up.
            while (_entries.Count > _maxEntries || _bytes > _maxBytes || _oldest!.ExpiresAt <= now)
            {
                RemoveLocked(_oldest!);
            }

            return true;
        }
    }

    // The index is the user's code (SemanticCacheOptions.IndexFactory): a failing one loses the entry, never the answer.
    private bool TryAddToIndexLocked(string key, Entry entry, float[] vector)
    {
        try
        {
            if (!_partitions.TryGetValue(key, out var partition))
            {
                var index = _indexFactory(_dimensions);
                if (index.Dimensions != _dimensions)
                {
                    index.Dispose();
                    throw new InvalidOperationException(
                        $"SemanticCacheOptions.IndexFactory made an index of {index.Dimensions} dimensions when asked for {_dimensions}.");
                }

                partition = new Partition(key, index);
                _partitions.Add(key, partition);
            }

            partition.Index.Add(entry.Id, vector);
            entry.Partition = partition;
            return true;
        }
        catch (Exception exception)
        {
            Log.IndexFailed(_logger, exception);
            return false;
        }
    }

    /// <summary>Removes every entry.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            while (_oldest is not null)
            {
                RemoveLocked(_oldest);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => Clear();

    private async ValueTask<float[]?> EmbedAsync(string prompt, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(prompt))
        {
            return null;
        }

        ReadOnlyMemory<float> embedded;
        try
        {
            embedded = await _embedder.GenerateVectorAsync(prompt, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.EmbedderFailed(_logger, exception);
            return null;
        }

        return Normalise(embedded.Span);
    }

    // A unit-length copy, so that a dot product is the cosine; null for a vector no index can compare.
    private float[]? Normalise(ReadOnlySpan<float> embedded)
    {
        var dimensions = Volatile.Read(ref _dimensions);
        if (embedded.IsEmpty || (dimensions != 0 && embedded.Length != dimensions))
        {
            Log.BadVector(_logger, embedded.Length, dimensions, "wrong_length");
            return null;
        }

        var norm = TensorPrimitives.Norm(embedded);
        if (!float.IsFinite(norm) || norm == 0f)
        {
            Log.BadVector(_logger, embedded.Length, dimensions, float.IsFinite(norm) ? "zero" : "not_finite");
            return null;
        }

        var vector = new float[embedded.Length];
        TensorPrimitives.Divide(embedded, norm, vector);
        if (dimensions == 0)
        {
            // The first usable vector sets the length for the cache's life; a later embedder of another length is refused.
            var set = Interlocked.CompareExchange(ref _dimensions, vector.Length, 0);
            if (set != 0 && set != vector.Length)
            {
                Log.BadVector(_logger, embedded.Length, set, "wrong_length");
                return null;
            }
        }

        return vector;
    }

    private int Search(string key, float[] vector, SemanticMatch[] matches)
    {
        Partition? partition;
        lock (_lock)
        {
            if (!_partitions.TryGetValue(key, out partition))
            {
                return 0;
            }

            partition.Users++;
        }

        try
        {
            return partition.Index.Search(vector, matches.AsSpan(0, _maxCandidates));
        }
        finally
        {
            lock (_lock)
            {
                if (--partition.Users == 0 && partition.IsDetached)
                {
                    partition.Index.Dispose();
                }
            }
        }
    }

    private bool TryGetLive(long id, out Entry entry)
    {
        var now = _time.GetUtcNow().UtcTicks;
        lock (_lock)
        {
            if (!_entries.TryGetValue(id, out entry!))
            {
                return false;
            }

            if (entry.ExpiresAt <= now)
            {
                RemoveLocked(entry);
                return false;
            }

            return true;
        }
    }

    private async ValueTask<SemanticHitVerdict> VerifyAsync(SemanticHitCandidate candidate, CancellationToken cancellationToken)
    {
        try
        {
            return await _verifier.VerifyAsync(candidate, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.VerifierFailed(_logger, exception);
            return SemanticHitVerdict.Reject("verifier_failed");
        }
    }

    private void Touch(Entry entry)
    {
        lock (_lock)
        {
            if (entry.IsLinked && _newest != entry)
            {
                Unlink(entry);
                LinkNewest(entry);
            }
        }
    }

    private void Tally(ref long counter, string result, string? method)
    {
        Interlocked.Increment(ref counter);
        if (_metrics is { } metrics && metrics.CacheRequests.Enabled)
        {
            metrics.CacheRequests.Add(
                1,
                new KeyValuePair<string, object?>("kind", "semantic"),
                new KeyValuePair<string, object?>("result", result),
                new KeyValuePair<string, object?>("agentcost.method", method));
        }
    }

    private void RemoveLocked(Entry entry)
    {
        Unlink(entry);
        _entries.Remove(entry.Id);
        _bytes -= entry.Size;
        var partition = entry.Partition;
        partition.ByPrompt.Remove(entry.Prompt);
        partition.Index.Remove(entry.Id);
        if (partition.ByPrompt.Count == 0)
        {
            // An empty partition goes, so that partitions of tenants or conversations that end do not pile up; a
            // search still running in it disposes the index when it leaves.
            _partitions.Remove(partition.Key);
            partition.IsDetached = true;
            if (partition.Users == 0)
            {
                partition.Index.Dispose();
            }
        }
    }

    private void LinkNewest(Entry entry)
    {
        entry.Older = _newest;
        entry.Newer = null;
        _newest?.Newer = entry;
        _newest = entry;
        _oldest ??= entry;
        entry.IsLinked = true;
    }

    private void Unlink(Entry entry)
    {
        if (!entry.IsLinked)
        {
            return;
        }

        if (entry.Newer is null)
        {
            _newest = entry.Older;
        }
        else
        {
            entry.Newer.Older = entry.Older;
        }

        if (entry.Older is null)
        {
            _oldest = entry.Newer;
        }
        else
        {
            entry.Older.Newer = entry.Newer;
        }

        entry.Newer = entry.Older = null;
        entry.IsLinked = false;
    }

    private sealed class Partition(string key, ISemanticIndex index)
    {
        public string Key { get; } = key;

        public ISemanticIndex Index { get; } = index;

        public Dictionary<string, Entry> ByPrompt { get; } = new(StringComparer.Ordinal);

        public int Users;

        public bool IsDetached;
    }

    private sealed class Entry(long id, string prompt, byte[] value, long missCostUnits, long expiresAt, long size)
    {
        public long Id { get; } = id;

        // Set once, when its vector is in the partition's index.
        public Partition Partition { get; set; } = null!;

        public string Prompt { get; } = prompt;

        public byte[] Value { get; } = value;

        public long MissCostUnits { get; } = missCostUnits;

        public long ExpiresAt { get; } = expiresAt;

        public long Size { get; } = size;

        public Entry? Newer;

        public Entry? Older;

        public bool IsLinked;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5001, Level = LogLevel.Warning,
            Message = "The semantic cache could not embed a prompt; the call goes to the model and its answer is not cached.")]
        public static partial void EmbedderFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 5002, Level = LogLevel.Warning,
            Message = "The semantic cache got an unusable embedding ({Reason}: {Length} dimensions, the cache holds {Dimensions}); the call goes to the model and its answer is not cached.")]
        public static partial void BadVector(ILogger logger, int length, int dimensions, string reason);

        [LoggerMessage(EventId = 5003, Level = LogLevel.Debug,
            Message = "The semantic cache's guard rejected a candidate ({Reason}) at similarity {Similarity}.")]
        public static partial void CandidateRejected(ILogger logger, string reason, float similarity);

        [LoggerMessage(EventId = 5004, Level = LogLevel.Warning,
            Message = "The semantic cache's verifier failed; the candidate is rejected.")]
        public static partial void VerifierFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 5005, Level = LogLevel.Error,
            Message = "The semantic cache's index failed; the answer is returned but not cached.")]
        public static partial void IndexFailed(ILogger logger, Exception exception);
    }
}
