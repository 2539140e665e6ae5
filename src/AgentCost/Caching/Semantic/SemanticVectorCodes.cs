using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AgentCost.Caching;

/// <summary>
/// Scalar int8 quantisation with one scale per vector: a value is stored as a whole number from -127 to 127 times its
/// vector's largest magnitude over 127. A quarter of the bytes of a float vector to read for each comparison, with an
/// error in the dot product of unit vectors of about 0.001.
/// </summary>
internal static class SemanticVectorCodes
{
    /// <summary>Writes the codes of <paramref name="vector"/> and returns its scale.</summary>
    public static float Encode(ReadOnlySpan<float> vector, Span<sbyte> codes)
    {
        var largest = 0f;
        foreach (var value in vector)
        {
            largest = MathF.Max(largest, MathF.Abs(value));
        }

        if (largest == 0)
        {
            codes.Clear();
            return 0;
        }

        var toCode = 127 / largest;
        for (var i = 0; i < vector.Length; i++)
        {
            codes[i] = (sbyte)MathF.Round(vector[i] * toCode);
        }

        return largest / 127;
    }

    /// <summary>The dot product of two code vectors, exact in integers (each product is at most 127², so pairs fit a 16-bit lane).</summary>
    public static int Dot(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> y)
    {
        ref var left = ref MemoryMarshal.GetReference(x);
        ref var right = ref MemoryMarshal.GetReference(y);
        var length = Math.Min(x.Length, y.Length);
        var i = 0;
        var sum = 0;
        if (Vector256.IsHardwareAccelerated && length >= Vector256<sbyte>.Count)
        {
            var total = Vector256<int>.Zero;
            for (; i <= length - Vector256<sbyte>.Count; i += Vector256<sbyte>.Count)
            {
                var (xLow, xHigh) = Vector256.Widen(Vector256.LoadUnsafe(ref left, (nuint)i));
                var (yLow, yHigh) = Vector256.Widen(Vector256.LoadUnsafe(ref right, (nuint)i));
                if (Avx2.IsSupported)
                {
                    total += Avx2.MultiplyAddAdjacent(xLow, yLow) + Avx2.MultiplyAddAdjacent(xHigh, yHigh);
                }
                else
                {
                    var (low, high) = Vector256.Widen((xLow * yLow) + (xHigh * yHigh));
                    total += low + high;
                }
            }

            sum = Vector256.Sum(total);
        }
        else if (Vector128.IsHardwareAccelerated && length >= Vector128<sbyte>.Count)
        {
            var total = Vector128<int>.Zero;
            for (; i <= length - Vector128<sbyte>.Count; i += Vector128<sbyte>.Count)
            {
                var (xLow, xHigh) = Vector128.Widen(Vector128.LoadUnsafe(ref left, (nuint)i));
                var (yLow, yHigh) = Vector128.Widen(Vector128.LoadUnsafe(ref right, (nuint)i));
                var (low, high) = Vector128.Widen((xLow * yLow) + (xHigh * yHigh));
                total += low + high;
            }

            sum = Vector128.Sum(total);
        }

        for (; i < length; i++)
        {
            sum += x[i] * y[i];
        }

        return sum;
    }
}
