using AgentCost.Analyzers.CodeFixes;
using Verify = AgentCost.Analyzers.Tests.Infrastructure.Verifier<AgentCost.Analyzers.Rules.COST001UnboundedAgentLoop>;

namespace AgentCost.Analyzers.Tests;

public sealed class COST001CodeFixTests
{
    private const string TokenBudgetKey = nameof(COST001CodeFixProvider) + ".TokenBudget";
    private const string StepLimitKey = nameof(COST001CodeFixProvider) + ".StepLimit";

    [Fact]
    public Task AddsTokenBudgetToTheMethod()
        => Verify.FixAsync<COST001CodeFixProvider>(
            """
            using System.Threading.Tasks;
            using Microsoft.Extensions.AI;

            namespace Sample;

            public class Agent(IChatClient chat)
            {
                /// <summary>Runs the agent.</summary>
                public async Task RunAsync()
                {
                    {|COST001:while|} (true)
                    {
                        var reply = await chat.GetResponseAsync("go");
                        if (reply.Text == "DONE") break;
                    }
                }
            }
            """,
            """
            using System.Threading.Tasks;
            using AgentCost;
            using Microsoft.Extensions.AI;

            namespace Sample;

            public class Agent(IChatClient chat)
            {
                /// <summary>Runs the agent.</summary>
                [TokenBudget(8000)]
                public async Task RunAsync()
                {
                    while (true)
                    {
                        var reply = await chat.GetResponseAsync("go");
                        if (reply.Text == "DONE") break;
                    }
                }
            }
            """,
            TokenBudgetKey);

    [Fact]
    public Task AddsAStepLimitToAWhileLoop()
        => Verify.FixAsync<COST001CodeFixProvider>(
            """
            using System;
            using System.Threading.Tasks;
            using Microsoft.Extensions.AI;

            namespace Sample;

            public class Agent(IChatClient chat)
            {
                public async Task RunAsync()
                {
                    {|COST001:while|} (true)
                    {
                        var reply = await chat.GetResponseAsync("go");
                        if (reply.Text == "DONE") break;
                    }
                }
            }
            """,
            """
            using System;
            using System.Threading.Tasks;
            using Microsoft.Extensions.AI;

            namespace Sample;

            public class Agent(IChatClient chat)
            {
                public async Task RunAsync()
                {
                    const int maxSteps = 10;
                    var step = 0;
                    while (true)
                    {
                        if (++step > maxSteps)
                        {
                            throw new InvalidOperationException($"The agent loop stopped after {maxSteps} steps.");
                        }
                        var reply = await chat.GetResponseAsync("go");
                        if (reply.Text == "DONE") break;
                    }
                }
            }
            """,
            StepLimitKey);

    [Fact]
    public Task AddsAStepLimitToADoLoopWithoutClashingNames()
        => Verify.FixAsync<COST001CodeFixProvider>(
            """
            using System.Threading.Tasks;
            using Microsoft.Extensions.AI;

            namespace Sample;

            public class Agent(IChatClient chat)
            {
                public async Task<string> RunAsync(string step)
                {
                    {|COST001:do|}
                    {
                        step = (await chat.GetResponseAsync(step)).Text;
                    }
                    while (step != "DONE");
                    return step;
                }
            }
            """,
            """
            using System.Threading.Tasks;
            using Microsoft.Extensions.AI;

            namespace Sample;

            public class Agent(IChatClient chat)
            {
                public async Task<string> RunAsync(string step)
                {
                    const int maxSteps = 10;
                    var step2 = 0;
                    do
                    {
                        if (++step2 > maxSteps)
                        {
                            throw new System.InvalidOperationException($"The agent loop stopped after {maxSteps} steps.");
                        }
                        step = (await chat.GetResponseAsync(step)).Text;
                    }
                    while (step != "DONE");
                    return step;
                }
            }
            """,
            StepLimitKey);

    [Fact]
    public Task AddsAStepLimitToAnEmbeddedLoop()
        => Verify.FixAsync<COST001CodeFixProvider>(
            """
            using System;
            using System.Threading.Tasks;
            using Microsoft.Extensions.AI;

            namespace Sample;

            public class Agent(IChatClient chat)
            {
                public async Task RunAsync(bool enabled)
                {
                    if (enabled)
                        {|COST001:for|} (;;)
                            await chat.GetResponseAsync("go");
                }
            }
            """,
            """
            using System;
            using System.Threading.Tasks;
            using Microsoft.Extensions.AI;

            namespace Sample;

            public class Agent(IChatClient chat)
            {
                public async Task RunAsync(bool enabled)
                {
                    if (enabled)
                    {
                        const int maxSteps = 10;
                        var step = 0;
                        for (; ; )
                        {
                            if (++step > maxSteps)
                            {
                                throw new InvalidOperationException($"The agent loop stopped after {maxSteps} steps.");
                            }
                            await chat.GetResponseAsync("go");
                        }
                    }
                }
            }
            """,
            StepLimitKey);
}
