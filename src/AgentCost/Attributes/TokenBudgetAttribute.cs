
namespace AgentCost;

/// <summary>
/// Caps the tokens one call of the method may consume. Every call site is routed through a generated interceptor that
/// opens a <see cref="TokenBudget"/> for the whole call, synchronous or asynchronous, as <see cref="TokenBudget.Current"/>;
/// the AgentCost chat client (<c>ChatClientBuilder.UseAgentCost()</c>) enforces it on every model call the method makes.
/// </summary>
/// <remarks>
/// <para>A budgeted method called from another opens a child budget that also charges its caller's: the tighter limit
/// wins. A call that does not fit throws <see cref="TokenBudgetExceededException"/> before anything is sent.</para>
/// <para>To end gracefully, loop while <see cref="TokenBudget.CanContinue"/>, then call
/// <see cref="TokenBudget.BeginFinalAnswer"/> and synthesise the answer within <see cref="FinalAnswerReserve"/>.</para>
/// </remarks>
/// <example>
/// <code>
/// [TokenBudget(8000, FinalAnswerReserve = 2000, MinStepTokens = 500)]
/// public async Task&lt;string&gt; ResearchAsync(string question, CancellationToken cancellationToken) { ... }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class TokenBudgetAttribute : Attribute
{
    /// <summary>Caps a call of the method at <paramref name="totalTokens"/> tokens.</summary>
    /// <param name="totalTokens">The limit, in tokens; positive.</param>
    public TokenBudgetAttribute(int totalTokens)
    {
        TotalTokens = totalTokens;
    }

    /// <summary>The limit, in tokens.</summary>
    public int TotalTokens { get; }

    /// <summary>
    /// Tokens normal steps may not touch, kept for the final answer; default
    /// <see cref="TokenBudget.DefaultFinalAnswerReserve"/> (2,000). Must be less than <see cref="TotalTokens"/>.
    /// </summary>
    public int FinalAnswerReserve { get; set; } = TokenBudget.DefaultFinalAnswerReserve;

    /// <summary>
    /// The smallest step worth taking; <see cref="TokenBudget.CanContinue"/> is <see langword="false"/> below it.
    /// Default <see cref="TokenBudget.DefaultMinStepTokens"/> (500).
    /// </summary>
    public int MinStepTokens { get; set; } = TokenBudget.DefaultMinStepTokens;

    /// <summary>What the chat client does with a prompt that does not fit; default <see cref="BudgetOverflowPolicy.Throw"/>.</summary>
    public BudgetOverflowPolicy OverflowPolicy { get; set; } = BudgetOverflowPolicy.Throw;
}
