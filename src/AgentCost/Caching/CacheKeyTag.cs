namespace AgentCost.Caching;

/// <summary>The type tag written before each value in the canonical key encoding. Values are part of the format.</summary>
internal enum CacheKeyTag : byte
{
    Null = 0,
    String = 1,
    Boolean = 2,
    Char = 3,
    SByte = 4,
    Byte = 5,
    Int16 = 6,
    UInt16 = 7,
    Int32 = 8,
    UInt32 = 9,
    Int64 = 10,
    UInt64 = 11,
    Single = 12,
    Double = 13,
    Decimal = 14,
    Enum = 15,
    Guid = 16,
    DateTime = 17,
    DateTimeOffset = 18,
    TimeSpan = 19,
    DateOnly = 20,
    TimeOnly = 21,
    Bytes = 22,
    Sequence = 23,
    SequenceEnd = 24,
    Json = 25,
    Object = 26,
}
