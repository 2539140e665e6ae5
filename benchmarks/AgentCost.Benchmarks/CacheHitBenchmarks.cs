using System.Security.Cryptography;
using System.Text;
using AgentCost;
using AgentCost.Hosting;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentCost.Benchmarks;

/// <summary>
/// A cache hit of <c>Task&lt;string&gt; AskAsync(string prompt)</c> four ways: through the generated interceptor, through
/// hand-written decorators over the same <see cref="HybridCache"/> (one keyed like AgentCost, by a SHA-256 hash, one by
/// the raw prompt), and through Microsoft.Extensions.AI's <see cref="DistributedCachingChatClient"/>.
/// </summary>
[MemoryDiagnoser]
public class CacheHitBenchmarks
{
    private const string Prompt = "Summarise the trade-offs between a result cache and a semantic cache for an agent.";

    private readonly ServiceProvider _services;
    private readonly AgentCostRuntime _runtime;
    private readonly Assistant _intercepted;
    private readonly HashKeyedDecorator _hashKeyed;
    private readonly PromptKeyedDecorator _promptKeyed;
    private readonly IChatClient _cachingChatClient;

    public CacheHitBenchmarks()
    {
        _services = new ServiceCollection().AddHybridCache().Services.BuildServiceProvider();
        var hybrid = _services.GetRequiredService<HybridCache>();
        _runtime = new AgentCostRuntime(Options.Create(new AgentCostOptions()), hybrid);
        AgentCostRuntime.Global = _runtime;

        _intercepted = new Assistant();
        _hashKeyed = new HashKeyedDecorator(new Assistant(), hybrid);
        _promptKeyed = new PromptKeyedDecorator(new Assistant(), hybrid);
        _cachingChatClient = new ChatClientBuilder(new AssistantChatClient())
            .UseDistributedCache(new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions())))
            .Build();
    }

    [GlobalSetup]
    public void Warm()
    {
        _intercepted.AskAsync(Prompt).GetAwaiter().GetResult();
        _hashKeyed.AskAsync(Prompt).GetAwaiter().GetResult();
        _promptKeyed.AskAsync(Prompt).GetAwaiter().GetResult();
        _cachingChatClient.GetResponseAsync(Prompt).GetAwaiter().GetResult();
        if (_intercepted.Runs != 1)
        {
            throw new InvalidOperationException("The [Cached] call was not intercepted: build with the generator.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        AgentCostRuntime.Global = null;
        _runtime.Dispose();
        _services.Dispose();
    }

    [Benchmark(Description = "[Cached] via interceptor")]
    public Task<string> Intercepted() => _intercepted.AskAsync(Prompt);

    [Benchmark(Baseline = true, Description = "decorator, SHA-256 key")]
    public Task<string> DecoratorHashKey() => _hashKeyed.AskAsync(Prompt);

    [Benchmark(Description = "decorator, raw prompt key")]
    public Task<string> DecoratorPromptKey() => _promptKeyed.AskAsync(Prompt);

    [Benchmark(Description = "DistributedCachingChatClient")]
    public Task<ChatResponse> CachingChatClient() => _cachingChatClient.GetResponseAsync(Prompt);

    public class Assistant
    {
        public int Runs { get; private set; }

        [Cached]
        public Task<string> AskAsync(string prompt)
        {
            Runs++;
            return Task.FromResult("An answer to: " + prompt);
        }
    }

    /// <summary>A careful hand-written decorator: bounded, collision-safe keys, as a shared cache needs.</summary>
    private sealed class HashKeyedDecorator(Assistant inner, HybridCache cache)
    {
        public Task<string> AskAsync(string prompt)
        {
            // Encoded on the stack so that the key string is the decorator's only allocation besides the cache's own.
            Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(prompt.Length)];
            var length = Encoding.UTF8.GetBytes(prompt, utf8);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(utf8[..length], hash);
            var key = "ask:" + Convert.ToHexStringLower(hash);
            return cache.GetOrCreateAsync(key, (inner, prompt), static (state, _) => new ValueTask<string>(state.inner.AskAsync(state.prompt))).AsTask();
        }
    }

    /// <summary>The simplest hand-written decorator: the prompt itself is the key.</summary>
    private sealed class PromptKeyedDecorator(Assistant inner, HybridCache cache)
    {
        public Task<string> AskAsync(string prompt)
            => cache.GetOrCreateAsync("ask:" + prompt, (inner, prompt), static (state, _) => new ValueTask<string>(state.inner.AskAsync(state.prompt))).AsTask();
    }

    private sealed class AssistantChatClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
            => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "An answer to: " + messages.Last().Text)));

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
            => throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
