using System.Numerics.Tensors;
using AgentCost.Routing;
using Microsoft.Extensions.AI;

namespace AgentCost.Tests.Routing;

public class LearnedClassifierTests
{
    private static readonly string[] s_tiers = ["simple", "medium", "complex", "reasoning"];

    private static readonly string[][] s_vocabulary =
    [
        ["capital", "weather", "define", "translate", "spell", "synonym", "date", "convert", "greeting", "color"],
        ["compare", "summarize", "pros", "cons", "email", "outline", "recommend", "review", "explain", "draft"],
        ["refactor", "architecture", "debug", "concurrency", "schema", "migrate", "performance", "distributed", "pipeline", "security"],
        ["prove", "theorem", "derive", "induction", "lemma", "formal", "invariant", "optimal", "bound", "complexity"],
    ];

    private static readonly string[] s_filler = ["please", "the", "a", "about", "quickly", "our", "this"];

    [Theory]
    [InlineData(0.25)]
    [InlineData(0.15)]
    public async Task Nearest_neighbours_learn_the_tiers_and_calibration_hits_the_target_share(double target)
    {
        // Per tier: 30 labelled for training, 15 unlabelled "traffic" to calibrate on, 15 held out to measure.
        var (train, rest) = Split(Generate(perTier: 60, seed: 7), trainPerTier: 30);
        var (calibration, test) = Split(rest, trainPerTier: 15);
        using var embeddings = new HashedBagOfWords();
        var classifier = new NearestNeighbourDifficultyClassifier(embeddings, neighbours: 5);
        await classifier.TrainAsync(train, s_tiers);

        await classifier.CalibrateAsync(target, calibration.Select(e => e.Prompt));

        var predicted = new List<int>();
        foreach (var example in test)
        {
            predicted.Add((await classifier.ClassifyAsync(example.Prompt, s_tiers)).TierIndex);
        }

        var share = predicted.Count(p => p == 3) / (double)test.Count;
        Assert.InRange(share, target - 0.1, target + 0.1);
        if (target == 0.25)
        {
            var accuracy = test.Select((e, i) => Array.IndexOf(s_tiers, e.Tier) == predicted[i]).Count(c => c) / (double)test.Count;
            Assert.True(accuracy >= 0.75, $"accuracy {accuracy:P0}");
        }
    }

    [Fact]
    public async Task An_unknown_label_is_refused_naming_the_example()
    {
        using var embeddings = new HashedBagOfWords();
        var classifier = new NearestNeighbourDifficultyClassifier(embeddings);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => classifier.TrainAsync([new("hi", "simple"), new("yo", "huge")], s_tiers));

        Assert.Contains("Example 1", error.Message, StringComparison.Ordinal);
    }

    private static List<LabelledPrompt> Generate(int perTier, int seed)
    {
        var random = new Random(seed);
        var examples = new List<LabelledPrompt>();
        for (var tier = 0; tier < s_tiers.Length; tier++)
        {
            for (var n = 0; n < perTier; n++)
            {
                var words = new List<string>();
                for (var w = 0; w < 6; w++)
                {
                    var roll = random.NextDouble();
                    var from = roll < 0.6 ? tier : roll < 0.9 ? Math.Clamp(tier + (random.Next(2) * 2 - 1), 0, 3) : -1;
                    words.Add(from < 0 ? s_filler[random.Next(s_filler.Length)] : s_vocabulary[from][random.Next(10)]);
                }

                examples.Add(new LabelledPrompt(string.Join(' ', words), s_tiers[tier]));
            }
        }

        return examples;
    }

    private static (List<LabelledPrompt> Train, List<LabelledPrompt> Test) Split(List<LabelledPrompt> examples, int trainPerTier)
    {
        var train = examples.GroupBy(e => e.Tier).SelectMany(g => g.Take(trainPerTier)).ToList();
        var test = examples.GroupBy(e => e.Tier).SelectMany(g => g.Skip(trainPerTier)).ToList();
        return (train, test);
    }

    /// <summary>A deterministic embedding: hashed bag of words, L2-normalised.</summary>
    private sealed class HashedBagOfWords : IEmbeddingGenerator<string, Embedding<float>>
    {
        private const int Dimensions = 256;

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var result = new GeneratedEmbeddings<Embedding<float>>();
            foreach (var value in values)
            {
                var vector = new float[Dimensions];
                foreach (var word in value.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    var hash = 2166136261u;
                    foreach (var c in word)
                    {
                        hash = (hash ^ c) * 16777619u;
                    }

                    vector[hash % Dimensions] += 1;
                }

                var norm = TensorPrimitives.Norm(vector);
                if (norm > 0)
                {
                    TensorPrimitives.Divide(vector, norm, vector);
                }

                result.Add(new Embedding<float>(vector));
            }

            return Task.FromResult(result);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
