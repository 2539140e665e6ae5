using System.Globalization;
using AgentCost.Budgets;
using AgentCost.Hosting;
using AgentCost.Interception;
using AgentCost.Tokens;
using Microsoft.Extensions.AI;

namespace AgentCost;

/// <summary>
/// The token budget of one agent run: a hard limit on the tokens its model calls consume, with a reserve kept back so
/// that the run can always end with a final answer. The AgentCost chat client (<c>UseAgentCost()</c>) enforces the
/// ambient budget, <see cref="Current"/>, on every model call.
/// </summary>
/// <remarks>
/// <para>A normal step may use the budget up to <see cref="Total"/> minus <see cref="FinalAnswerReserve"/>; after
/// <see cref="BeginFinalAnswer"/>, steps may use the reserve too. Before each call the chat client reserves the call's
/// worst case (its counted prompt plus the output limit it sets), then settles to the usage the provider reports, so
/// that concurrent calls can never overspend.</para>
/// <para>Budgets nest: a budget opened while another is current is its child, every charge to it also charges its
/// ancestors, and a call must fit all of them: the tighter limit wins.</para>
/// <para>All tallies are lock-free and safe for parallel tool calls.</para>
/// </remarks>
/// <example>
/// <code>
/// [TokenBudget(8000)]
/// public async Task&lt;string&gt; ResearchAsync(string question)
/// {
///     var budget = TokenBudget.Current!;
///     while (budget.CanContinue &amp;&amp; !done) { /* a step: one model round trip */ }
///     budget.BeginFinalAnswer();
///     return (await chat.GetResponseAsync(Synthesis(notes))).Text;
/// }
/// </code>
/// </example>
public sealed class TokenBudget
{
    /// <summary>The default of <see cref="FinalAnswerReserve"/>: 2,000 tokens.</summary>
    public const int DefaultFinalAnswerReserve = 2000;

    /// <summary>The default of <see cref="MinStepTokens"/>: 500 tokens.</summary>
    public const int DefaultMinStepTokens = 500;

    private static readonly AsyncLocal<TokenBudget?> s_current = new();

    // Charged plus reserved: the one figure limit checks compare, changed only by CAS or Interlocked.Add.
    private long _committed;
    private long _inFlight;
    private long _promptTokens;
    private long _completionTokens;
    private long _cachedInputTokens;
    private long _reasoningTokens;
    private int _calls;
    private int _refusedCalls;
    private int _estimated;
    private int _finalAnswer;

    // The runtime's tokenizers, from where the budget was opened: the budget never looks the runtime up itself.
    private readonly TokenizerRegistry _tokenizers;

    private TokenBudget(string name, int total, int finalAnswerReserve, int minStepTokens, BudgetOverflowPolicy overflowPolicy, TokenBudget? parent, TokenizerRegistry tokenizers)
    {
        _tokenizers = tokenizers;
        Name = name;
        Total = total;
        FinalAnswerReserve = finalAnswerReserve;
        MinStepTokens = minStepTokens;
        OverflowPolicy = overflowPolicy;
        Parent = parent;
    }

    /// <summary>The budget of the current asynchronous flow, or <see langword="null"/> outside any budget.</summary>
    public static TokenBudget? Current => s_current.Value;

    /// <summary>
    /// Opens a budget and makes it <see cref="Current"/> until the returned scope is disposed. Opened inside another
    /// budget it is that budget's child: it charges its parent too, and the tighter limit wins. This is the entry point
    /// generated interceptors call for <see cref="TokenBudgetAttribute"/>.
    /// </summary>
    /// <param name="name">How errors and metrics name the budget, normally the method (<c>Type.Method</c>).</param>
    /// <param name="totalTokens">The limit, in tokens; positive.</param>
    /// <param name="finalAnswerReserve">Tokens normal steps may not touch, kept for the final answer; less than <paramref name="totalTokens"/>.</param>
    /// <param name="minStepTokens">The smallest step worth taking: <see cref="CanContinue"/> is <see langword="false"/> below it.</param>
    /// <param name="overflowPolicy">What the chat client does with a prompt that does not fit.</param>
    /// <returns>The scope; dispose it when the budgeted work ends.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A number is out of range.</exception>
    public static TokenBudgetScope Begin(
        string name,
        int totalTokens,
        int finalAnswerReserve = DefaultFinalAnswerReserve,
        int minStepTokens = DefaultMinStepTokens,
        BudgetOverflowPolicy overflowPolicy = BudgetOverflowPolicy.Throw)
        => Begin(name, totalTokens, finalAnswerReserve, minStepTokens, overflowPolicy, tokenizers: null);

