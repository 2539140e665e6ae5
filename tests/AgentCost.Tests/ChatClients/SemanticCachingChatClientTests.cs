using System.ClientModel;
using System.Text.Json;
using AgentCost.Caching;
using AgentCost.ChatClients;
using AgentCost.Spending;
using AgentCost.Tests.Caching.Semantic;
using AgentCost.Tests.Spending;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using OpenAI;

namespace AgentCost.Tests.ChatClients;

public sealed class SemanticCachingChatClientTests : IDisposable
{
    private const string Question = "How do I reset my password?";
    private const string Paraphrase = "how do i reset my password";

    private readonly SpendRuntime _test = new();
    private readonly WordEmbedder _embedder = new();
    private readonly FakeLogCollector _logs = new();
    private readonly ServiceProvider _services;
    private readonly ScriptedModel _model = new("gpt-4o") { Reply = static (call, _) => new ChatMessage(ChatRole.Assistant, "answer " + call) };

    public SemanticCachingChatClientTests()
    {
        _services = new ServiceCollection()
            .AddSingleton<TimeProvider>(_test.Time)
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(new FakeLoggerProvider(_logs)))
            .BuildServiceProvider();
    }

    public void Dispose()
    {
        _services.Dispose();
        _test.Dispose();
    }

    private IChatClient Build(Action<SemanticCacheOptions>? configure = null, IChatClient? model = null) => new ChatClientBuilder(model ?? _model)
        .UseSemanticCache(_embedder, o =>
        {
            o.Threshold = 0.9f;
            configure?.Invoke(o);
        })
        .UseAgentCost()
        .Build(_services);

    private static ChatMessage[] Ask(string question, string system = "You are a support agent.")
        => [new(ChatRole.System, system), new(ChatRole.User, question)];

    [Fact]
    public async Task A_close_question_is_answered_from_the_cache_without_a_model_call()
    {
        using var client = Build();

        var first = await client.GetResponseAsync(Ask(Question));
        var second = await client.GetResponseAsync(Ask(Paraphrase));

        Assert.Equal(1, _model.Calls);
        Assert.Equal("answer 0", first.Text);
        Assert.Equal("answer 0", second.Text);
        Assert.Null(second.Usage);
        Assert.Equal(1, client.GetService<SemanticCachingChatClient>()!.Statistics.Hits);
    }

    public static TheoryData<string> Partitions => new()
    {
        "system", "instructions", "model", "tools", "response_format", "tenant", "earlier_turns", "max_output_tokens",
    };

    [Theory]
    [MemberData(nameof(Partitions))]
    public async Task A_request_that_differs_in_anything_but_the_last_user_message_is_never_a_hit(string difference)
    {
        using var client = Build(o => o.Threshold = 0.01f);
        var tool = AIFunctionFactory.Create((string city) => "sunny", "weather");
        var otherTool = AIFunctionFactory.Create((string city, int days) => "sunny", "weather");
        ChatMessage[] earlier = [new(ChatRole.System, "You are a support agent."), new(ChatRole.User, "Hi"), new(ChatRole.Assistant, "Hello"), new(ChatRole.User, Question)];
        ChatMessage[] otherEarlier = [new(ChatRole.System, "You are a support agent."), new(ChatRole.User, "Hi"), new(ChatRole.Assistant, "Hello!"), new(ChatRole.User, Question)];
        var baseline = new ChatOptions { Instructions = "Be brief.", Tools = [tool], ResponseFormat = ChatResponseFormat.Text, MaxOutputTokens = 200 };

        await client.GetResponseAsync(earlier, baseline.Clone());
        var (messages, options, tenant) = difference switch
        {
            "system" => ([new(ChatRole.System, "You are a pirate."), .. earlier[1..]], baseline.Clone(), null),
            "instructions" => (earlier, With(baseline, o => o.Instructions = "Be thorough."), null),
            "model" => (earlier, With(baseline, o => o.ModelId = "gpt-4o-mini"), null),
            "tools" => (earlier, With(baseline, o => o.Tools = [otherTool]), null),
            "response_format" => (earlier, With(baseline, o => o.ResponseFormat = ChatResponseFormat.Json), null),
            "tenant" => (earlier, baseline.Clone(), "contoso"),
            "earlier_turns" => (otherEarlier, baseline.Clone(), null),
            _ => (earlier, With(baseline, o => o.MaxOutputTokens = 300), (string?)null),
        };
        using (AgentCostContext.Begin(tenant))
        {
            await client.GetResponseAsync(messages, options);
        }

        Assert.Equal(2, _model.Calls);

        // The same request again is a hit: only the difference kept it apart.
        using (AgentCostContext.Begin(tenant))
        {
            await client.GetResponseAsync(messages, options.Clone());
        }

        Assert.Equal(2, _model.Calls);
    }

    private static ChatOptions With(ChatOptions options, Action<ChatOptions> change)
    {
        var copy = options.Clone();
        change(copy);
        return copy;
    }

    [Fact]
    public async Task A_streamed_miss_is_stored_when_it_completes_and_a_hit_is_replayed_as_updates()
    {
        using var client = Build();

        var streamed = await client.GetStreamingResponseAsync(Ask(Question)).ToListAsync();
        var replayed = await client.GetStreamingResponseAsync(Ask(Paraphrase)).ToListAsync();
        var answered = await client.GetResponseAsync(Ask(Paraphrase));

        Assert.Equal(1, _model.Calls);
        Assert.Equal("answer 0", string.Concat(streamed.Select(u => u.Text)).Trim());
        Assert.NotEmpty(replayed);
        Assert.Equal(streamed.ToChatResponse().Text, replayed.ToChatResponse().Text);
        Assert.Equal(streamed.ToChatResponse().Text, answered.Text);
        Assert.All(replayed, u => Assert.DoesNotContain(u.Contents, c => c is UsageContent));
    }

    [Fact]
    public async Task A_stream_left_before_its_end_is_not_stored()
    {
        using var client = Build();

        await foreach (var update in client.GetStreamingResponseAsync(Ask(Question)))
        {
            break;
        }

        await client.GetResponseAsync(Ask(Question));

        Assert.Equal(2, _model.Calls);
    }

    public static TheoryData<string> NotCacheableRequests => new()
    {
        "temperature", "unknown_property", "bypass", "last_from_assistant", "image", "conversation_id", "empty",
    };

    [Theory]
    [MemberData(nameof(NotCacheableRequests))]
    public async Task A_request_that_is_not_cacheable_goes_to_the_model_and_is_not_stored(string kind)
    {
        using var client = Build();
        var (messages, options) = kind switch
        {
            "temperature" => (Ask(Question), new ChatOptions { Temperature = 0.7f }),
            "unknown_property" => (Ask(Question), new ChatOptions { AdditionalProperties = new() { ["logprobs"] = true } }),
            "bypass" => (Ask(Question), new ChatOptions { AdditionalProperties = new() { [SemanticCachingChatClient.BypassKey] = true } }),
            "last_from_assistant" => ([.. Ask(Question), new(ChatRole.Assistant, "Let me check.")], null),
            "image" => ([new(ChatRole.User, [new TextContent(Question), new DataContent(new byte[] { 1, 2, 3 }, "image/png")])], null),
            "conversation_id" => (Ask(Question), new ChatOptions { ConversationId = "conv_1" }),
            _ => (Ask("   "), (ChatOptions?)null),
        };

        await client.GetResponseAsync(messages, options);
        await client.GetResponseAsync(messages, options);
        await client.GetStreamingResponseAsync(messages, options).ToChatResponseAsync();

        Assert.Equal(3, _model.Calls);
        var statistics = client.GetService<SemanticCachingChatClient>()!.Statistics;
        Assert.Equal(0, statistics.Lookups);
        Assert.Equal(0, statistics.Entries);
        Assert.Equal(0, _embedder.Calls);
    }

    [Fact]
    public async Task The_bypass_key_set_to_false_and_temperature_zero_are_cacheable()
    {
        using var client = Build();
        var options = new ChatOptions { Temperature = 0f, AdditionalProperties = new() { [SemanticCachingChatClient.BypassKey] = false } };

        await client.GetResponseAsync(Ask(Question), options);
        await client.GetResponseAsync(Ask(Question), options);

        Assert.Equal(1, _model.Calls);
    }

    public static TheoryData<string> NotStorableResponses => new() { "tool_call", "error", "image", "content_filter" };

    [Theory]
    [MemberData(nameof(NotStorableResponses))]
    public async Task A_response_that_is_not_text_from_the_assistant_is_not_stored(string kind)
    {
        _model.Reply = (_, _) => kind switch
        {
            "tool_call" => new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call_1", "weather", new Dictionary<string, object?> { ["city"] = "Rome" })]),
            "error" => new ChatMessage(ChatRole.Assistant, [new ErrorContent("overloaded")]),
            "image" => new ChatMessage(ChatRole.Assistant, [new TextContent("here"), new DataContent(new byte[] { 1 }, "image/png")]),
            _ => null,
        };
        var model = kind == "content_filter" ? new FinishReasonModel(_model, ChatFinishReason.ContentFilter) : (IChatClient)_model;
        using var client = Build(model: model);

        await client.GetResponseAsync(Ask(Question));
        await client.GetResponseAsync(Ask(Question));
        await client.GetStreamingResponseAsync(Ask(Question)).ToChatResponseAsync();
        await client.GetResponseAsync(Ask(Question));

        Assert.Equal(4, _model.Calls);
        Assert.Equal(0, client.GetService<SemanticCachingChatClient>()!.Statistics.Entries);
    }

    [Fact]
    public async Task An_embedder_that_fails_sends_the_call_to_the_model_and_is_logged()
    {
        using var client = Build();
        _embedder.Failure = new HttpRequestException("embedder down");

        var first = await client.GetResponseAsync(Ask(Question));
        var streamed = await client.GetStreamingResponseAsync(Ask(Question)).ToChatResponseAsync();

        Assert.Equal("answer 0", first.Text);
        Assert.Equal(2, _model.Calls);
        Assert.Equal(2, _logs.GetSnapshot().Count(r => r.Id.Id == 5001 && r.Exception is HttpRequestException));
    }

    [Fact]
    public async Task A_huge_prompt_is_answered_and_cached_within_the_bytes()
    {
        using var client = Build(o => o.MaxBytes = 1024 * 1024);
        var huge = string.Join(' ', Enumerable.Range(0, 200_000).Select(i => "w" + (i % 5_000)));

        await client.GetResponseAsync(Ask(huge));
        await client.GetResponseAsync(Ask(huge));

        // 200,000 words of UTF-16 do not fit a mebibyte: the answer is not kept, and nothing fails.
        Assert.Equal(2, _model.Calls);
        Assert.Equal(0, client.GetService<SemanticCachingChatClient>()!.Statistics.Entries);
    }

    [Fact]
    public async Task A_caller_changing_a_response_does_not_change_the_cache()
    {
        using var client = Build();

        var miss = await client.GetResponseAsync(Ask(Question));
        miss.Messages[0].Contents.Clear();
        miss.Messages.Add(new ChatMessage(ChatRole.Assistant, "tampered"));
        var hit = await client.GetResponseAsync(Ask(Question));
        ((TextContent)hit.Messages[0].Contents[0]).Text = "tampered again";
        await foreach (var update in client.GetStreamingResponseAsync(Ask(Question)))
        {
            update.Contents.Clear();
        }

        var last = await client.GetResponseAsync(Ask(Question));

        Assert.Equal(1, _model.Calls);
        Assert.Equal("answer 0", last.Text);
    }

    [Fact]
    public async Task A_caller_changing_streamed_updates_does_not_change_what_is_stored()
    {
        using var client = Build();
        await foreach (var update in client.GetStreamingResponseAsync(Ask(Question)))
        {
            update.Contents.Clear();
            update.Contents.Add(new TextContent("tampered"));
        }

        var hit = await client.GetResponseAsync(Ask(Question));

        Assert.Equal(1, _model.Calls);
        Assert.Equal("answer 0", hit.Text.Trim());
    }

    [Fact]
    public async Task Each_hit_credits_what_the_miss_cost_as_semantic_cache_savings_and_costs_nothing()
    {
        using var client = Build();

        await client.GetResponseAsync(Ask(Question));
        await client.GetResponseAsync(Ask(Paraphrase));
        await client.GetStreamingResponseAsync(Ask(Paraphrase)).ToChatResponseAsync();

        var records = await _test.RecordsAsync();
        var call = Assert.Single(records, r => r.Kind == SpendRecordKind.ModelCall);
        Assert.True(call.Cost > 0);
        var hits = records.Where(r => r.Kind == SpendRecordKind.SemanticCacheHit).ToList();
        Assert.Equal(2, hits.Count);
        Assert.All(hits, h => Assert.Equal(call.Cost, h.Saved));
        Assert.All(hits, h => Assert.Equal("gpt-4o", h.Model));

        var report = await _test.Spending.GetReportAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
        Assert.Equal(1, report.Calls);
        Assert.Equal(call.Cost, report.TotalCost);
        Assert.Equal(2 * call.Cost, report.SemanticCacheSavings);
        Assert.Equal(2, report.SemanticCacheHits);
        Assert.Equal(0, report.ResultCacheSavings);
        Assert.Equal(0, report.CacheHits);
    }

    [Fact]
    public async Task A_streamed_miss_is_credited_on_its_hits()
    {
        using var client = Build();

        await client.GetStreamingResponseAsync(Ask(Question)).ToChatResponseAsync();
        await client.GetResponseAsync(Ask(Paraphrase));

        var records = await _test.RecordsAsync();
        var call = Assert.Single(records, r => r.Kind == SpendRecordKind.ModelCall);
        Assert.Equal(call.Cost, Assert.Single(records, r => r.Kind == SpendRecordKind.SemanticCacheHit).Saved);
    }

    [Fact]
    public async Task Lookups_are_counted_with_kind_semantic_and_their_result()
    {
        using var requests = new MetricCollector<long>(_test.MeterFactory, "AgentCost", "agentcost.cache.requests");
        using var similarity = new MetricCollector<double>(_test.MeterFactory, "AgentCost", "agentcost.cache.similarity");
        using var savings = new MetricCollector<double>(_test.MeterFactory, "AgentCost", "agentcost.cache.savings");
        using var client = Build();

        await client.GetResponseAsync(Ask(Question));
        await client.GetResponseAsync(Ask(Paraphrase));

        var measured = requests.GetMeasurementSnapshot();
        Assert.Equal(["miss", "hit"], measured.Select(m => (string)m.Tags["result"]!));
        Assert.All(measured, m => Assert.Equal("semantic", m.Tags["kind"]));
        Assert.Equal(1.0, Assert.Single(similarity.GetMeasurementSnapshot()).Value, 4);
        var saved = Assert.Single(savings.GetMeasurementSnapshot());
        Assert.Equal("semantic", saved.Tags["kind"]);
        Assert.True(saved.Value > 0);
    }

    [Fact]
    public async Task A_thousand_concurrent_calls_lose_no_entry_and_hit_what_was_stored()
    {
        var embedder = new WordEmbedder(4096);
        using var client = new ChatClientBuilder(_model).UseSemanticCache(embedder, o => o.Threshold = 0.99f).UseAgentCost().Build(_services);

        // 250 questions asked four times each, all at once: a question is answered by the model until one answer is kept.
        await Parallel.ForAsync(0, 1_000, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            var question = $"question q{i % 250} about topic t{i % 250}";
            var response = i % 2 == 0
                ? await client.GetResponseAsync(Ask(question), cancellationToken: ct)
                : await client.GetStreamingResponseAsync(Ask(question), cancellationToken: ct).ToChatResponseAsync(ct);
            Assert.StartsWith("answer", response.Text.Trim(), StringComparison.Ordinal);
        });

        var statistics = client.GetService<SemanticCachingChatClient>()!.Statistics;
        Assert.Equal(250, statistics.Entries);
        Assert.Equal(1_000, statistics.Lookups);
        Assert.Equal(1_000 - _model.Calls, statistics.Hits);
        for (var q = 0; q < 250; q++)
        {
            await client.GetResponseAsync(Ask($"question q{q} about topic t{q}"));
        }

        Assert.Equal(1_250 - _model.Calls, client.GetService<SemanticCachingChatClient>()!.Statistics.Hits);
    }

    [Fact]
    public async Task An_entry_expires_after_its_time_to_live_on_the_registered_clock()
    {
        using var client = Build(o => o.TimeToLive = TimeSpan.FromMinutes(5));

        await client.GetResponseAsync(Ask(Question));
        _test.Time.Advance(TimeSpan.FromMinutes(5));
        await client.GetResponseAsync(Ask(Question));

        Assert.Equal(2, _model.Calls);
    }

    [Fact]
    public void Added_inside_the_budget_layer_the_pipeline_does_not_build_and_shows_the_order()
    {
        var builder = new ChatClientBuilder(_model).UseAgentCost().UseSemanticCache(_embedder);

        var error = Assert.Throws<InvalidOperationException>(() => builder.Build());

        Assert.Contains("UseSemanticCache()", error.Message, StringComparison.Ordinal);
        Assert.Contains(".UseFunctionInvocation()\n    .UseSemanticCache()\n    .UseAgentCostRouting()\n    .UseAgentCost()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_generator_passed_or_registered_the_pipeline_does_not_build_and_says_what_to_register()
    {
        var builder = new ChatClientBuilder(_model).UseSemanticCache().UseAgentCost();

        var error = Assert.Throws<InvalidOperationException>(() => builder.Build(_services));

        Assert.Contains("IEmbeddingGenerator<string, Embedding<float>>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_registered_generator_is_used_when_none_is_passed()
    {
        using var services = new ServiceCollection().AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(_embedder).BuildServiceProvider();
        using var client = new ChatClientBuilder(_model).UseSemanticCache().UseAgentCost().Build(services);

        await client.GetResponseAsync(Ask(Question));
        await client.GetResponseAsync(Ask(Question));

        Assert.Equal(1, _model.Calls);
        Assert.Equal(2, _embedder.Calls);
    }

    [Fact]
    public void A_setting_out_of_range_fails_where_it_is_made()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ChatClientBuilder(_model).UseSemanticCache(_embedder, o => o.Threshold = 0));

        Assert.Contains("SemanticCacheOptions.Threshold", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Through_the_official_OpenAI_client_a_close_question_never_reaches_the_server()
    {
        await using var server = new ChatCompletionsServer { AnswerText = "Use the reset link on the sign-in page." };
        var openAI = new OpenAIClient(new ApiKeyCredential("test-key"), new OpenAIClientOptions { Endpoint = server.Endpoint, NetworkTimeout = TimeSpan.FromSeconds(10) });
        using var client = new ChatClientBuilder(openAI.GetChatClient("gpt-4o-mini").AsIChatClient())
            .UseFunctionInvocation()
            .UseSemanticCache(_embedder, o => o.Threshold = 0.9f)
            .UseAgentCost()
            .Build(_services);

        var miss = await client.GetResponseAsync(Ask(Question));
        var hit = await client.GetResponseAsync(Ask(Paraphrase));
        var streamedHit = await client.GetStreamingResponseAsync(Ask(Paraphrase)).ToChatResponseAsync();

        Assert.Single(server.Requests);
        Assert.Equal(miss.Text, hit.Text);
        Assert.Equal(miss.Text, streamedHit.Text);
        var report = await _test.Spending.GetReportAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
        Assert.Equal(2 * report.TotalCost, report.SemanticCacheSavings);
    }

    /// <summary>Gives every response of the inner model the same finish reason.</summary>
    private sealed class FinishReasonModel(IChatClient inner, ChatFinishReason reason) : DelegatingChatClient(inner)
    {
        public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            var response = await base.GetResponseAsync(messages, options, cancellationToken);
            response.FinishReason = reason;
            return response;
        }

        public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken))
            {
                update.FinishReason = reason;
                yield return update;
            }
        }
    }
}
