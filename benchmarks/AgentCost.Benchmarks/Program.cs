using AgentCost.Benchmarks;
using BenchmarkDotNet.Running;

if (args is ["contention", ..])
{
    // Not a timing: how much of a spend budget concurrent agents get to use (docs/benchmarks.md).
    await BudgetContention.RunAsync();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
