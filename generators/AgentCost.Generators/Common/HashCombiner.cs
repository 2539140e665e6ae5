namespace AgentCost.Generators.Common;

/// <summary>Combines hash codes; <c>System.HashCode</c> is not part of netstandard2.0.</summary>
internal static class HashCombiner
{
    public const int Seed = 17;

    public static int Combine(int hash, int value)
    {
        unchecked
        {
            return (hash * 31) + value;
        }
    }
}
