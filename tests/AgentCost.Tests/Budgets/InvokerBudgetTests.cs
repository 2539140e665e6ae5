using AgentCost.Budgets;
using AgentCost.Hosting;
using AgentCost.Interception;
using AgentCost.Tokens;

namespace AgentCost.Tests.Budgets;

/// <summary>The entry points open a [TokenBudget] method's scope for the whole call, in every return shape.</summary>
public sealed class InvokerBudgetTests
{
    private static readonly AgentMethod s_budgeted = new(
        "Agent", "Run", ["int"], ["step"], budget: new TokenBudgetPolicy(8000, finalAnswerReserve: 1000, minStepTokens: 100));

    private static readonly AgentMethod s_inner = new(
        "Agent", "Inner", [], [], budget: new TokenBudgetPolicy(3000, finalAnswerReserve: 500));

    private static readonly AgentMethod s_cachedAndBudgeted = new(
        "Agent", "Lookup", ["string"], ["query"], new CachePolicy(), new TokenBudgetPolicy(4000, finalAnswerReserve: 0));

    [Fact]
    public void A_synchronous_method_runs_inside_its_budget()
    {
        var seen = AgentMethodInvoker.Invoke(s_budgeted, 1, null, static _ => TokenBudget.Current);

        Assert.NotNull(seen);
        Assert.Equal("Agent.Run", seen.Name);
        Assert.Equal((8000, 1000, 100), (seen.Total, seen.FinalAnswerReserve, seen.MinStepTokens));
        Assert.Null(TokenBudget.Current);
    }

    [Fact]
    public async Task An_asynchronous_method_keeps_its_budget_until_its_task_completes()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        TokenBudget? afterAwait = null;
        var call = AgentMethodInvoker.InvokeAsync(s_budgeted, gate, null, async g =>
        {
            await g.Task;
            afterAwait = TokenBudget.Current;
            return afterAwait?.Name;
        }, default);

        Assert.Null(TokenBudget.Current);
        gate.SetResult();
        Assert.Equal("Agent.Run", await call);
        Assert.NotNull(afterAwait);
        Assert.Null(TokenBudget.Current);
    }

    [Fact]
    public async Task Methods_without_a_result_run_inside_their_budget()
    {
        TokenBudget? inVoid = null, inTask = null, inValueTask = null;
        AgentMethodInvoker.InvokeVoid(s_budgeted, 0, _ => inVoid = TokenBudget.Current);
        await AgentMethodInvoker.InvokeTaskAsync(s_budgeted, 0, async _ =>
        {
            await Task.Yield();
            inTask = TokenBudget.Current;
        });
        await AgentMethodInvoker.InvokeValueTaskAsync(s_budgeted, 0, async _ =>
        {
            await Task.Yield();
            inValueTask = TokenBudget.Current;
        });

        Assert.All(new[] { inVoid, inTask, inValueTask }, budget => Assert.Equal("Agent.Run", budget?.Name));
        Assert.Null(TokenBudget.Current);
    }

    [Fact]
    public void A_nested_budgeted_call_opens_a_child_that_charges_its_parent()
    {
        var (inner, outer) = AgentMethodInvoker.Invoke(s_budgeted, 0, null, static _ =>
        {
            var child = AgentMethodInvoker.Invoke(s_inner, 0, null, static _ =>
            {
                TokenBudget.Current!.Charge(promptTokens: 200, completionTokens: 50);
                return TokenBudget.Current;
            });
            return (child, TokenBudget.Current!);
        });

        Assert.Same(outer, inner.Parent);
        Assert.Equal(250, inner.Used);
        Assert.Equal(250, outer.Used);
    }

    [Fact]
    public void An_invalid_budget_is_refused_when_the_method_is_called_and_names_it()
    {
        var invalid = new AgentMethod("Agent", "Broken", [], [], budget: new TokenBudgetPolicy(1500));

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => AgentMethodInvoker.Invoke(invalid, 0, null, static _ => 1));

        Assert.Contains("'Agent.Broken'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cached_and_budgeted_method_runs_its_miss_inside_the_budget_and_serves_hits_from_the_cache()
    {
        using var runtime = new TestRuntime();
        var runs = 0;

        async Task<string?> Call() => await AgentMethodInvoker.InvokeAsync(
            s_cachedAndBudgeted,
            "q",
            static (ref AgentCost.Caching.CacheKeyBuilder key, in string query) => key.Add(query),
            query =>
            {
                runs++;
                return Task.FromResult(TokenBudget.Current?.Name);
            },
            default);

        Assert.Equal("Agent.Lookup", await Call());
        Assert.Equal("Agent.Lookup", await Call());
        Assert.Equal(1, runs);
    }

    [Fact]
    public void The_budget_counts_with_the_runtime_its_entry_point_resolved()
    {
        const string Text = "東京都の予算案は国会で審議される。Die Kostenüberschreitung wird geprüft: ∑∫∂ 12345 déjà-vu.";
        using var opened = AgentCostRuntime.Create(Encoding(TokenEncoding.Cl100kBase));
        using var later = AgentCostRuntime.Create(Encoding(TokenEncoding.O200kBase));
        var expected = opened.Tokenizers.GetCounter(null).Truncate(Text, 8);
        Assert.NotEqual(expected, later.Tokenizers.GetCounter(null).Truncate(Text, 8));

        string truncated;
        using (AgentCostRuntime.Use(opened))
        {
            truncated = AgentMethodInvoker.Invoke(s_budgeted, 1, null, _ =>
            {
                // The method's own flow switching runtimes does not change the budget its entry point opened.
                using (AgentCostRuntime.Use(later))
                {
                    return TokenBudget.Current!.Truncate(Text, 8);
                }
            });
        }

        Assert.Equal(expected, truncated);

        static AgentCostOptions Encoding(TokenEncoding encoding)
        {
            var options = new AgentCostOptions();
            options.Tokens.FallbackEncoding = encoding;
            return options;
        }
    }
}
