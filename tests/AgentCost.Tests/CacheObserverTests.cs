using System.Reflection;
using AgentCost.Caching;
using AgentCost.Interception;
using AgentCost.Telemetry;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace AgentCost.Tests;

/// <summary>
/// The result cache's observer seam on its own: a cache with a test observer and no spend monitor, and the rule that
/// the caching layer depends on nothing above it.
/// </summary>
public class CacheObserverTests
{
    private static readonly CachedMethod Fetch = new("Sample.Api", "Fetch", ["string"], "Sample.Api.Fetch", ttlSeconds: 0, version: 0);

    [Fact]
    public async Task Hits_misses_and_what_each_run_measured_reach_the_observer()
    {
        await using var services = new ServiceCollection().AddHybridCache().Services.BuildServiceProvider();
        using var metrics = new AgentCostMetrics(meterFactory: null);
        var observer = new MeteringObserver();
        var cache = new ResultCache(services.GetRequiredService<HybridCache>(), new ResultCacheOptions(), metrics, keySerializerOptions: null, observer);

        Assert.Equal("A", await cache.GetOrCreateAsync<Call, string>(Fetch, null, new Call("a", units: 7), CancellationToken.None));
        Assert.Equal("A", await cache.GetOrCreateAsync<Call, string>(Fetch, null, new Call("a", units: 7), CancellationToken.None));
        Assert.Equal("B", await cache.GetOrCreateAsync<Call, string>(Fetch, null, new Call("b", units: 3), CancellationToken.None));
        Assert.Equal("A", await cache.GetOrCreateAsync<Call, string>(Fetch, "tenant-2", new Call("a", units: 5), CancellationToken.None));

        var keyA = cache.CreateKey(Fetch, null, new Call("a", 0));
        var keyB = cache.CreateKey(Fetch, null, new Call("b", 0));
        var keyA2 = cache.CreateKey(Fetch, "tenant-2", new Call("a", 0));
        Assert.Equal([(keyA, 7L), (keyB, 3L), (keyA2, 5L)], observer.Misses);
        Assert.Equal([(keyA, 7L)], observer.Hits);
        Assert.All(observer.Methods, method => Assert.Same(Fetch, method));
        Assert.Equal(new CacheStatistics("Sample.Api.Fetch", 1, 3), cache.GetStatistics("Sample.Api.Fetch"));
    }

    [Fact]
    public async Task A_hit_allocates_nothing_for_its_observer()
    {
        // HybridCache's own hit path may allocate; the observer must add nothing to it.
        await using var services = new ServiceCollection().AddHybridCache().Services.BuildServiceProvider();
        using var metrics = new AgentCostMetrics(meterFactory: null);
        var hybrid = services.GetRequiredService<HybridCache>();
        var observer = new CountingObserver();
        var observed = new ResultCache(hybrid, new ResultCacheOptions(), metrics, keySerializerOptions: null, observer);
        var plain = new ResultCache(hybrid, new ResultCacheOptions(), metrics, keySerializerOptions: null);
        var call = new Call("a", units: 1);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal("A", await observed.GetOrCreateAsync<Call, string>(Fetch, null, call, CancellationToken.None));
            Assert.Equal("A", await plain.GetOrCreateAsync<Call, string>(Fetch, null, call, CancellationToken.None));
        }

        var withObserver = AllocatedByHits(observed, call);
        var withoutObserver = AllocatedByHits(plain, call);

        Assert.Equal(1099, observer.Hits);
        Assert.Equal(withoutObserver, withObserver);

