using System.Numerics.Tensors;

namespace AgentCost.Embeddings.Tests;

/// <summary>One loaded model for every test class that only embeds (loading takes a few hundred milliseconds).</summary>
public sealed class MiniLmFixture : IDisposable
{
    public MiniLmEmbeddingGenerator Generator { get; } = new();

    public void Dispose() => Generator.Dispose();

    public static float Cosine(ReadOnlyMemory<float> a, ReadOnlyMemory<float> b) => TensorPrimitives.Dot(a.Span, b.Span);
}
