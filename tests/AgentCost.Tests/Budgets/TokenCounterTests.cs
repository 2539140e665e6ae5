using System.Text.Json;
using AgentCost.Tokens;
using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;

namespace AgentCost.Tests.Budgets;

public class TokenCounterTests
{
    private const string Prose = "The quick brown fox jumps over the lazy dog. Ünïcødé, emoji 🦊 and code: var x = y?.z ?? 42;";

    // The example conversation of OpenAI's cookbook "How to count tokens with tiktoken" (num_tokens_from_messages).
    private static readonly ChatMessage[] s_cookbookMessages =
    [
        new(ChatRole.System, "You are a helpful, pattern-following assistant that translates corporate jargon into plain English."),
        new(ChatRole.System, "New synergies will help drive top-line growth.") { AuthorName = "example_user" },
        new(ChatRole.System, "Things working well together will increase revenue.") { AuthorName = "example_assistant" },
        new(ChatRole.System, "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.") { AuthorName = "example_user" },
        new(ChatRole.System, "Let's talk later when we're less busy about how to do better.") { AuthorName = "example_assistant" },
        new(ChatRole.User, "This late pivot means we don't have time to boil the ocean for the client deliverable."),
    ];

    [Theory]
    [InlineData("gpt-4o")]
    [InlineData("gpt-4o-mini")]
    [InlineData("gpt-4")]
    [InlineData("gpt-3.5-turbo")]
    public void Text_counts_match_Microsoft_ML_Tokenizers(string model)
    {
        var direct = TiktokenTokenizer.CreateForModel(model);
        var counter = TokenCounter.ForModel(model);

        foreach (var text in new[] { "", "a", "hello world", Prose, string.Concat(Enumerable.Repeat(Prose, 50)) })
        {
            Assert.Equal(direct.CountTokens(text), counter.CountTokens(text));
            Assert.Equal(direct.CountTokens(text), counter.CountTokens(text.AsSpan()));
        }

        Assert.False(counter.IsEstimate);
    }

    [Theory]
    [InlineData("gpt-4o", TokenEncoding.O200kBase)]
    [InlineData("gpt-4o-mini-2024-07-18", TokenEncoding.O200kBase)]
    [InlineData("chatgpt-4o-latest", TokenEncoding.O200kBase)]
    [InlineData("gpt-4.1-nano", TokenEncoding.O200kBase)]
    [InlineData("gpt-4.5-preview", TokenEncoding.O200kBase)]
    [InlineData("gpt-5", TokenEncoding.O200kBase)]
    [InlineData("gpt-5-mini", TokenEncoding.O200kBase)]
    [InlineData("o1", TokenEncoding.O200kBase)]
    [InlineData("o3-mini", TokenEncoding.O200kBase)]
    [InlineData("o4-mini-2025-04-16", TokenEncoding.O200kBase)]
    [InlineData("openai/gpt-4o", TokenEncoding.O200kBase)]
    [InlineData("ft:gpt-4o-mini:acme::abc123", TokenEncoding.O200kBase)]
    [InlineData("GPT-4O", TokenEncoding.O200kBase)]
    [InlineData("gpt-4", TokenEncoding.Cl100kBase)]
    [InlineData("gpt-4-turbo", TokenEncoding.Cl100kBase)]
    [InlineData("gpt-3.5-turbo-0125", TokenEncoding.Cl100kBase)]
    [InlineData("gpt-35-turbo", TokenEncoding.Cl100kBase)]
    [InlineData("text-embedding-3-small", TokenEncoding.Cl100kBase)]
    public void Known_models_get_their_encoding_and_exact_counts(string model, TokenEncoding expected)
    {
        Assert.True(TokenizerRegistry.TryGetBuiltInEncoding(model, out var encoding));
        Assert.Equal(expected, encoding);

        var counter = TokenizerRegistry.Default.GetCounter(model);
        Assert.Same(TokenCounter.For(expected), counter);
        Assert.False(counter.IsEstimate);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("llama-3.1-8b")]
    [InlineData("omni-moderation")]
    [InlineData("o")]
    [InlineData("claude-sonnet-4")]
    public void Unknown_models_use_the_fallback_and_are_estimates(string? model)
    {
        Assert.False(TokenizerRegistry.TryGetBuiltInEncoding(model, out _));

        var counter = new TokenizerRegistry(new TokenOptions { FallbackEncoding = TokenEncoding.Cl100kBase }).GetCounter(model);
        Assert.True(counter.IsEstimate);
        Assert.Equal("cl100k_base", counter.EncodingName);
        Assert.Equal(TiktokenTokenizer.CreateForModel("gpt-4").CountTokens(Prose), counter.CountTokens(Prose));
    }

    [Fact]
    public void Configured_prefixes_win_over_the_built_in_table_and_are_exact()
    {
        var registry = new TokenizerRegistry(new TokenOptions
        {
            ModelEncodings = { ["prod-chat"] = TokenEncoding.O200kBase, ["gpt-4o-legacy"] = TokenEncoding.Cl100kBase },
        });

        Assert.Same(TokenCounter.For(TokenEncoding.O200kBase), registry.GetCounter("PROD-CHAT-eastus"));
        Assert.Same(TokenCounter.For(TokenEncoding.Cl100kBase), registry.GetCounter("gpt-4o-legacy-deployment"));
        Assert.Same(TokenCounter.For(TokenEncoding.O200kBase), registry.GetCounter("gpt-4o"));
    }

