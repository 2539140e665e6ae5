using AgentCost.Caching;
using AgentCost.Tests.Caching.Semantic;
using BenchmarkDotNet.Attributes;

namespace AgentCost.Benchmarks;

/// <summary>
/// A semantic-cache lookup in one partition of 100,000 entries of 384 dimensions (all-MiniLM-L6-v2's size): the HNSW
/// graph, quantised and not, against the exact scan. Entries and queries are clustered like sentence embeddings (the
/// tests' generator); half the queries paraphrase a cached prompt. Each lookup asks for the cache's default four
/// candidates. The recall of these settings is measured by HnswSemanticIndexRecallTests.
/// </summary>
[MemoryDiagnoser]
public class SemanticIndexBenchmarks
{
    private const int Dimensions = 384;
    private const int Entries = 100_000;

    private readonly SemanticMatch[] _matches = new SemanticMatch[4];
    private ExactSemanticIndex _exact = null!;
    private HnswSemanticIndex _quantized = null!;
    private HnswSemanticIndex _float = null!;
    private float[][] _queries = null!;
    private int _next;

    // One index per benchmark: each runs in a process of its own, and building the graph takes most of the setup.
    [GlobalSetup(Target = nameof(Exact))]
    public void BuildExact() => _exact = Build(new ExactSemanticIndex(Dimensions));

    [GlobalSetup(Target = nameof(HnswQuantized))]
    public void BuildQuantized() => _quantized = Build(new HnswSemanticIndex(Dimensions));

    [GlobalSetup(Target = nameof(HnswFloat))]
    public void BuildFloat() => _float = Build(new HnswSemanticIndex(Dimensions, quantize: false));

    [Benchmark(Baseline = true, Description = "exact scan, 100,000 x 384")]
    public int Exact() => _exact.Search(NextQuery(), _matches);

    [Benchmark(Description = "HNSW int8 + re-rank, 100,000 x 384")]
    public int HnswQuantized() => _quantized.Search(NextQuery(), _matches);

    [Benchmark(Description = "HNSW float, 100,000 x 384")]
    public int HnswFloat() => _float.Search(NextQuery(), _matches);

    private T Build<T>(T index)
        where T : ISemanticIndex
    {
        var vectors = new SemanticIndexTestVectors(Dimensions, seed: 13);
        var stored = new float[Entries][];
        for (var id = 0; id < Entries; id++)
        {
            stored[id] = vectors.Prompt();
            index.Add(id, stored[id]);
        }

        var random = new Random(7);
        _queries = new float[256][];
        for (var i = 0; i < _queries.Length; i++)
        {
            _queries[i] = i % 2 == 0 ? vectors.Paraphrase(stored[random.Next(Entries)]) : vectors.Prompt();
        }

        return index;
    }

    private float[] NextQuery() => _queries[_next++ & (_queries.Length - 1)];
}

/// <summary>
/// The exact scan (<see cref="ExactSemanticIndex"/>: contiguous rows, TensorPrimitives, a heap in the caller's span)
/// against the loop anyone would write first: a scalar dot product per row and the best four kept by insertion.
/// </summary>
[MemoryDiagnoser]
public class SemanticIndexScanBenchmarks
{
    private const int Dimensions = 384;

    private readonly SemanticMatch[] _matches = new SemanticMatch[4];
    private ExactSemanticIndex _index = null!;
    private float[][] _rows = null!;
    private float[] _query = null!;

    [Params(1_000, 10_000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void Build()
    {
        var vectors = new SemanticIndexTestVectors(Dimensions, seed: 14);
        _index = new ExactSemanticIndex(Dimensions);
        _rows = new float[Entries][];
        for (var id = 0; id < Entries; id++)
        {
            _rows[id] = vectors.Prompt();
            _index.Add(id, _rows[id]);
        }

        _query = vectors.Prompt();
    }

    [Benchmark(Baseline = true, Description = "naive scalar loop")]
    public int Naive()
    {
        var found = 0;
        for (var id = 0; id < _rows.Length; id++)
        {
            var row = _rows[id];
            var similarity = 0f;
            for (var i = 0; i < row.Length; i++)
            {
                similarity += row[i] * _query[i];
            }

            if (found == _matches.Length && similarity <= _matches[found - 1].Similarity)
            {
                continue;
            }

            var at = found < _matches.Length ? found++ : found - 1;
            while (at > 0 && _matches[at - 1].Similarity < similarity)
            {
                _matches[at] = _matches[at - 1];
                at--;
            }

            _matches[at] = new SemanticMatch(id, similarity);
        }

        return found;
    }

    [Benchmark(Description = "ExactSemanticIndex")]
    public int Exact() => _index.Search(_query, _matches);
}
