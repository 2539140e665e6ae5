using AgentCost.Caching;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace AgentCost.Tests.Caching.Semantic;

public class ModelSemanticHitVerifierTests
{
    private const string Prompt = "Is it risky to run the migration during business hours?";
    private const string Cached = "Is it dangerous to run the migration while the office is open?";

    [Theory]
    [InlineData("SAME", true, null)]
    [InlineData(" same.\n", true, null)]
    [InlineData("DIFFERENT", false, "model")]
    [InlineData("Different!", false, "model")]
    [InlineData("", false, "model_unclear")]
    [InlineData("SAME, but only if the dates match", false, "model_unclear")]
    [InlineData("I think they are the same", false, "model_unclear")]
    [InlineData("YES", false, "model_unclear")]
    public async Task Only_a_clear_SAME_accepts(string answer, bool accepted, string? reason)
    {
        var judge = new JudgeModel(answer);
        var verdict = await new ModelSemanticHitVerifier(judge).VerifyAsync(new(Prompt, Cached, 0.9f), CancellationToken.None);

        Assert.Equal(accepted, verdict.IsAccepted);
        Assert.Equal(reason, verdict.Reason);
        Assert.Equal(1, judge.Calls);
    }

    [Fact]
    public async Task The_model_sees_both_prompts_as_data_with_the_configured_options()
    {
        var judge = new JudgeModel("SAME");
        var options = new ModelSemanticHitVerifierOptions { ChatOptions = new ChatOptions { ModelId = "gpt-4o-mini", Temperature = 0 } };
        await new ModelSemanticHitVerifier(judge, options).VerifyAsync(new(Prompt, Cached, 0.9f), CancellationToken.None);

        Assert.Equal("gpt-4o-mini", judge.LastOptions!.ModelId);
        Assert.NotSame(options.ChatOptions, judge.LastOptions);
        Assert.Equal(ChatRole.System, judge.LastMessages![0].Role);
        Assert.Contains(Prompt, judge.LastMessages[1].Text, StringComparison.Ordinal);
        Assert.Contains(Cached, judge.LastMessages[1].Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.80f, false)]
    [InlineData(0.85f, true)]
    [InlineData(0.94f, true)]
    [InlineData(0.95f, false)]
    [InlineData(0.99f, false)]
    public async Task Only_candidates_in_the_doubtful_band_are_asked_about(float similarity, bool asked)
    {
        var judge = new JudgeModel("DIFFERENT");
        var verifier = new ModelSemanticHitVerifier(judge, new ModelSemanticHitVerifierOptions { DoubtfulFrom = 0.85f, DoubtfulTo = 0.95f });

        var verdict = await verifier.VerifyAsync(new(Prompt, Cached, similarity), CancellationToken.None);

        Assert.Equal(asked ? 1 : 0, judge.Calls);
        Assert.Equal(!asked, verdict.IsAccepted);
    }

    [Fact]
    public async Task A_rejection_by_the_rules_is_final_and_costs_no_model_call()
    {
        var judge = new JudgeModel("SAME");
        var verdict = await new ModelSemanticHitVerifier(judge).VerifyAsync(new("Enable backups", "Disable backups", 0.9f), CancellationToken.None);

        Assert.Equal("contrast", verdict.Reason);
        Assert.Equal(0, judge.Calls);
    }

    [Fact]
    public async Task The_rules_it_runs_first_are_a_seam()
    {
        var judge = new JudgeModel("SAME");
        var rules = new RejectingRules("house_rule");
        var verifier = new ModelSemanticHitVerifier(judge, rules: rules);

        Assert.Equal("house_rule", (await verifier.VerifyAsync(new(Prompt, Cached, 0.9f), CancellationToken.None)).Reason);
        Assert.Equal(1, rules.Calls);
        Assert.Equal(0, judge.Calls);
    }

    [Fact]
    public async Task A_failing_model_rejects_and_is_logged_without_the_prompts()
    {
        var logger = new FakeLogger<ModelSemanticHitVerifier>();
        var judge = new JudgeModel(_ => throw new HttpRequestException("500 for " + Prompt));
        var verdict = await new ModelSemanticHitVerifier(judge, logger: logger).VerifyAsync(new(Prompt, Cached, 0.9f), CancellationToken.None);

        Assert.Equal("model_error", verdict.Reason);
        var record = Assert.Single(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains(nameof(HttpRequestException), record.Message, StringComparison.Ordinal);
        Assert.All(logger.Collector.GetSnapshot(), r =>
        {
            Assert.DoesNotContain("migration", r.Message, StringComparison.Ordinal);
            Assert.Null(r.Exception);
        });
    }

    [Fact]
    public async Task A_model_slower_than_the_timeout_rejects()
    {
        var logger = new FakeLogger<ModelSemanticHitVerifier>();
        var judge = new JudgeModel(async token =>
        {
            await Task.Delay(Timeout.Infinite, token);
            return "SAME";
        });
        var options = new ModelSemanticHitVerifierOptions { Timeout = TimeSpan.FromMilliseconds(50) };

        var verdict = await new ModelSemanticHitVerifier(judge, options, logger: logger).VerifyAsync(new(Prompt, Cached, 0.9f), CancellationToken.None);

        Assert.Equal("model_timeout", verdict.Reason);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("50 ms", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_a_verdict()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var judge = new JudgeModel(async token =>
        {
            await Task.Delay(Timeout.Infinite, token);
            return "SAME";
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new ModelSemanticHitVerifier(judge).VerifyAsync(new(Prompt, Cached, 0.9f), cancelled.Token).AsTask());
    }

    [Fact]
    public void Bad_settings_fail_at_construction()
    {
        Assert.Throws<ArgumentNullException>(() => new ModelSemanticHitVerifier(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new ModelSemanticHitVerifier(new JudgeModel("SAME"), new ModelSemanticHitVerifierOptions { Timeout = TimeSpan.Zero }));
    }

    private sealed class RejectingRules(string reason) : ISemanticHitVerifier
    {
        public int Calls { get; private set; }

        public ValueTask<SemanticHitVerdict> VerifyAsync(SemanticHitCandidate candidate, CancellationToken cancellationToken)
        {
            Calls++;
            return new(SemanticHitVerdict.Reject(reason));
        }
    }

    private sealed class JudgeModel(Func<CancellationToken, Task<string>> answer) : IChatClient
    {
        public JudgeModel(string answer)
            : this(_ => Task.FromResult(answer))
        {
        }

        public int Calls { get; private set; }

        public ChatOptions? LastOptions { get; private set; }

        public IList<ChatMessage>? LastMessages { get; private set; }

        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Calls++;
            LastOptions = options;
            LastMessages = messages.ToList();
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, await answer(cancellationToken)));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("The verifier asks for a whole response.");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
