using AgentCost.Budgets;
using AgentCost.Interception;

namespace AgentCost.Tests.Budgets;

public class TokenBudgetTests
{
    [Fact]
    public void A_scope_makes_its_budget_current_and_restores_the_parent()
    {
        Assert.Null(TokenBudget.Current);
        using (var outer = TokenBudget.Begin("Agent.Run", 8000))
        {
            Assert.Same(outer.Budget, TokenBudget.Current);
            using (var inner = TokenBudget.Begin("Agent.Step", 1000, finalAnswerReserve: 0))
            {
                Assert.Same(inner.Budget, TokenBudget.Current);
                Assert.Same(outer.Budget, inner.Budget.Parent);
            }

            Assert.Same(outer.Budget, TokenBudget.Current);
        }

        Assert.Null(TokenBudget.Current);
    }

    [Fact]
    public async Task The_budget_flows_with_async_calls_and_does_not_leak_to_the_caller()
    {
        TokenBudget? seenInside = null;
        TokenBudget? seenInTask = null;

        async Task BudgetedAsync()
        {
            // What a generated interceptor does for an async method: the scope spans the awaited body.
            using var scope = TokenBudget.Begin("Agent.RunAsync", 8000);
            await Task.Yield();
            seenInside = TokenBudget.Current;
            seenInTask = await Task.Run(() => TokenBudget.Current);
        }

        await BudgetedAsync();

        Assert.NotNull(seenInside);
        Assert.Same(seenInside, seenInTask);
        Assert.Null(TokenBudget.Current);
    }

    [Fact]
    public void Normal_steps_may_not_touch_the_final_answer_reserve()
    {
        using var scope = TokenBudget.Begin("Agent.Run", 8000, finalAnswerReserve: 2000, minStepTokens: 500);
        var budget = scope.Budget;

        Assert.Equal(6000, budget.AvailableForNextStep);
        Assert.Equal(8000, budget.Remaining);
        Assert.True(budget.CanContinue);

        budget.Charge(4000, 1600);
        Assert.Equal(5600, budget.Used);
        Assert.Equal(400, budget.AvailableForNextStep);
        Assert.Equal(2400, budget.Remaining);
        Assert.False(budget.CanContinue);
        Assert.True(budget.CheckPromptFits(399));
        Assert.False(budget.CheckPromptFits(400));
        Assert.False(budget.CheckPromptFits(300, minOutputTokens: 101));

        budget.BeginFinalAnswer();
        Assert.True(budget.IsFinalAnswer);
        Assert.Equal(2400, budget.AvailableForNextStep);
        Assert.True(budget.CanContinue);
    }

    [Fact]
    public void A_child_charges_its_parent_and_the_tighter_limit_wins()
    {
        using var parentScope = TokenBudget.Begin("Agent.Run", 10_000, finalAnswerReserve: 1000);
        var parent = parentScope.Budget;
        parent.Charge(7000, 1000);
        Assert.Equal(1000, parent.AvailableForNextStep);

        using var childScope = TokenBudget.Begin("Agent.Search", 4000, finalAnswerReserve: 0);
        var child = childScope.Budget;
        Assert.Equal(1000, child.AvailableForNextStep);
        Assert.Same(parent, child.Tightest);

        child.Charge(300, 100);
        Assert.Equal(400, child.Used);
        Assert.Equal(8400, parent.Used);
        Assert.Equal(600, child.AvailableForNextStep);
        Assert.Equal(2, parent.Calls);
        Assert.Equal(1, child.Calls);

        // Reservations are all or none along the chain.
        Assert.Same(parent, child.TryReserve(601));
        Assert.Equal(0, child.InFlight);
        Assert.Equal(0, parent.InFlight);
        Assert.Null(child.TryReserve(600));
        Assert.Equal(600, parent.InFlight);
        child.Release(600);
        Assert.Equal(0, parent.InFlight);
        Assert.Equal(600, child.AvailableForNextStep);
    }

