namespace AgentCost.Tokens;

/// <summary>Which part of a text survives truncation.</summary>
public enum TruncationMode
{
    /// <summary>Keep the beginning; the marker goes at the end.</summary>
    KeepHead = 0,

    /// <summary>Keep the end; the marker goes at the beginning.</summary>
    KeepTail = 1,
}
