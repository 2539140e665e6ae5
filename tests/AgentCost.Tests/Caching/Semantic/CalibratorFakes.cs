using AgentCost.Caching;
using Microsoft.Extensions.AI;

namespace AgentCost.Tests.Caching.Semantic;

/// <summary>An embedder whose vectors the test chooses: every text maps to a given vector.</summary>
internal sealed class VectorTableGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly Dictionary<string, float[]> _vectors = new(StringComparer.Ordinal);

    public List<int> CallSizes { get; } = [];

    public List<string> Embedded { get; } = [];

    /// <summary>A pair of texts whose vectors have exactly <paramref name="similarity"/> as cosine (to float precision).</summary>
    public SemanticPair Pair(string name, float similarity, bool isSame, string? kind = null)
    {
        var first = name + " (cached)";
        var second = name + " (new)";
        _vectors[first] = [1f, 0f, 0f];
        _vectors[second] = [similarity, MathF.Sqrt(1 - (similarity * similarity)), 0f];
        return new SemanticPair(first, second, isSame, kind);
    }

    public void Set(string text, float[] vector) => _vectors[text] = vector;

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var texts = values.ToList();
        CallSizes.Add(texts.Count);
        Embedded.AddRange(texts);
        return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(texts.Select(text => new Embedding<float>(_vectors[text]))));
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}

/// <summary>An embedder that answers with whatever the test makes of the texts.</summary>
internal sealed class CustomGenerator(Func<IReadOnlyList<string>, IEnumerable<Embedding<float>>> embed) : IEmbeddingGenerator<string, Embedding<float>>
{
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(embed(values.ToList())));

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}

/// <summary>A verifier that decides by a rule of the test's and records what it was asked.</summary>
internal sealed class RuleVerifier(Func<SemanticHitCandidate, SemanticHitVerdict> rule) : ISemanticHitVerifier
{
    public List<SemanticHitCandidate> Asked { get; } = [];

    public ValueTask<SemanticHitVerdict> VerifyAsync(SemanticHitCandidate candidate, CancellationToken cancellationToken)
    {
        Asked.Add(candidate);
        return ValueTask.FromResult(rule(candidate));
    }
}
