using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace AgentCost.Embeddings.Tests;

public sealed class MiniLmServiceCollectionExtensionsTests
{
    [Fact]
    public async Task The_generator_is_the_one_string_embedding_generator_and_the_container_disposes_it()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(new ThrowingGenerator());
        services.AddMiniLmEmbeddingGenerator(options => options.IntraOpThreads = 1);

        MiniLmEmbeddingGenerator concrete;
        using (var provider = services.BuildServiceProvider())
        {
            var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
            concrete = provider.GetRequiredService<MiniLmEmbeddingGenerator>();

            Assert.Same(concrete, generator);
            Assert.Single(provider.GetServices<IEmbeddingGenerator<string, Embedding<float>>>());
            var vector = await generator.GenerateVectorAsync("How do I reset my password?");
            Assert.Equal(MiniLmEmbeddingGenerator.Dimensions, vector.Length);
        }

        await Assert.ThrowsAsync<ObjectDisposedException>(() => concrete.GenerateAsync(["text"]));
    }

    [Fact]
    public void Settings_out_of_range_fail_when_the_generator_is_resolved()
    {
        using var provider = new ServiceCollection().AddMiniLmEmbeddingGenerator(options => options.MaxBatchSize = 0).BuildServiceProvider();

        Assert.Throws<ArgumentOutOfRangeException>(() => provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
    }

    private sealed class ThrowingGenerator : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The registration made before AddMiniLmEmbeddingGenerator was not replaced.");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
