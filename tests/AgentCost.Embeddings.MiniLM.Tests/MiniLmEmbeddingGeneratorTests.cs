using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace AgentCost.Embeddings.Tests;

public sealed class MiniLmEmbeddingGeneratorTests(MiniLmFixture fixture) : IClassFixture<MiniLmFixture>
{
    private static readonly string[] Sentences =
    [
        "How do I reset my password?",
        "What are the steps to reset my password?",
        "The invoice for March is overdue by two weeks.",
        "",
        "Book a table for four people at an Italian restaurant tomorrow evening, somewhere near the central station.",
        "ok",
        "Why is the sky blue?",
    ];

    private readonly MiniLmEmbeddingGenerator _generator = fixture.Generator;

    [Fact]
    public async Task Every_embedding_has_384_dimensions_and_unit_length()
    {
        var embeddings = await _generator.GenerateAsync(Sentences);

        Assert.Equal(Sentences.Length, embeddings.Count);
        Assert.All(embeddings, embedding =>
        {
            Assert.Equal(MiniLmEmbeddingGenerator.Dimensions, embedding.Vector.Length);
            Assert.Equal(1f, TensorPrimitives.Norm(embedding.Vector.Span), 1e-4f);
            Assert.Equal(MiniLmEmbeddingGenerator.ModelId, embedding.ModelId);
        });
    }

    [Fact]
    public async Task The_same_text_embeds_to_the_same_vector()
    {
        var first = await _generator.GenerateAsync(Sentences);
        var second = await _generator.GenerateAsync(Sentences);

        for (var i = 0; i < Sentences.Length; i++)
        {
            Assert.Equal(first[i].Vector.ToArray(), second[i].Vector.ToArray());
        }
    }

    [Fact]
    public async Task A_batch_embeds_each_text_as_it_would_alone()
    {
        var batch = await _generator.GenerateAsync(Sentences);

        for (var i = 0; i < Sentences.Length; i++)
        {
            var alone = await _generator.GenerateVectorAsync(Sentences[i]);
            AssertClose(alone, batch[i].Vector);
        }
    }

    [Fact]
    public async Task A_call_longer_than_the_batch_size_is_split_into_runs_in_order()
    {
        using var small = new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { MaxBatchSize = 3, IntraOpThreads = 1 });

        var split = await small.GenerateAsync(Sentences);
        var whole = await _generator.GenerateAsync(Sentences);

