using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;

namespace AgentCost.Generators.Tests.Infrastructure;

/// <summary>
/// Emits a compilation, loads it into a collectible context next to the libraries it was compiled against and calls
/// its <c>Program.Run()</c>. AgentCost and its dependencies come from the test process's own default context.
/// </summary>
internal static class ProgramRunner
{
    /// <summary>
    /// Runs the generator on <paramref name="compilation"/>, checks that it neither threw nor reported (user errors are
    /// analyzer rules) and that its output compiles
    /// without a warning (showing the generated files when it does not), and runs the program.
    /// </summary>
    public static Task<string> GenerateAndRunAsync(Compilation compilation)
    {
        var run = GeneratorHarness.Run(compilation);
        Assert.Null(run.Result.Exception);
        Assert.Empty(run.Result.Diagnostics);
        Assert.True(run.CompilationProblems.Count == 0, string.Join(Environment.NewLine, run.CompilationProblems) + Environment.NewLine + run.AllGeneratedText);
        return RunAsync(run.OutputCompilation);
    }

    public static async Task<string> RunAsync(Compilation compilation, params byte[][] libraries)
    {
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics));

        var context = new InMemoryLoadContext();
        try
        {
            foreach (var library in libraries)
            {
                context.Add(library);
            }

            stream.Position = 0;
            var assembly = context.LoadFromStream(stream);
            var run = assembly.GetTypes().Single(t => t.Name == "Program").GetMethod("Run", BindingFlags.Public | BindingFlags.Static)
                ?? throw new InvalidOperationException("The program has no public static Run method.");
            var task = Assert.IsType<Task<string>>(run.Invoke(null, null), exactMatch: false);
            return await task;
        }
        finally
        {
            context.Unload();
        }
    }

    private sealed class InMemoryLoadContext() : AssemblyLoadContext("AgentCost.Generators.Tests.Program", isCollectible: true)
    {
        private readonly Dictionary<string, Assembly> _libraries = new(StringComparer.Ordinal);

        public void Add(byte[] image)
        {
            using var stream = new MemoryStream(image);
            var assembly = LoadFromStream(stream);
            _libraries.Add(assembly.GetName().Name!, assembly);
        }

        // Anything else resolves from the default context: AgentCost must be the same assembly the test process uses.
        protected override Assembly? Load(AssemblyName assemblyName)
            => _libraries.GetValueOrDefault(assemblyName.Name!);
    }
}
