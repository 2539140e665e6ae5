using System.Collections.Concurrent;

namespace AgentCost.Caching;

/// <summary>
/// Remembers the hashed keys of recently seen canonical encodings, so that a repeated call — every cache hit — does
/// not pay for SHA-256 again. The platform's SHA-256 costs several hundred nanoseconds a call, most of it fixed
/// set-up in the native library, which would otherwise dominate a hit.
/// </summary>
/// <remarks>
/// Entries are found by comparing the whole encoding, byte for byte, so a remembered key is exactly the key the hash
/// would give. The set is bounded: when it is full it starts again, which only costs the hashes.
/// </remarks>
internal sealed class RecentKeys
{
    private readonly int _capacity;
    private readonly ConcurrentDictionary<byte[], string> _keys = new(EncodingComparer.Instance);
    private readonly ConcurrentDictionary<byte[], string>.AlternateLookup<ReadOnlySpan<byte>> _lookup;
    private int _count;

    public RecentKeys(int capacity = 8192)
    {
        _capacity = capacity;
        _lookup = _keys.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    public bool TryGet(ReadOnlySpan<byte> encoding, out string key)
    {
        if (_lookup.TryGetValue(encoding, out var found))
        {
            key = found;
            return true;
        }

        key = string.Empty;
        return false;
    }

    public void Add(ReadOnlySpan<byte> encoding, string key)
    {
        // Counted separately: ConcurrentDictionary.Count takes every lock.
        if (Interlocked.Increment(ref _count) > _capacity)
        {
            _keys.Clear();
            Interlocked.Exchange(ref _count, 1);
        }

        _lookup.TryAdd(encoding, key);
    }

    private sealed class EncodingComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly EncodingComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

        public int GetHashCode(byte[] obj) => GetHashCode(obj.AsSpan());

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = default(HashCode);
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}
