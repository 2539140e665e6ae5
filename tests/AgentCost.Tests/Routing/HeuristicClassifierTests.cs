using AgentCost.Routing;

namespace AgentCost.Tests.Routing;

public class HeuristicClassifierTests
{
    private static readonly string[] s_tiers = ["simple", "medium", "complex", "reasoning"];

    public static TheoryData<string, string> Prompts => new()
    {
        { "What is the capital of France?", "simple" },
        { "Translate 'good morning' into German.", "simple" },
        { "Summarize this sentence: the cat sat on the mat.", "simple" },
        { "Compare PostgreSQL and MySQL for a small web shop. Which is cheaper to run? Which is easier to back up?", "medium" },
        { "Design a caching layer for our API and evaluate the trade-offs of write-through versus write-behind.", "medium" },
        {
            "Refactor this function and explain the bug:\n```csharp\nint Sum(int[] xs) { int s = 0; for (int i = 0; i <= xs.Length; i++) s += xs[i]; return s; }\n```\nWhat tests would catch it?",
            "complex"
        },
        {
            "Analyze the following incident and design a fix:\n1. The queue backs up at midnight.\n2. Workers time out.\n3. Retries double the load.\nWhat is the root cause? How do we prevent it? What should we monitor?",
            "complex"
        },
        { "Prove step by step that the square root of 2 is irrational, then derive a bound on its continued fraction.", "reasoning" },
        {
            "Formally prove the correctness of this lock-free queue and analyze its memory ordering:\n```c\nvoid push(node* n) { n->next = head; while (!cas(&head, n->next, n)) n->next = head; }\n```\nIs it linearizable? Where can ABA occur?",
            "reasoning"
        },
    };

    [Theory]
    [MemberData(nameof(Prompts))]
    public async Task Classifies_the_table(string prompt, string expected)
    {
        var classifier = new HeuristicDifficultyClassifier();

        var assessment = await classifier.ClassifyAsync(prompt, s_tiers);

        Assert.True(expected == s_tiers[assessment.TierIndex], $"expected {expected}, got {s_tiers[assessment.TierIndex]} (score {assessment.Score:0.00}: {string.Join(", ", assessment.Signals!.Select(s => $"{s.Key}={s.Value:0.00}"))})");
    }

    [Fact]
    public async Task Thresholds_and_weights_are_tunable()
    {
        var classifier = new HeuristicDifficultyClassifier(new HeuristicClassifierOptions { TokensPerPoint = 1, TierThresholds = [0.1, 100, 200], SimpleVerbPoints = 0 });

        var assessment = await classifier.ClassifyAsync("What is the capital of France?", s_tiers);

        Assert.Equal(1, assessment.TierIndex);
    }

    [Fact]
    public async Task A_tier_index_never_exceeds_the_configured_tiers()
    {
        var classifier = new HeuristicDifficultyClassifier();

        var assessment = await classifier.ClassifyAsync("Prove step by step and analyze and design and refactor this.", ["cheap", "strong"]);

        Assert.Equal(1, assessment.TierIndex);
    }
}