    [Theory]
    [InlineData("gpt-4", 129)]
    [InlineData("gpt-3.5-turbo", 129)]
    [InlineData("gpt-4o", 124)]
    [InlineData("gpt-4o-mini", 124)]
    public void Chat_messages_count_as_the_OpenAI_cookbook_documents(string model, int documented)
    {
        Assert.Equal(documented, TokenCounter.ForModel(model).CountMessages(s_cookbookMessages));
    }

    [Fact]
    public void A_message_costs_its_overhead_role_name_and_contents()
    {
        var counter = TokenCounter.ForModel("gpt-4o");
        var tokenizer = TiktokenTokenizer.CreateForModel("gpt-4o");

        var plain = new ChatMessage(ChatRole.User, Prose);
        Assert.Equal(3 + tokenizer.CountTokens("user") + tokenizer.CountTokens(Prose), counter.CountMessage(plain));

        var named = new ChatMessage(ChatRole.User, Prose) { AuthorName = "alice" };
        Assert.Equal(counter.CountMessage(plain) + 1 + tokenizer.CountTokens("alice"), counter.CountMessage(named));

        Assert.Equal(3 + counter.CountMessage(plain) + counter.CountMessage(named), counter.CountMessages([plain, named]));
    }

    [Fact]
    public void Tool_calls_and_results_are_counted_as_their_json()
    {
        var counter = TokenCounter.ForModel("gpt-4o");
        var tokenizer = TiktokenTokenizer.CreateForModel("gpt-4o");
        var arguments = new Dictionary<string, object?> { ["city"] = "Paris", ["days"] = 3 };

        var call = new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call_1", "get_weather", arguments)]);
        var expectedCall = 3 + tokenizer.CountTokens("assistant") + tokenizer.CountTokens("get_weather")
            + tokenizer.CountTokens("""{"city":"Paris","days":3}""");
        Assert.Equal(expectedCall, counter.CountMessage(call));

        var result = new ChatMessage(ChatRole.Tool, [new FunctionResultContent("call_1", "Sunny, 24 °C")]);
        Assert.Equal(3 + tokenizer.CountTokens("tool") + tokenizer.CountTokens("Sunny, 24 °C"), counter.CountMessage(result));

        var json = new ChatMessage(ChatRole.Tool, [new FunctionResultContent("call_1", JsonDocument.Parse("""{"t":24}""").RootElement)]);
        Assert.Equal(3 + tokenizer.CountTokens("tool") + tokenizer.CountTokens("""{"t":24}"""), counter.CountMessage(json));
    }

    [Fact]
    public void A_request_adds_instructions_and_tool_schemas()
    {
        var counter = TokenCounter.ForModel("gpt-4o");
        var tool = AIFunctionFactory.Create((string city) => "sunny", "get_weather", "Gets the weather for a city.");
        var messages = new[] { new ChatMessage(ChatRole.User, "Weather in Paris?") };
        var options = new ChatOptions { Instructions = "Be brief.", Tools = [tool] };

        var schemaJson = JsonSerializer.Serialize(new { name = tool.Name, description = tool.Description, parameters = tool.JsonSchema });
        var expectedTools = counter.CountTokens(schemaJson);
        Assert.Equal(expectedTools, counter.CountTools([tool]));
        Assert.Equal(2 * expectedTools, counter.CountTools([tool, tool]));

        var instructions = counter.CountMessage(new ChatMessage(ChatRole.System, "Be brief."));
        Assert.Equal(counter.CountMessages(messages) + instructions + expectedTools, counter.CountRequest(messages, options));
        Assert.Equal(counter.CountMessages(messages), counter.CountRequest(messages));
    }

    [Fact]
    public void Output_counts_only_the_generated_contents()
    {
        var counter = TokenCounter.ForModel("gpt-4o");
        var reply = new ChatMessage(ChatRole.Assistant, [new TextReasoningContent("Thinking."), new TextContent(Prose)]);
        Assert.Equal(counter.CountTokens("Thinking.") + counter.CountTokens(Prose), counter.CountOutput([reply]));
    }

    [Theory]
    [InlineData(TruncationMode.KeepHead)]
    [InlineData(TruncationMode.KeepTail)]
    public void Truncation_keeps_a_part_within_the_limit_with_a_visible_marker(TruncationMode mode)
    {
        var counter = TokenCounter.ForModel("gpt-4o");
        var text = string.Join(" ", Enumerable.Range(1, 2000).Select(static i => "item" + i));

        foreach (var limit in new[] { 40, 100, 517 })
        {
            var truncated = counter.Truncate(text, limit, mode);
            Assert.InRange(counter.CountTokens(truncated), limit - 3, limit);
            Assert.Contains(TokenCounter.TruncationMarker, truncated);
            if (mode == TruncationMode.KeepHead)
            {
                Assert.StartsWith("item1 item2 item3", truncated);
                Assert.EndsWith(TokenCounter.TruncationMarker, truncated);
            }
            else
            {
                Assert.StartsWith(TokenCounter.TruncationMarker, truncated);
                Assert.EndsWith("item1999 item2000", truncated);
            }
        }
    }

    [Fact]
    public void Truncation_leaves_text_that_fits_alone_and_drops_the_marker_when_it_cannot_fit()
    {
        var counter = TokenCounter.ForModel("gpt-4o");
        Assert.Equal(Prose, counter.Truncate(Prose, counter.CountTokens(Prose)));
        Assert.Equal("", counter.Truncate("", 0));

        var tiny = counter.Truncate(Prose, 2);
        Assert.Equal("The quick", tiny);
        Assert.Equal("", counter.Truncate(Prose, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => counter.Truncate(Prose, -1));
    }
}
