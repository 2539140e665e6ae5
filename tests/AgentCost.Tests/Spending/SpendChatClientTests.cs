using System.Diagnostics;
using AgentCost.Spending;
using AgentCost.Telemetry;
using AgentCost.Tests.ChatClients;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace AgentCost.Tests.Spending;

/// <summary>The call layer prices, attributes, limits and records every model call.</summary>
public sealed class SpendChatClientTests
{
    private static readonly ChatMessage[] s_question = [new(ChatRole.System, "You are terse."), new(ChatRole.User, "What does a spend budget do?")];

    [Fact]
    public async Task Every_call_is_priced_attributed_and_written_to_the_ledger_before_it_returns()
    {
        using var test = new SpendRuntime();
        using var cost = new MetricCollector<double>(test.MeterFactory, AgentCostMetrics.MeterName, "agentcost.cost");
        var model = new ScriptedModel("gpt-4o") { AnswerTokens = static _ => 30, CachedInputTokens = 8 };
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        var options = new ChatOptions { Temperature = 0.2f };

        using (AgentCostContext.Begin("acme"))
        using (AgentCallContext.BeginMethod("MyApp.Researcher.AnswerAsync"))
        using (var task = AgentTask.Begin("answer"))
        {
            await client.GetResponseAsync(s_question, options);
            var record = Assert.Single(await test.RecordsAsync());
            var prompt = model.Counter.CountRequest(s_question);
            Assert.Equal(("gpt-4o", "MyApp.Researcher.AnswerAsync", "acme", "answer"), (record.Model, record.Method, record.Tenant, record.Task));
            Assert.Equal(new SpendTokens(prompt - 8, 8, 0, 0, 30, 0), record.Tokens);
            Assert.Equal(((prompt - 8) * 2.50m / 1_000_000) + (8 * 1.25m / 1_000_000) + (30 * 10m / 1_000_000), record.Cost);
            Assert.Equal(8 * 1.25m / 1_000_000, record.Saved);
            Assert.False(record.IsEstimated);
            Assert.Equal(record.Cost, task.Cost);
            Assert.Equal(1, task.Calls);

            var measurement = Assert.Single(cost.GetMeasurementSnapshot());
            Assert.Equal((double)record.Cost, measurement.Value, 12);
            Assert.Equal("gpt-4o", measurement.Tags["gen_ai.request.model"]);
            Assert.Equal("MyApp.Researcher.AnswerAsync", measurement.Tags["agentcost.method"]);
            Assert.Equal("acme", measurement.Tags["agentcost.tenant"]);
            Assert.Equal("USD", cost.Instrument!.Unit);
        }

        // Outside spend budgets the request itself is not changed.
        Assert.Same(options, Assert.Single(model.Requests).Options);
    }

    [Fact]
    public async Task The_current_activity_gets_the_calls_cost()
    {
        using var test = new SpendRuntime();
        using var client = new ChatClientBuilder(new ScriptedModel("gpt-4o-mini")).UseAgentCost().Build();
        using var activity = new Activity("agent.step").Start();

        await client.GetResponseAsync(s_question);

        var record = Assert.Single(await test.RecordsAsync());
        Assert.Equal((double)record.Cost, (double)activity.GetTagItem("agentcost.cost")!, 12);
    }

    [Fact]
    public async Task Token_usage_follows_the_gen_ai_conventions_for_every_call()
    {
        using var test = new SpendRuntime();
        using var usage = new MetricCollector<long>(test.MeterFactory, AgentCostMetrics.MeterName, "agentcost.token.usage");
        var model = new ScriptedModel("gpt-4o-mini") { AnswerTokens = static _ => 7 };
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();

        await client.GetResponseAsync(s_question);

        var output = Assert.Single(usage.GetMeasurementSnapshot(), static m => (string?)m.Tags["gen_ai.token.type"] == "output");
        Assert.Equal(7, output.Value);
        Assert.Equal("chat", output.Tags["gen_ai.operation.name"]);
        Assert.Equal("gpt-4o-mini", output.Tags["gen_ai.request.model"]);
        Assert.Equal("gpt-4o-mini", output.Tags["gen_ai.response.model"]);
        Assert.Equal("scripted", output.Tags["gen_ai.provider.name"]);
        Assert.False(output.Tags.ContainsKey("agentcost.budget"));
    }

    [Fact]
    public async Task A_budget_clamps_the_output_limit_sent_and_a_refused_call_never_reaches_the_model()
    {
        // gpt-4o-mini: $0.15 input, $0.60 output per million.
        using var test = new SpendRuntime(o => o.Spending.Budgets.Global.Daily = 0.0001m);
        using var refused = new MetricCollector<long>(test.MeterFactory, AgentCostMetrics.MeterName, "agentcost.calls.refused");
        var model = new ScriptedModel("gpt-4o-mini") { AnswerTokens = static _ => 20 };
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        var prompt = model.Counter.CountRequest(s_question);

        await client.GetResponseAsync(s_question, new ChatOptions { MaxOutputTokens = 1_000 });

        var expected = (int)decimal.Floor(((0.0001m * 10_000_000_000m) - (prompt * 1_500m)) / 6_000m);
        Assert.Equal(expected, Assert.Single(model.Requests).Options!.MaxOutputTokens);

        // Spend what is left until a call no longer fits.
        var error = await Assert.ThrowsAsync<SpendLimitExceededException>(async () =>
        {
            while (true)
            {
                await client.GetResponseAsync(s_question);
            }
        });

        Assert.Equal("global daily", error.BudgetName);
        var calls = model.Calls;
        await Assert.ThrowsAsync<SpendLimitExceededException>(async () => await client.GetStreamingResponseAsync(s_question).ToChatResponseAsync());
        Assert.Equal(calls, model.Calls);
        Assert.True(test.Spending.GetBudgets().Single().Spent <= 0.0001m);
        Assert.All(refused.GetMeasurementSnapshot(), static m => Assert.Equal("spend_limit", m.Tags["reason"]));
        Assert.Equal(2, refused.GetMeasurementSnapshot().Count);
    }

