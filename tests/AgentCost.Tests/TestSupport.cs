using System.Text.Json;
using AgentCost.Caching;
using AgentCost.Hosting;
using AgentCost.Interception;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Time.Testing;

namespace AgentCost.Tests;

/// <summary>A key-writing callback for tests of <see cref="CacheKeyBuilder"/> alone.</summary>
internal delegate void KeyBody(ref CacheKeyBuilder key);

/// <summary>Computes cache keys the way <see cref="ResultCache"/> does.</summary>
internal static class Keys
{
    /// <summary>The method identity most key tests use; its parameter types are irrelevant to the argument encoding.</summary>
    public static readonly AgentMethod Method = new(
        "Sample.Tools", "Run", ["object"], ["value"], new CachePolicy());

    public static string Of(KeyBody body, AgentMethod? method = null, JsonSerializerOptions? json = null)
    {
        var key = new CacheKeyBuilder((method ?? Method).CacheIdentity, partition: null, json ?? KeySerialization.DefaultOptions);
        try
        {
            body(ref key);
            return key.ToKey();
        }
        finally
        {
            key.Dispose();
        }
    }

    public static string Of<T>(T value) => Of((ref CacheKeyBuilder key) => key.Add(value));

    public static string Of<T1, T2>(T1 first, T2 second) => Of((ref CacheKeyBuilder key) =>
    {
        key.Add(first);
        key.Add(second);
    });

    public static byte[] Bytes(KeyBody body, AgentMethod? method = null)
    {
        var key = new CacheKeyBuilder((method ?? Method).CacheIdentity, partition: null, KeySerialization.DefaultOptions);
        try
        {
            body(ref key);
            return key.EncodedBytes.ToArray();
        }
        finally
        {
            key.Dispose();
        }
    }
}

/// <summary>Calls of <see cref="ResultCache"/> as the entry points make them, for tests of the cache on its own.</summary>
internal static class InterceptedCalls
{
    public static string CreateKey<TArgs>(this ResultCache cache, AgentMethod method, TArgs args, CacheKeyWriter<TArgs>? writeKey)
        => cache.CreateKey(method.CacheIdentity, AgentCostContext.Current?.Tenant, new InterceptedCall<TArgs, string>(method, args, writeKey, default));

    public static ValueTask<TResult> GetOrCreateAsync<TArgs, TResult>(
        this ResultCache cache, AgentMethod method, TArgs args, CacheKeyWriter<TArgs>? writeKey, MethodBody<TArgs, TResult> body, CancellationToken cancellationToken)
        => cache.GetOrCreateAsync<InterceptedCall<TArgs, TResult>, TResult>(
            method.CacheIdentity, AgentCostContext.Current?.Tenant, new InterceptedCall<TArgs, TResult>(method, args, writeKey, body), cancellationToken);
}

/// <summary>An isolated runtime on a fake clock, made current for the test's asynchronous flow.</summary>
internal sealed class TestRuntime : IDisposable
{
    private readonly IDisposable _scope;

    public TestRuntime(AgentCostOptions? options = null, IServiceProvider? meters = null)
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Runtime = AgentCostRuntime.Create(
            options,
            Time,
            meters?.GetService(typeof(System.Diagnostics.Metrics.IMeterFactory)) as System.Diagnostics.Metrics.IMeterFactory);
        _scope = AgentCostRuntime.Use(Runtime);
    }

    public FakeTimeProvider Time { get; }

    public AgentCostRuntime Runtime { get; }

    public static AgentCostOptions Options(Action<ResultCacheOptions> configure)
    {
        var options = new AgentCostOptions();
        configure(options.Cache);
        return options;
    }

    public void Dispose()
    {
        _scope.Dispose();
        Runtime.Dispose();
    }
}

/// <summary>
/// A user's agent tools, as they would be written; <see cref="Intercepted"/> holds what the generator emits for
/// their call sites. Each instance counts how often each body really ran.
/// </summary>
internal sealed class Tools
{
    public int Runs;

    public Func<string, string?> Answer { get; set; } = static prompt => "answer to " + prompt;

    public string? Ask(string prompt)
    {
        Interlocked.Increment(ref Runs);
        return Answer(prompt);
    }

