namespace AgentCost.Caching;

/// <summary>What a semantic cache would have done with a labelled set at one threshold.</summary>
/// <param name="Threshold">The similarity at or above which a cached prompt is a candidate.</param>
/// <param name="TruePositives">Pairs labelled the same that would be served: right hits.</param>
/// <param name="FalsePositives">Pairs labelled different that would be served: wrong answers.</param>
/// <param name="FalseNegatives">Pairs labelled the same that would not be served: missed savings.</param>
/// <param name="TrueNegatives">Pairs labelled different that would not be served.</param>
public readonly record struct SemanticThresholdResult(float Threshold, int TruePositives, int FalsePositives, int FalseNegatives, int TrueNegatives)
{
    /// <summary>The share of served hits that are right; <see cref="double.NaN"/> when nothing would be served.</summary>
    public double Precision => TruePositives + FalsePositives == 0 ? double.NaN : (double)TruePositives / (TruePositives + FalsePositives);

    /// <summary>The share of pairs labelled the same that would be served; <see cref="double.NaN"/> when there are none.</summary>
    public double Recall => TruePositives + FalseNegatives == 0 ? double.NaN : (double)TruePositives / (TruePositives + FalseNegatives);
}
