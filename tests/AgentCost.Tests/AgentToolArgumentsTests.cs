using System.Text.Json;
using AgentCost.Interception;
using Microsoft.Extensions.AI;

namespace AgentCost.Tests;

/// <summary>The one argument struct of both kinds of tool function: by name for generated ones, by position for factory-made ones.</summary>
public sealed class AgentToolArgumentsTests
{
    [Fact]
    public void A_generated_tool_reads_by_name_and_names_a_missing_argument()
    {
        var arguments = new AgentToolArguments("search", new AIFunctionArguments { ["query"] = JsonSerializer.SerializeToElement("budgets") }, AIJsonUtilities.DefaultOptions, CancellationToken.None);

        Assert.Equal("budgets", arguments.Get("query", ToolValueReaders.String));
        Assert.Equal(3, arguments.Get("limit", ToolValueReaders.Int32, 3));
        var error = Assert.Throws<ToolArgumentException>(() => arguments.Get("limit", ToolValueReaders.Int32));
        Assert.Contains("'limit'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Binding_by_position_needs_the_factory_binding()
    {
        var arguments = new AgentToolArguments("search", new AIFunctionArguments { ["query"] = "budgets" }, AIJsonUtilities.DefaultOptions, CancellationToken.None);

        Assert.Throws<InvalidOperationException>(() => arguments.Get<string>(0));
    }
}