    /// <summary>Opens a budget with the settings of a generated descriptor; see <see cref="Begin(string, int, int, int, BudgetOverflowPolicy)"/>.</summary>
    /// <param name="name">How errors and metrics name the budget, normally the method (<c>Type.Method</c>).</param>
    /// <param name="policy">The settings of the method's <see cref="TokenBudgetAttribute"/>.</param>
    /// <returns>The scope; dispose it when the budgeted work ends.</returns>
    public static TokenBudgetScope Begin(string name, TokenBudgetPolicy policy) => Begin(name, policy, tokenizers: null);

    /// <summary>Opens a budget for an intercepted call, with the tokenizers of the runtime its entry point resolved.</summary>
    internal static TokenBudgetScope Begin(string name, TokenBudgetPolicy policy, TokenizerRegistry? tokenizers)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return Begin(name, policy.TotalTokens, policy.FinalAnswerReserve, policy.MinStepTokens, policy.OverflowPolicy, tokenizers);
    }

    // Opened by hand, a budget counts with the tokenizers of the runtime current where it is opened.
    private static TokenBudgetScope Begin(string name, int totalTokens, int finalAnswerReserve, int minStepTokens, BudgetOverflowPolicy overflowPolicy, TokenizerRegistry? tokenizers)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        TokenBudgetPolicy.Validate(totalTokens, finalAnswerReserve, minStepTokens, overflowPolicy, name);
        var parent = s_current.Value;
        var budget = new TokenBudget(name, totalTokens, finalAnswerReserve, minStepTokens, overflowPolicy, parent, tokenizers ?? AgentCostRuntime.Current.Tokenizers);
        s_current.Value = budget;
        return new TokenBudgetScope(budget, parent);
    }

    internal static void Restore(TokenBudget budget, TokenBudget? parent)
    {
        // A scope disposed out of order, or from another flow, must not clobber a budget it did not open.
        if (ReferenceEquals(s_current.Value, budget))
        {
            s_current.Value = parent;
        }
    }

    /// <summary>The budget's name: the annotated method, or the name given to <c>Begin</c>.</summary>
    public string Name { get; }

    /// <summary>The enclosing budget this one also charges, or <see langword="null"/>.</summary>
    public TokenBudget? Parent { get; }

    /// <summary>The limit, in tokens.</summary>
    public int Total { get; }

    /// <summary>Tokens normal steps may not touch, kept for the final answer.</summary>
    public int FinalAnswerReserve { get; }

    /// <summary>The smallest step worth taking, in tokens (prompt and answer together).</summary>
    public int MinStepTokens { get; }

    /// <summary>What the chat client does with a prompt that does not fit.</summary>
    public BudgetOverflowPolicy OverflowPolicy { get; }

    /// <summary>Whether <see cref="BeginFinalAnswer"/> was called: steps may now spend the reserve.</summary>
    public bool IsFinalAnswer => Volatile.Read(ref _finalAnswer) != 0;

    /// <summary>Prompt (input) tokens charged, cached ones included.</summary>
    public long PromptTokens => Interlocked.Read(ref _promptTokens);

    /// <summary>Completion (output) tokens charged, reasoning ones included.</summary>
    public long CompletionTokens => Interlocked.Read(ref _completionTokens);

    /// <summary>Of <see cref="PromptTokens"/>, those the provider served from its prompt cache.</summary>
    public long CachedInputTokens => Interlocked.Read(ref _cachedInputTokens);

    /// <summary>Of <see cref="CompletionTokens"/>, those spent on reasoning.</summary>
    public long ReasoningTokens => Interlocked.Read(ref _reasoningTokens);

    /// <summary>Tokens charged: prompt plus completion.</summary>
    public long Used => PromptTokens + CompletionTokens;

    /// <summary>Tokens reserved by calls still in flight.</summary>
    public long InFlight => Interlocked.Read(ref _inFlight);

    /// <summary>Tokens neither charged nor reserved, the reserve included; never negative.</summary>
    public int Remaining => Clamp(Total - Interlocked.Read(ref _committed));

    /// <summary>Model calls charged (in this budget and its children).</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Model calls refused because they did not fit.</summary>
    public int RefusedCalls => Volatile.Read(ref _refusedCalls);

    /// <summary>Whether any charge was a local estimate rather than the provider's own figure.</summary>
    public bool IsEstimated => Volatile.Read(ref _estimated) != 0;

    /// <summary>
    /// The most tokens the next step (prompt and answer) may use: what this budget has left outside the reserve (the
    /// whole remainder after <see cref="BeginFinalAnswer"/>), and no more than any enclosing budget allows.
    /// </summary>
    public int AvailableForNextStep
    {
        get
        {
            var available = int.MaxValue;
            for (var budget = this; budget is not null; budget = budget.Parent)
            {
                available = Math.Min(available, budget.OwnAvailable);
            }

            return available;
        }
    }

    /// <summary>Whether a step of at least <see cref="MinStepTokens"/> still fits.</summary>
    public bool CanContinue => AvailableForNextStep >= MinStepTokens;

    /// <summary>A snapshot of the tallies.</summary>
    public TokenBudgetSummary Summary => new(
        Name,
        Total,
        FinalAnswerReserve,
        PromptTokens,
        CompletionTokens,
        CachedInputTokens,
        ReasoningTokens,
        InFlight,
        Calls,
        RefusedCalls,
        IsEstimated);

    internal int OwnLimit => IsFinalAnswer ? Total : Total - FinalAnswerReserve;

    internal int OwnAvailable => Clamp(OwnLimit - Interlocked.Read(ref _committed));

    /// <summary>The budget in the chain with the least available: the one a call that does not fit is refused by.</summary>
    internal TokenBudget Tightest
    {
        get
        {
            var tightest = this;
            for (var budget = Parent; budget is not null; budget = budget.Parent)
            {
                if (budget.OwnAvailable < tightest.OwnAvailable)
                {
                    tightest = budget;
                }
            }

            return tightest;
        }
    }

    /// <summary>Lets the following steps spend <see cref="FinalAnswerReserve"/>: call it before the final synthesis.</summary>
    /// <remarks>Applies to this budget only; an enclosing budget still keeps its own reserve.</remarks>
    public void BeginFinalAnswer() => Volatile.Write(ref _finalAnswer, 1);

    /// <summary>Whether a step with <paramref name="promptTokens"/> of prompt, and room for <paramref name="minOutputTokens"/> of answer, fits now.</summary>
    /// <param name="promptTokens">The step's prompt tokens.</param>
    /// <param name="minOutputTokens">The smallest answer the step is worth taking with.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative.</exception>
    public bool CheckPromptFits(int promptTokens, int minOutputTokens = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(promptTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(minOutputTokens);
        return (long)promptTokens + minOutputTokens <= AvailableForNextStep;
    }

    /// <summary>Whether a request fits now, counted as the chat client will count it.</summary>
    /// <param name="messages">The request's messages.</param>
    /// <param name="options">The request's options; its tools and instructions count too.</param>
    /// <param name="minOutputTokens">The smallest answer the step is worth taking with.</param>
    public bool CheckPromptFits(IEnumerable<ChatMessage> messages, ChatOptions? options = null, int minOutputTokens = 1)
        => CheckPromptFits(CounterFor(options?.ModelId).CountRequest(messages, options), minOutputTokens);

    /// <summary>
    /// Cuts <paramref name="text"/> to at most <paramref name="maxTokens"/> tokens, and never more than
    /// <see cref="AvailableForNextStep"/>, with a visible <see cref="TokenCounter.TruncationMarker"/>.
    /// </summary>
    /// <param name="text">The text, typically a tool result about to go into the prompt.</param>
    /// <param name="maxTokens">The most tokens the text may take.</param>
    /// <param name="mode">Whether the head or the tail survives.</param>
    /// <param name="modelId">The model whose tokenizer counts; <see langword="null"/> for the configured fallback.</param>
    public string Truncate(string text, int maxTokens, TruncationMode mode = TruncationMode.KeepHead, string? modelId = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxTokens);
        return CounterFor(modelId).Truncate(text, Math.Min(maxTokens, AvailableForNextStep), mode);
    }

    /// <summary>
    /// Charges tokens consumed outside the AgentCost chat client (another client, an embedding call, ...) to this budget
    /// and its ancestors. Such a charge is not checked first: it can push the budget past its limit, after which every
    /// call is refused.
    /// </summary>
    /// <param name="promptTokens">Input tokens.</param>
    /// <param name="completionTokens">Output tokens.</param>
    /// <param name="isEstimated">Whether the figures are a local estimate.</param>
    public void Charge(int promptTokens, int completionTokens, bool isEstimated = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(promptTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(completionTokens);
        Settle(0, new TokenCharge(promptTokens, completionTokens, 0, 0, isEstimated));
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Name}: {Used:N0} of {Total:N0} tokens used, {AvailableForNextStep:N0} available for the next step");

    /// <summary>
    /// Reserves <paramref name="tokens"/> on this budget and every ancestor, all or none.
    /// </summary>
    /// <returns><see langword="null"/> when reserved; otherwise the budget that had no room.</returns>
    internal TokenBudget? TryReserve(int tokens)
    {
        for (var budget = this; budget is not null; budget = budget.Parent)
        {
            if (!budget.TryReserveOwn(tokens))
            {
                for (var reserved = this; reserved != budget; reserved = reserved.Parent!)
                {
                    reserved.Adjust(-tokens, -tokens);
                }

                return budget;
            }
        }

        return null;
    }

    /// <summary>Replaces a reservation by the actual charge on this budget and every ancestor.</summary>
    internal void Settle(int reserved, TokenCharge charge)
    {
        for (var budget = this; budget is not null; budget = budget.Parent)
        {
            // Charged even beyond the reservation: a provider that over-reports is still paid.
            budget.Adjust(charge.Total - reserved, -reserved);
            Interlocked.Add(ref budget._promptTokens, charge.PromptTokens);
            Interlocked.Add(ref budget._completionTokens, charge.CompletionTokens);
            Interlocked.Add(ref budget._cachedInputTokens, charge.CachedInputTokens);
            Interlocked.Add(ref budget._reasoningTokens, charge.ReasoningTokens);
            Interlocked.Increment(ref budget._calls);
            if (charge.IsEstimated)
            {
                Volatile.Write(ref budget._estimated, 1);
            }
        }
    }

    /// <summary>Gives a reservation back unused, on this budget and every ancestor.</summary>
    internal void Release(int reserved)
    {
        for (var budget = this; budget is not null; budget = budget.Parent)
        {
            budget.Adjust(-reserved, -reserved);
        }
    }

    /// <summary>Counts a refused call on this budget and every ancestor.</summary>
    internal void CountRefusal()
    {
        for (var budget = this; budget is not null; budget = budget.Parent)
        {
            Interlocked.Increment(ref budget._refusedCalls);
        }
    }

    private bool TryReserveOwn(int tokens)
    {
        var limit = OwnLimit;
        var committed = Interlocked.Read(ref _committed);
        while (true)
        {
            if (committed + tokens > limit)
            {
                return false;
            }

            var seen = Interlocked.CompareExchange(ref _committed, committed + tokens, committed);
            if (seen == committed)
            {
                Interlocked.Add(ref _inFlight, tokens);
                return true;
            }

            committed = seen;
        }
    }

    private void Adjust(long committed, long inFlight)
    {
        Interlocked.Add(ref _committed, committed);
        Interlocked.Add(ref _inFlight, inFlight);
    }

    private static int Clamp(long value) => (int)Math.Clamp(value, 0, int.MaxValue);

    private TokenCounter CounterFor(string? modelId) => _tokenizers.GetCounter(modelId);
}
