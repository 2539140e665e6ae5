using AgentCost.Tokens;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;

namespace AgentCost.Benchmarks;

/// <summary>
/// What the token-budget call layer costs. <b>Middleware</b>: <see cref="CallsPerInvocation"/> calls of
/// <c>GetResponseAsync</c> on a fake model that returns a cached response with usage, bare and through
/// <c>UseAgentCost()</c> outside and inside a budget scope. <b>Counting</b>: <see cref="TokenCounter.CountTokens(string)"/>
/// against calling <c>Microsoft.ML.Tokenizers</c> directly on the same text, a sentence and a page.
/// </summary>
/// <remarks>
/// The budgeted calls still count their prompt: that is part of what the middleware does on every call. The prompt is a
/// single two-token message so that tokenization (measured on its own in the counting group, and growing with the
/// prompt) stays a small, known part of the figure, and what is left is the middleware's own work: the ambient scope
/// lookup, the lock-free reservation on the budget, the cloned options with the clamped limit, and the settlement and
/// metrics afterwards. One budget scope is opened per invocation and amortised over its calls, since an interceptor
/// opens one per agent run, not per model call.
/// </remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class BudgetMiddlewareBenchmarks
{
    private const int CallsPerInvocation = 100;

    private static readonly ChatMessage[] s_tinyPrompt = [new(ChatRole.User, "Hi")];

    private IChatClient _bare = null!;
    private IChatClient _agentCost = null!;
    private Tokenizer _tokenizer = null!;
    private TokenCounter _counter = null!;

    private const string Sentence = "An agent run must never consume more tokens than its budget, and it must end gracefully.";

    // About 2,000 tokens: a tool result of the size budgets are meant to keep in check.
    private static readonly string s_page = string.Join(' ', Enumerable.Repeat(Sentence, 110));

    [GlobalSetup]
    public void Setup()
    {
        _bare = new CachedResponseClient();
        _agentCost = new ChatClientBuilder(new CachedResponseClient()).UseAgentCost().Build();
        _counter = TokenCounter.ForModel("gpt-4o-mini");
        _tokenizer = TiktokenTokenizer.CreateForModel("gpt-4o-mini");

        // Load the vocabulary and warm the paths outside the measurements.
        _counter.CountTokens(s_page);
        using var scope = TokenBudget.Begin("Benchmarks.Warm-up", int.MaxValue - 1, finalAnswerReserve: 0, minStepTokens: 0);
        _agentCost.GetResponseAsync(s_tinyPrompt).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _bare.Dispose();
        _agentCost.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = CallsPerInvocation, Description = "bare inner client")]
    [BenchmarkCategory("Middleware")]
    public async Task<long> Bare()
    {
        long output = 0;
        for (var i = 0; i < CallsPerInvocation; i++)
        {
            output += (await _bare.GetResponseAsync(s_tinyPrompt)).Usage!.OutputTokenCount!.Value;
        }

        return output;
    }

    [Benchmark(OperationsPerInvoke = CallsPerInvocation, Description = "UseAgentCost(), no budget scope")]
    [BenchmarkCategory("Middleware")]
    public async Task<long> PassThrough()
    {
        long output = 0;
        for (var i = 0; i < CallsPerInvocation; i++)
        {
            output += (await _agentCost.GetResponseAsync(s_tinyPrompt)).Usage!.OutputTokenCount!.Value;
        }

        return output;
    }

    [Benchmark(OperationsPerInvoke = CallsPerInvocation, Description = "UseAgentCost(), inside a budget")]
    [BenchmarkCategory("Middleware")]
    public async Task<long> Budgeted()
    {
        using var scope = TokenBudget.Begin("Benchmarks.Budgeted", int.MaxValue - 1, finalAnswerReserve: 0, minStepTokens: 0);
        for (var i = 0; i < CallsPerInvocation; i++)
        {
            await _agentCost.GetResponseAsync(s_tinyPrompt);
        }

        return scope.Budget.Used;
    }

    [Benchmark(Baseline = true, Description = "Tokenizer.CountTokens (direct)")]
    [BenchmarkCategory("Counting, a sentence")]
    public int DirectCountSentence() => _tokenizer.CountTokens(Sentence);

    [Benchmark(Description = "TokenCounter.CountTokens")]
    [BenchmarkCategory("Counting, a sentence")]
    public int CounterCountSentence() => _counter.CountTokens(Sentence);

    [Benchmark(Baseline = true, Description = "Tokenizer.CountTokens (direct)")]
    [BenchmarkCategory("Counting, a page")]
    public int DirectCountPage() => _tokenizer.CountTokens(s_page);

    [Benchmark(Description = "TokenCounter.CountTokens")]
    [BenchmarkCategory("Counting, a page")]
    public int CounterCountPage() => _counter.CountTokens(s_page);

    /// <summary>A model that answers instantly with the same response and usage every time.</summary>
    private sealed class CachedResponseClient : IChatClient
    {
        private static readonly ChatClientMetadata s_metadata = new("benchmark", null, "gpt-4o-mini");

        private readonly Task<ChatResponse> _response = Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "Hello!"))
        {
            Usage = new UsageDetails { InputTokenCount = 8, OutputTokenCount = 2, TotalTokenCount = 10 },
        });

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
            => _response;

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
            => throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null)
            => serviceType == typeof(ChatClientMetadata) ? s_metadata : null;

        public void Dispose()
        {
        }
    }
}
