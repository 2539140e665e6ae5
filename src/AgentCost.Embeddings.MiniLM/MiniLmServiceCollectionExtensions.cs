using AgentCost.Embeddings;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the embedded MiniLM embedding generator.</summary>
public static class MiniLmServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="MiniLmEmbeddingGenerator"/> for the process as the
    /// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of strings (which the semantic cache takes when it is given
    /// none) and as itself. The model loads when the generator is first resolved; the container disposes it. A string
    /// embedding generator registered before, or this one with other settings, is replaced.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Changes to the default settings.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddMiniLmEmbeddingGenerator(this IServiceCollection services, Action<MiniLmEmbeddingGeneratorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new MiniLmEmbeddingGeneratorOptions();
        configure?.Invoke(options);
        services.RemoveAll<MiniLmEmbeddingGenerator>();
        services.AddSingleton(_ => new MiniLmEmbeddingGenerator(options));
        services.RemoveAll<IEmbeddingGenerator<string, Embedding<float>>>();
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(static provider => provider.GetRequiredService<MiniLmEmbeddingGenerator>());
        return services;
    }
}