        static long AllocatedByHits(ResultCache cache, Call call)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 1000; i++)
            {
                if (!cache.GetOrCreateAsync<Call, string>(Fetch, null, call, CancellationToken.None).IsCompletedSuccessfully)
                {
                    throw new InvalidOperationException("An in-process hit completes synchronously.");
                }
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
    }

    [Fact]
    public void The_caching_layer_refers_to_nothing_above_it()
    {
        // Fields (compiler-generated closures and state machines included), signatures and base types of every type in
        // AgentCost.Caching: only the caching layer itself, the telemetry instruments and types outside AgentCost.
        var assembly = typeof(ResultCache).Assembly;
        var offending = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in assembly.GetTypes().Where(static t => t.Namespace == "AgentCost.Caching"))
        {
            foreach (var used in Referenced(type))
            {
                if (IsAbove(used))
                {
                    offending.Add($"{type.Name} -> {used.FullName}");
                }
            }
        }

        Assert.Empty(offending);

        static bool IsAbove(Type type) => type.Namespace is { } ns
            && (ns == "AgentCost" || ns.StartsWith("AgentCost.", StringComparison.Ordinal))
            && ns != "AgentCost.Caching" && ns != "AgentCost.Telemetry";
    }

    private static IEnumerable<Type> Referenced(Type type)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var seen = new HashSet<Type>();
        var pending = new Stack<Type>();
        void Add(Type? t)
        {
            if (t is null)
            {
                return;
            }

            while (t.HasElementType)
            {
                t = t.GetElementType()!;
            }

            if (t.IsGenericParameter || !seen.Add(t))
            {
                return;
            }

            pending.Push(t);
            if (t.IsGenericType)
            {
                foreach (var argument in t.GetGenericArguments())
                {
                    Add(argument);
                }
            }
        }

        foreach (var nested in Nested(type))
        {
            Add(nested.BaseType);
            foreach (var implemented in nested.GetInterfaces())
            {
                Add(implemented);
            }

            foreach (var field in nested.GetFields(All))
            {
                Add(field.FieldType);
            }

            foreach (var method in nested.GetMethods(All).Cast<MethodBase>().Concat(nested.GetConstructors(All)))
            {
                Add((method as MethodInfo)?.ReturnType);
                foreach (var parameter in method.GetParameters())
                {
                    Add(parameter.ParameterType);
                }

                foreach (var constraint in method.IsGenericMethod ? method.GetGenericArguments().SelectMany(static a => a.GetGenericParameterConstraints()) : [])
                {
                    Add(constraint);
                }
            }
        }

        return pending;

        static IEnumerable<Type> Nested(Type type)
            => type.GetNestedTypes(BindingFlags.Public | BindingFlags.NonPublic).SelectMany(Nested).Prepend(type);
    }

    // A call whose run "spends" units on the ambient meter of the observer, as a model call charges a spend capture.
    private readonly struct Call(string argument, long units) : ICachedCall<string>
    {
        public void WriteKey(ref CacheKeyBuilder key) => key.Add(argument);

        public ValueTask<string> RunAsync(CancellationToken cancellationToken)
        {
            MeteringObserver.Current?.Add(units);
            return new ValueTask<string>(argument.ToUpperInvariant());
        }
    }

    // Sets ambient state around each miss, learns what the run measured, and is told of every hit: what the spend side does.
    private sealed class MeteringObserver : IResultCacheObserver
    {
        private static readonly AsyncLocal<Meter?> s_current = new();
        private readonly Dictionary<string, long> _measured = new(StringComparer.Ordinal);

        public static Meter? Current => s_current.Value;

        public List<(string Key, long Units)> Misses { get; } = [];

        public List<(string Key, long Units)> Hits { get; } = [];

        public List<CachedMethod> Methods { get; } = [];

        public void OnHit(CachedMethod method, string key)
        {
            Methods.Add(method);
            Hits.Add((key, _measured.GetValueOrDefault(key)));
        }

        public async ValueTask<TResult> RunMissAsync<TCall, TResult>(CachedMethod method, string key, TCall call, CancellationToken cancellationToken)
            where TCall : ICachedCall<TResult>
        {
            var meter = new Meter();
            s_current.Value = meter;
            var result = await call.RunAsync(cancellationToken);
            Methods.Add(method);
            Misses.Add((key, meter.Units));
            _measured[key] = meter.Units;
            return result;
        }

        public sealed class Meter
        {
            public long Units { get; private set; }

            public void Add(long units) => Units += units;
        }
    }

    private sealed class CountingObserver : IResultCacheObserver
    {
        public int Hits;

        public void OnHit(CachedMethod method, string key) => Hits++;

        public ValueTask<TResult> RunMissAsync<TCall, TResult>(CachedMethod method, string key, TCall call, CancellationToken cancellationToken)
            where TCall : ICachedCall<TResult>
            => call.RunAsync(cancellationToken);
    }
}
