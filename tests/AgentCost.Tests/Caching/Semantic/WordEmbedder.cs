using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

namespace AgentCost.Tests.Caching.Semantic;

/// <summary>
/// A deterministic embedder for tests: a bag of lower-case words, each word one dimension (by a stable hash), so that
/// prompts with the same words are at similarity 1 and prompts sharing most words are close. Vectors can be scripted
/// per text, and it can be made to fail.
/// </summary>
internal sealed class WordEmbedder(int dimensions = 256) : IEmbeddingGenerator<string, Embedding<float>>
{
    private int _calls;

    public int Dimensions { get; } = dimensions;

    /// <summary>Vectors returned as they are for these texts, to script bad or chosen vectors.</summary>
    public ConcurrentDictionary<string, float[]> Scripted { get; } = new(StringComparer.Ordinal);

    /// <summary>Thrown by every call while set.</summary>
    public Exception? Failure { get; set; }

    public int Calls => Volatile.Read(ref _calls);

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        if (Failure is { } failure)
        {
            throw failure;
        }

        var embeddings = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var value in values)
        {
            embeddings.Add(new Embedding<float>(Scripted.TryGetValue(value, out var vector) ? vector : Embed(value)));
        }

        return Task.FromResult(embeddings);
    }

    public float[] Embed(string text)
    {
        var vector = new float[Dimensions];
        foreach (var word in text.ToLowerInvariant().Split([' ', '?', '!', '.', ','], StringSplitOptions.RemoveEmptyEntries))
        {
            vector[(int)(StableHash(word) % (uint)Dimensions)] += 1f;
        }

        return vector;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    private static uint StableHash(string word)
    {
        var hash = 2166136261u;
        foreach (var c in word)
        {
            hash = (hash ^ c) * 16777619u;
        }

        // FNV's low bits barely mix for words that differ in one letter; a finaliser spreads them over the dimensions.
        hash ^= hash >> 16;
        hash *= 0x85ebca6bu;
        hash ^= hash >> 13;
        hash *= 0xc2b2ae35u;
        return hash ^ (hash >> 16);
    }
}
