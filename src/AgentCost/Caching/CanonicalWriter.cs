using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace AgentCost.Caching;

/// <summary>
/// An append-only buffer for the canonical encoding of cache keys: fixed-width little-endian numbers and
/// length-prefixed strings, so that no two different sequences of values produce the same bytes.
/// </summary>
internal struct CanonicalWriter : IDisposable
{
    private byte[] _buffer;
    private int _length;

    public CanonicalWriter(int initialCapacity)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);
        _length = 0;
    }

    public readonly ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public void WriteByte(byte value) => GetSpan(1)[0] = value;

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(GetSpan(sizeof(int)), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(GetSpan(sizeof(long)), value);

    public void WriteUInt64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(GetSpan(sizeof(ulong)), value);

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        WriteInt32(bytes.Length);
        bytes.CopyTo(GetSpan(bytes.Length));
    }

    public void WriteRaw(ReadOnlySpan<byte> bytes) => bytes.CopyTo(GetSpan(bytes.Length));

    public void WriteString(string value)
    {
        var maxBytes = Encoding.UTF8.GetMaxByteCount(value.Length);
        var lengthSlot = _length;
        GetSpan(sizeof(int));
        var span = EnsureFree(maxBytes);
        var written = Encoding.UTF8.GetBytes(value, span);
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(lengthSlot), written);
        _length += written;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Reserves and advances past 'size' bytes, returning them to be filled.
    private Span<byte> GetSpan(int size)
    {
        var span = EnsureFree(size)[..size];
        _length += size;
        return span;
    }

    private Span<byte> EnsureFree(int size)
    {
        if (_buffer.Length - _length < size)
        {
            Grow(size);
        }

        return _buffer.AsSpan(_length);
    }

    private void Grow(int size)
    {
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + size));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = larger;
    }
}