    public async Task<string?> AskAsync(string prompt, object? log, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Runs);
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        return Answer(prompt);
    }

    public async ValueTask<int> CountAsync(string text)
    {
        Interlocked.Increment(ref Runs);
        await Task.Yield();
        return text.Length;
    }
}

/// <summary>Hand-written equivalents of the generated interceptors for <see cref="Tools"/> (see notes/contract.md).</summary>
internal static class Intercepted
{
    public static AgentMethod AskMethod(int ttlSeconds = 0, int version = 0) => new(
        "AgentCost.Tests.Tools", "Ask", ["string"], ["prompt"], new CachePolicy(ttlSeconds, version));

    public static readonly AgentMethod Ask = AskMethod();

    public static readonly AgentMethod AskAsyncMethod = new(
        "AgentCost.Tests.Tools", "AskAsync",
        ["string", "object", "System.Threading.CancellationToken"],
        ["prompt", "log", "cancellationToken"],
        new CachePolicy());

    public static readonly AgentMethod CountAsyncMethod = new(
        "AgentCost.Tests.Tools", "CountAsync", ["string"], ["text"], new CachePolicy());

    public static string? CallAsk(this Tools @this, string prompt, AgentMethod? method = null)
        => AgentMethodInvoker.Invoke(
            method ?? Ask,
            (@this, prompt),
            static (ref CacheKeyBuilder key, in (Tools, string) args) => key.Add(args.Item2),
            static args => args.Item1.Ask(args.Item2));

    // The log parameter is [NotCacheKey] and the token is a CancellationToken: neither is written to the key.
    public static Task<string?> CallAskAsync(this Tools @this, string prompt, object? log, CancellationToken ct)
        => AgentMethodInvoker.InvokeAsync(
            AskAsyncMethod,
            (@this, prompt, log, ct),
            static (ref CacheKeyBuilder key, in (Tools, string, object?, CancellationToken) args) => key.Add(args.Item2),
            static (args, cancellationToken) => args.Item1.AskAsync(args.Item2, args.Item3, cancellationToken),
            ct);

    public static ValueTask<int> CallCountAsync(this Tools @this, string text)
        => AgentMethodInvoker.InvokeValueTaskAsync(
            CountAsyncMethod,
            (@this, text),
            static (ref CacheKeyBuilder key, in (Tools, string) args) => key.Add(args.Item2),
            static args => args.Item1.CountAsync(args.Item2),
            default);
}

/// <summary>
/// A distributed cache as a user would register one (Redis, SQL Server, ...): here a <see cref="MemoryDistributedCache"/>
/// behind a wrapper that counts reads and writes. HybridCache ignores a bare <see cref="MemoryDistributedCache"/>
/// beside its own memory cache, since that would be a second copy in the same process.
/// </summary>
internal sealed class CountingDistributedCache(IDistributedCache inner) : IDistributedCache
{
    public int Gets;
    public int Hits;
    public int Sets;

    /// <summary>Waits, up to ten seconds, until at least <paramref name="count"/> entries were written.</summary>
    public async Task WaitForSetsAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Volatile.Read(ref Sets) < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The second level saw {Volatile.Read(ref Sets)} writes, expected {count}.");
            await Task.Delay(10);
        }
    }

    public byte[]? Get(string key)
    {
        Interlocked.Increment(ref Gets);
        var value = inner.Get(key);
        if (value is not null)
        {
            Interlocked.Increment(ref Hits);
        }

        return value;
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        Interlocked.Increment(ref Gets);
        var value = await inner.GetAsync(key, token);
        if (value is not null)
        {
            Interlocked.Increment(ref Hits);
        }

        return value;
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        Interlocked.Increment(ref Sets);
        inner.Set(key, value, options);
    }

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        Interlocked.Increment(ref Sets);
        return inner.SetAsync(key, value, options, token);
    }

    public void Refresh(string key) => inner.Refresh(key);

    public Task RefreshAsync(string key, CancellationToken token = default) => inner.RefreshAsync(key, token);

    public void Remove(string key) => inner.Remove(key);

    public Task RemoveAsync(string key, CancellationToken token = default) => inner.RemoveAsync(key, token);
}