    [Fact]
    public async Task The_utilization_gauge_reports_each_budget()
    {
        using var test = new SpendRuntime(o =>
        {
            o.Spending.Budgets.Global.Daily = 1m;
            o.Spending.Budgets.Models["gpt-4o"] = new SpendLimit { Monthly = 2m };
        });
        using var gauge = new MetricCollector<double>(test.MeterFactory, AgentCostMetrics.MeterName, "agentcost.budget.utilization");
        await test.Spending.Reserve("gpt-4o", 100_000, 10_000).SettleAsync(new UsageDetails { InputTokenCount = 100_000, OutputTokenCount = 10_000 });

        gauge.RecordObservableInstruments();

        var measurements = gauge.GetMeasurementSnapshot();
        Assert.Equal(0.35, measurements.Single(static m => (string?)m.Tags["agentcost.budget"] == "global daily").Value, 9);
        var model = measurements.Single(static m => (string?)m.Tags["agentcost.budget"] == "model 'gpt-4o' monthly");
        Assert.Equal(0.175, model.Value, 9);
        Assert.Equal("model", model.Tags["agentcost.budget.scope"]);
        Assert.Equal("month", model.Tags["agentcost.budget.period"]);
    }

    [Fact]
    public async Task A_cancelled_stream_settles_what_it_consumed()
    {
        using var test = new SpendRuntime(o => o.Spending.Budgets.Global.Daily = 1m);
        var model = new ScriptedModel("gpt-4o-mini") { AnswerTokens = static _ => 200, ReportUsage = false };
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();
        using var cancellation = new CancellationTokenSource();
        var received = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(s_question, cancellationToken: cancellation.Token))
            {
                if (++received == 5)
                {
                    cancellation.Cancel();
                }
            }
        });

        var record = Assert.Single(await test.RecordsAsync());
        var prompt = model.Counter.CountRequest(s_question);
        Assert.True(record.IsEstimated);
        Assert.Equal(prompt, record.Tokens.Input);
        Assert.InRange(record.Tokens.Output, 5, 6);
        Assert.Equal((prompt * 0.15m / 1_000_000) + (record.Tokens.Output * 0.60m / 1_000_000), record.Cost);
        var budget = test.Spending.GetBudgets().Single();
        Assert.Equal(record.Cost, budget.Spent);
        Assert.Equal(0m, budget.Reserved);
    }

    [Fact]
    public async Task A_call_that_fails_gives_its_reservation_back_and_records_nothing()
    {
        using var test = new SpendRuntime(o => o.Spending.Budgets.Global.Daily = 1m);
        var model = new ScriptedModel("gpt-4o-mini") { Failure = new InvalidOperationException("provider down") };
        using var client = new ChatClientBuilder(model).UseAgentCost().Build();

        await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResponseAsync(s_question));

        Assert.Empty(await test.RecordsAsync());
        Assert.Equal(0m, test.Spending.GetBudgets().Single().Reserved);
    }

    [Fact]
    public async Task Spending_can_be_turned_off()
    {
        using var test = new SpendRuntime(o =>
        {
            o.Spending.Enabled = false;
            o.Spending.Budgets.Global.Daily = 0.0000001m;
        });
        using var client = new ChatClientBuilder(new ScriptedModel("gpt-4o")).UseAgentCost().Build();

        await client.GetResponseAsync(s_question);

        Assert.Empty(await test.RecordsAsync());
    }

    [Fact]
    public async Task A_report_breaks_spend_down_by_model_method_tenant_and_day()
    {
        using var test = new SpendRuntime();
        using var mini = new ChatClientBuilder(new ScriptedModel("gpt-4o-mini") { AnswerTokens = static _ => 10 }).UseAgentCost().Build();
        using var big = new ChatClientBuilder(new ScriptedModel("gpt-4o") { AnswerTokens = static _ => 10 }).UseAgentCost().Build();

        using (AgentCostContext.Begin("acme"))
        using (AgentCallContext.BeginMethod("Agent.Plan"))
        {
            await big.GetResponseAsync(s_question);
            await mini.GetResponseAsync(s_question);
        }

        test.Time.Advance(TimeSpan.FromDays(1));
        using (AgentCostContext.Begin("globex"))
        {
            await mini.GetResponseAsync(s_question);
        }

        var report = await test.Spending.GetReportAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
        var records = await test.RecordsAsync();

        Assert.Equal(3, report.Calls);
        Assert.Equal(records.Sum(static r => r.Cost), report.TotalCost);
        Assert.Equal(["gpt-4o", "gpt-4o-mini"], report.ByModel.Select(static l => l.Model));
        Assert.Equal(2, report.ByModel[1].Calls);
        Assert.Equal(["Agent.Plan", null], report.ByMethod.Select(static l => l.Method));
        Assert.Equal(["acme", "globex"], report.ByTenant.Select(static l => l.Tenant));
        Assert.Equal([new DateOnly(2025, 3, 10), new DateOnly(2025, 3, 11)], report.ByDay.Select(static l => l.Day!.Value));
        Assert.Equal(3, report.ByModelAndMethod.Count);
        Assert.Equal(records.Aggregate(default(SpendTokens), static (s, r) => s + r.Tokens), report.Tokens);
        Assert.Equal(30, report.Tokens.Output);
    }
}
