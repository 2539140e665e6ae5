using AgentCost.Routing;
using Microsoft.Extensions.AI;

namespace AgentCost.Tests.ChatClients;

/// <summary>
/// A pipeline in the wrong order does not fail at a call, it undercounts: the layers check their order when
/// <see cref="ChatClientBuilder.Build(IServiceProvider?)"/> runs and name the right one.
/// </summary>
public class PipelineOrderTests
{
    private const string RightOrder = ".UseFunctionInvocation()\n    .UseAgentCostRouting()\n    .UseAgentCost()";

    [Fact]
    public void The_budget_layer_outside_the_tool_loop_fails_at_build_showing_the_right_order()
    {
        var builder = new ChatClientBuilder(new ScriptedModel()).UseAgentCost().UseFunctionInvocation();

        var error = Assert.Throws<InvalidOperationException>(() => builder.Build());

        Assert.Contains("UseAgentCost()", error.Message, StringComparison.Ordinal);
        Assert.Contains("FunctionInvokingChatClient", error.Message, StringComparison.Ordinal);
        Assert.Contains(".UseFunctionInvocation()\n    .UseAgentCost()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_routing_layer_outside_the_tool_loop_fails_at_build()
    {
        using var router = new ModelRouter(SimpleTier());
        var builder = new ChatClientBuilder(new ScriptedModel()).UseAgentCostRouting(router).UseFunctionInvocation().UseAgentCost();

        var error = Assert.Throws<InvalidOperationException>(() => builder.Build());

        Assert.Contains("UseAgentCostRouting()", error.Message, StringComparison.Ordinal);
        Assert.Contains(RightOrder, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_routing_layer_inside_the_budget_layer_fails_at_build()
    {
        using var router = new ModelRouter(SimpleTier());
        var builder = new ChatClientBuilder(new ScriptedModel()).UseFunctionInvocation().UseAgentCost().UseAgentCostRouting(router);

        var error = Assert.Throws<InvalidOperationException>(() => builder.Build());

        Assert.Contains("ModelRoutingChatClient", error.Message, StringComparison.Ordinal);
        Assert.Contains(RightOrder, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_documented_order_builds_and_charges_every_round_trip_of_a_tool_loop()
    {
        using var router = new ModelRouter(SimpleTier());
        var model = new ScriptedModel { Reply = ToolLoopOfFour };
        using var client = new ChatClientBuilder(model).UseFunctionInvocation().UseAgentCostRouting(router).UseAgentCost().Build();
        using var budget = AgentCost.TokenBudget.Begin("Agent.Run", 100_000);

        await client.GetResponseAsync("Go.", new ChatOptions { Tools = [AIFunctionFactory.Create(() => "ok", "step")] });

        Assert.Equal(4, model.Calls);
        Assert.Equal(4, budget.Budget.Calls);
    }

    // Three tool calls, then an answer.
    private static ChatMessage? ToolLoopOfFour(int call, IList<ChatMessage> messages)
        => call < 3 ? new ChatMessage(ChatRole.Assistant, [new FunctionCallContent($"c{call}", "step")]) : null;

    private static RoutingOptions SimpleTier() => AgentCost.Tests.Routing.RoutingTestSupport.Options(("simple", ["gpt-4o-mini"]));
}
