using System.Collections.Immutable;
using System.Text;
using AgentCost.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AgentCost.Analyzers.Tests.Infrastructure;

/// <summary>Runs every AgentCost analyzer over plain compilations, outside the test framework's markup.</summary>
public static class AnalyzerRunner
{
    public static ImmutableArray<DiagnosticAnalyzer> All { get; } =
    [
        .. typeof(COST001UnboundedAgentLoop).Assembly.GetTypes()
            .Where(type => typeof(DiagnosticAnalyzer).IsAssignableFrom(type) && !type.IsAbstract)
            .OrderBy(type => type.Name, StringComparer.Ordinal)
            .Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!),
    ];

    /// <summary>The global usings the SDK adds to a project with <c>ImplicitUsings</c>, for the samples' sources.</summary>
    public static (string Path, string Text) ImplicitUsings { get; } = ("/src/obj/GlobalUsings.g.cs", """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """);

    public static CSharpParseOptions ParseOptions { get; } = new CSharpParseOptions(LanguageVersion.Latest)
        .WithFeatures([new KeyValuePair<string, string>("InterceptorsNamespaces", "AgentCost.Generated")]);

    public static CSharpCompilation Compile(IEnumerable<(string Path, string Text)> sources, OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary)
        => CSharpCompilation.Create(
            "Sample",
            sources.Select(source => CSharpSyntaxTree.ParseText(source.Text, ParseOptions, source.Path, Encoding.UTF8)),
            TestReferences.All,
            new CSharpCompilationOptions(outputKind, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));

    public static CSharpCompilation Compile(string source) => Compile([("/src/Program.cs", source)]);

    /// <summary>The analyzers' diagnostics, and every exception an analyzer threw (reported as AD0001).</summary>
    public static async Task<(ImmutableArray<Diagnostic> Diagnostics, IReadOnlyList<Exception> Exceptions)> RunAsync(Compilation compilation)
    {
        var exceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions([]),
            onAnalyzerException: (exception, _, _) =>
            {
                lock (exceptions)
                {
                    exceptions.Add(exception);
                }
            },
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false,
            reportSuppressedDiagnostics: false);
        var diagnostics = await compilation.WithAnalyzers(All, options).GetAnalyzerDiagnosticsAsync();
        return (diagnostics, exceptions);
    }
}
