namespace AgentCost.Embeddings;

/// <summary>Settings of a <see cref="MiniLmEmbeddingGenerator"/>.</summary>
public sealed class MiniLmEmbeddingGeneratorOptions
{
    /// <summary>
    /// The most inputs run through the model at once; a longer call is split into runs of this many, in order. Inputs
    /// of one run are padded to the longest of them, so a bound keeps one long input from inflating many short ones.
    /// Default 32; must be positive.
    /// </summary>
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>
    /// How many threads one model run may use; 0 (the default) lets ONNX Runtime choose, which is one per core. Set 1
    /// on a busy server where many requests embed at once, so that they run side by side rather than contend.
    /// </summary>
    public int IntraOpThreads { get; set; }
}