        Assert.Equal(Sentences.Length, split.Count);
        for (var i = 0; i < Sentences.Length; i++)
        {
            AssertClose(whole[i].Vector, split[i].Vector);
        }
    }

    [Fact]
    public async Task A_paraphrase_is_closer_than_an_unrelated_sentence()
    {
        var embeddings = await _generator.GenerateAsync(
            ["How do I reset my password?", "What are the steps to reset my password?", "The invoice for March is overdue by two weeks."]);

        var paraphrase = MiniLmFixture.Cosine(embeddings[0].Vector, embeddings[1].Vector);
        var unrelated = MiniLmFixture.Cosine(embeddings[0].Vector, embeddings[2].Vector);

        Assert.True(paraphrase > 0.8f, $"paraphrase similarity {paraphrase}");
        Assert.True(unrelated < 0.3f, $"unrelated similarity {unrelated}");
    }

    [Fact]
    public async Task An_empty_string_embeds_and_an_empty_call_returns_nothing()
    {
        var empty = await _generator.GenerateVectorAsync(string.Empty);
        var none = await _generator.GenerateAsync([]);

        Assert.Equal(MiniLmEmbeddingGenerator.Dimensions, empty.Length);
        Assert.Equal(1f, TensorPrimitives.Norm(empty.Span), 1e-4f);
        Assert.Empty(none);
    }

    [Fact]
    public async Task Text_past_the_model_window_is_dropped()
    {
        const string Sentence = "the quick brown fox jumps over the lazy dog while the farmer counts his sheep. ";
        var long1 = string.Concat(Enumerable.Repeat(Sentence, 200));
        var long2 = long1 + string.Concat(Enumerable.Repeat("an entirely different ending about tax law and submarines. ", 300));

        var embeddings = await _generator.GenerateAsync([long1, long2]);

        Assert.Equal(1f, TensorPrimitives.Norm(embeddings[0].Vector.Span), 1e-4f);
        AssertClose(embeddings[0].Vector, embeddings[1].Vector);
    }

    [Fact]
    public async Task Eight_threads_at_once_get_what_one_thread_gets()
    {
        var expected = await _generator.GenerateAsync(Sentences);
        using var start = new Barrier(8);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(thread => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                var rounds = new List<GeneratedEmbeddings<Embedding<float>>>();
                for (var round = 0; round < 5; round++)
                {
                    // Each thread asks in its own order and batch sizes, so runs of different shapes overlap.
                    var offset = (thread + round) % Sentences.Length;
                    var texts = Sentences.Skip(offset).Concat(Sentences.Take(offset)).Take(1 + ((thread + round) % Sentences.Length)).ToArray();
                    var embeddings = _generator.GenerateAsync(texts).GetAwaiter().GetResult();
                    for (var i = 0; i < texts.Length; i++)
                    {
                        AssertClose(expected[(offset + i) % Sentences.Length].Vector, embeddings[i].Vector);
                    }

                    rounds.Add(embeddings);
                }

                return rounds.Count;
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)));

        Assert.All(results, rounds => Assert.Equal(5, rounds));
    }

    [Fact]
    public async Task A_cancelled_call_throws_before_running_the_model()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _generator.GenerateAsync(Sentences, cancellationToken: cancellation.Token));
    }

    [Fact]
    public async Task A_call_cancelled_while_it_runs_stops_and_the_generator_still_works()
    {
        using var oneByOne = new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { MaxBatchSize = 1, IntraOpThreads = 1 });
        var texts = Enumerable.Range(0, 2_000).Select(i => $"Question number {i} about the quarterly report.").ToArray();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        // Two thousand runs of the model take seconds; the token fires during one of the first.
        var started = TimeProvider.System.GetTimestamp();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => oneByOne.GenerateAsync(texts, cancellationToken: cancellation.Token));

        Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(5));
        var after = await oneByOne.GenerateVectorAsync(Sentences[0]);
        AssertClose((await _generator.GenerateAsync([Sentences[0]]))[0].Vector, after);
    }

    [Fact]
    public async Task Null_input_is_refused_with_a_clear_error()
    {
        await Assert.ThrowsAsync<ArgumentNullException>("values", () => _generator.GenerateAsync(null!));
        var error = await Assert.ThrowsAsync<ArgumentException>("values", () => _generator.GenerateAsync(["fine", null!]));
        Assert.Contains("index 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_dimensions_are_refused_and_384_are_accepted()
    {
        await Assert.ThrowsAsync<ArgumentException>("options", () => _generator.GenerateAsync(["text"], new EmbeddingGenerationOptions { Dimensions = 1536 }));

        var embeddings = await _generator.GenerateAsync(["text"], new EmbeddingGenerationOptions { Dimensions = 384 });
        Assert.Equal(384, embeddings[0].Vector.Length);
    }

    [Fact]
    public void Metadata_names_the_provider_the_model_and_its_dimensions()
    {
        var metadata = _generator.GetService<EmbeddingGeneratorMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal("AgentCost.MiniLM", metadata.ProviderName);
        Assert.Equal("all-MiniLM-L6-v2", metadata.DefaultModelId);
        Assert.Equal(384, metadata.DefaultModelDimensions);
        Assert.Same(_generator, _generator.GetService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.Null(_generator.GetService(typeof(EmbeddingGeneratorMetadata), serviceKey: "other"));
        Assert.Null(_generator.GetService<string>());
        Assert.Throws<ArgumentNullException>("serviceType", () => _generator.GetService(null!));
    }

    [Fact]
    public async Task A_disposed_generator_refuses_calls_and_disposes_once()
    {
        var generator = new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { IntraOpThreads = 1 });
        generator.Dispose();
        generator.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => generator.GenerateAsync(["text"]));
    }

    [Fact]
    public void Settings_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentNullException>("options", () => new MiniLmEmbeddingGenerator(null!));
        Assert.Throws<ArgumentOutOfRangeException>("MaxBatchSize", () => new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { MaxBatchSize = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>("IntraOpThreads", () => new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { IntraOpThreads = -1 }));
    }

    private static void AssertClose(ReadOnlyMemory<float> expected, ReadOnlyMemory<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        // Padding a text to the longest of its run changes the float sums in the last bits only.
        Assert.True(MiniLmFixture.Cosine(expected, actual) > 0.99999f, $"similarity {MiniLmFixture.Cosine(expected, actual)}");
    }
}