    [Fact]
    public void Settling_replaces_the_reservation_by_the_actual_usage_even_beyond_it()
    {
        using var scope = TokenBudget.Begin("Agent.Run", 1000, finalAnswerReserve: 0, minStepTokens: 0);
        var budget = scope.Budget;

        Assert.Null(budget.TryReserve(600));
        Assert.Equal(400, budget.AvailableForNextStep);
        budget.Settle(600, new TokenCharge(100, 50, 40, 10, IsEstimated: false));
        Assert.Equal(850, budget.AvailableForNextStep);
        Assert.Equal(0, budget.InFlight);

        Assert.Null(budget.TryReserve(850));
        budget.Settle(850, new TokenCharge(500, 500, 0, 0, IsEstimated: true));
        Assert.Equal(1150, budget.Used);
        Assert.Equal(0, budget.Remaining);
        Assert.Equal(0, budget.AvailableForNextStep);

        var summary = budget.Summary;
        Assert.Equal(new TokenBudgetSummary("Agent.Run", 1000, 0, 600, 550, 40, 10, 0, 2, 0, true), summary);
        Assert.Equal(1150, summary.Used);
        Assert.Equal(0, summary.Remaining);
        Assert.Equal(1.15, summary.Utilization, precision: 10);
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(1000, 1000, 0)]
    [InlineData(1000, -1, 0)]
    [InlineData(1000, 0, 1001)]
    [InlineData(1000, 0, -1)]
    public void Invalid_settings_are_refused_with_the_budget_named(int total, int reserve, int minStep)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => TokenBudget.Begin("Agent.Run", total, reserve, minStep));
        Assert.Contains("'Agent.Run'", error.Message);
        Assert.Null(TokenBudget.Current);

        // A descriptor's policy is only checked when its scope opens, where the error names the method.
        var policy = new TokenBudgetPolicy(total, reserve, minStep);
        var fromPolicy = Assert.Throws<ArgumentOutOfRangeException>(() => TokenBudget.Begin("Agent.Plan", policy));
        Assert.Contains("'Agent.Plan'", fromPolicy.Message);
        Assert.Null(TokenBudget.Current);
    }

    [Fact]
    public void The_attribute_and_the_policy_carry_the_documented_defaults()
    {
        var attribute = new TokenBudgetAttribute(8000);
        Assert.Equal((8000, 2000, 500, BudgetOverflowPolicy.Throw), (attribute.TotalTokens, attribute.FinalAnswerReserve, attribute.MinStepTokens, attribute.OverflowPolicy));

        var policy = new TokenBudgetPolicy(8000, overflowPolicy: BudgetOverflowPolicy.TrimOldest);
        using var scope = TokenBudget.Begin("Agent.Run", policy);
        Assert.Equal((8000, 2000, 500, BudgetOverflowPolicy.TrimOldest), (scope.Budget.Total, scope.Budget.FinalAnswerReserve, scope.Budget.MinStepTokens, scope.Budget.OverflowPolicy));
    }

    [Fact]
    public void Disposing_out_of_order_does_not_clobber_a_budget_it_did_not_open()
    {
        var outer = TokenBudget.Begin("Outer", 1000, 0);
        var inner = TokenBudget.Begin("Inner", 1000, 0);
        outer.Dispose();
        Assert.Same(inner.Budget, TokenBudget.Current);
        inner.Dispose();
        inner.Dispose();
        Assert.Same(outer.Budget, TokenBudget.Current);
        TokenBudget.Restore(outer.Budget, null);
        Assert.Null(TokenBudget.Current);
    }

    [Fact]
    public void Exceeded_exception_names_the_budget_its_limit_what_was_used_and_what_the_call_needed()
    {
        using var scope = TokenBudget.Begin("Researcher.RunAsync", 8000);
        scope.Budget.Charge(5000, 930);

        var error = new TokenBudgetExceededException(scope.Budget, requestedTokens: 1250, promptTokens: 1249);

        Assert.Equal("Researcher.RunAsync", error.BudgetName);
        Assert.Equal(8000, error.Limit);
        Assert.Equal(5930, error.Used);
        Assert.Equal(1250, error.RequestedTokens);
        Assert.Equal(70, error.AvailableTokens);
        Assert.Contains("'Researcher.RunAsync' (8,000 tokens, 2,000 kept for the final answer)", error.Message);
        Assert.Contains("5,930 tokens used", error.Message);
        Assert.Contains("needed 1,250", error.Message);
        Assert.Contains("only 70 are available", error.Message);
    }

    [Fact]
    public void Truncate_fits_text_into_what_the_next_step_may_use()
    {
        using var scope = TokenBudget.Begin("Agent.Run", 3000, finalAnswerReserve: 2000);
        scope.Budget.Charge(900, 0);
        var text = string.Join(" ", Enumerable.Range(1, 1000).Select(static i => "word" + i));

        var truncated = scope.Budget.Truncate(text, maxTokens: 5000, modelId: "gpt-4o");

        Assert.InRange(Tokens.TokenCounter.ForModel("gpt-4o").CountTokens(truncated), 90, 100);
        Assert.EndsWith(Tokens.TokenCounter.TruncationMarker, truncated);
    }
}
