using AgentCost.Embeddings;
using AgentCost.Tokens;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;

namespace AgentCost.Benchmarks;

/// <summary>
/// What the semantic cache's embedding costs per query with the embedded <see cref="MiniLmEmbeddingGenerator"/>: one
/// short prompt per call, and sixteen in one call (reported per prompt), with ONNX Runtime's default threads (one per
/// core) and with one thread. The baseline is <see cref="TokenCounter.CountTokens(string?)"/> of the same prompt,
/// which every AgentCost call pays already, so the ratio says how many token counts one embedding is worth.
/// </summary>
[MemoryDiagnoser]
public class EmbeddingBenchmarks
{
    private const int BatchSize = 16;

    private static readonly string[] s_prompts =
    [
        "How do I reset my password?",
        "What are the steps to reset my password?",
        "Show me flights from Madrid to Rome next Friday.",
        "Is ibuprofen safe to take during pregnancy?",
        "List all orders over $50 placed last week.",
        "How can I cancel my subscription before renewal?",
        "Summarise this quarter's support tickets by product.",
        "What is the capital of Australia?",
        "Translate 'good morning' into Portuguese.",
        "Why does my build fail with a missing SDK error?",
        "Explain the difference between a mutex and a semaphore.",
        "Which plan includes single sign-on for teams?",
        "How long does a refund take to reach my card?",
        "Convert 30 degrees Celsius to Fahrenheit.",
        "Draft a polite reminder about the overdue invoice.",
        "What time does the Berlin office open on Saturdays?",
    ];

    private readonly TokenCounter _counter = TokenCounter.ForModel(null);
    private readonly string[] _one = [s_prompts[4]];
    private MiniLmEmbeddingGenerator _generator = null!;
    private MiniLmEmbeddingGenerator _oneThread = null!;

    [GlobalSetup]
    public void Setup()
    {
        _generator = new MiniLmEmbeddingGenerator();
        _oneThread = new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { IntraOpThreads = 1 });
        if (s_prompts.Length != BatchSize || _generator.GenerateAsync(s_prompts).GetAwaiter().GetResult().Count != BatchSize)
        {
            throw new InvalidOperationException($"The batch must be {BatchSize} prompts, one embedding each.");
        }

        _oneThread.GenerateAsync(_one).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _generator.Dispose();
        _oneThread.Dispose();
    }

    [Benchmark(Baseline = true, Description = "count the prompt's tokens")]
    public int CountTokens() => _counter.CountTokens(_one[0]);

    [Benchmark(Description = "MiniLM, one prompt")]
    public Task<GeneratedEmbeddings<Embedding<float>>> EmbedOne() => _generator.GenerateAsync(_one);

    [Benchmark(OperationsPerInvoke = BatchSize, Description = "MiniLM, 16 prompts in one call, per prompt")]
    public Task<GeneratedEmbeddings<Embedding<float>>> EmbedBatch() => _generator.GenerateAsync(s_prompts);

    [Benchmark(Description = "MiniLM, one prompt, one thread")]
    public Task<GeneratedEmbeddings<Embedding<float>>> EmbedOneOnOneThread() => _oneThread.GenerateAsync(_one);

    [Benchmark(OperationsPerInvoke = BatchSize, Description = "MiniLM, 16 prompts in one call, one thread, per prompt")]
    public Task<GeneratedEmbeddings<Embedding<float>>> EmbedBatchOnOneThread() => _oneThread.GenerateAsync(s_prompts);
}
