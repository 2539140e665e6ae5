using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace AgentCost.Analyzers.Tests.Infrastructure;

/// <summary>Runs one analyzer, and its code fix, over markup sources with the test references.</summary>
public static class Verifier<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public static DiagnosticResult Diagnostic(string id) => new DiagnosticResult(id, DiagnosticSeverity.Warning).WithSeverity(GetDefaultSeverity(id));

    /// <summary>Checks that the analyzer reports exactly the marked spans (<c>{|COSTnnn:text|}</c>) and the expected diagnostics.</summary>
    public static Task AnalyzeAsync(string source, params DiagnosticResult[] expected) => AnalyzeAsync(source, editorConfig: null, expected);

    public static Task AnalyzeAsync(string source, string? editorConfig, params DiagnosticResult[] expected)
        => AnalyzeAsync([source], editorConfig, OutputKind.DynamicallyLinkedLibrary, expected);

    public static async Task AnalyzeAsync(string[] sources, string? editorConfig, OutputKind outputKind, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest();
        foreach (var source in sources)
        {
            test.TestState.Sources.Add(source);
        }

        test.TestState.OutputKind = outputKind;
        AddEditorConfig(test.TestState, editorConfig);
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync();
    }

    /// <summary>Checks a code fix: the diagnostics before, the text after (a fix chosen by its equivalence key, or the only one).</summary>
    public static async Task FixAsync<TCodeFix>(string source, string fixedSource, string? equivalenceKey = null, string? editorConfig = null)
        where TCodeFix : CodeFixProvider, new()
    {
        var test = new CodeFixTest<TCodeFix> { CodeActionEquivalenceKey = equivalenceKey };
        test.TestState.Sources.Add(source);
        test.FixedState.Sources.Add(fixedSource);
        AddEditorConfig(test.TestState, editorConfig);
        await test.RunAsync();
    }

    private static void AddEditorConfig(SolutionState state, string? editorConfig)
    {
        if (editorConfig is not null)
        {
            state.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n\n[*.cs]\n" + editorConfig + "\n"));
        }
    }

    private static DiagnosticSeverity GetDefaultSeverity(string id)
    {
        foreach (var descriptor in new TAnalyzer().SupportedDiagnostics)
        {
            if (descriptor.Id == id)
            {
                return descriptor.DefaultSeverity;
            }
        }

        return DiagnosticSeverity.Warning;
    }

    private static void Configure<TTest>(TTest test)
        where TTest : AnalyzerTest<DefaultVerifier>
    {
        test.ReferenceAssemblies = TestReferences.ReferenceAssemblies;

        // COST002 has a second descriptor, with the same id, for what it can only tell at the end of the compilation.
        test.MarkupOptions = MarkupOptions.UseFirstDescriptor;
        test.TestState.AdditionalReferences.AddRange(TestReferences.All);
    }

    // Unsafe code for the pointer cases, nullable annotations on, the latest language.
    private static CompilationOptions WithTestOptions(CompilationOptions options)
        => ((CSharpCompilationOptions)options).WithAllowUnsafe(true).WithNullableContextOptions(NullableContextOptions.Enable);

    private static ParseOptions WithTestOptions(ParseOptions options) => ((CSharpParseOptions)options).WithLanguageVersion(LanguageVersion.Latest);

    private sealed class AnalyzerTest : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
    {
        public AnalyzerTest() => Configure(this);

        protected override CompilationOptions CreateCompilationOptions() => WithTestOptions(base.CreateCompilationOptions());

        protected override ParseOptions CreateParseOptions() => WithTestOptions(base.CreateParseOptions());
    }

    private sealed class CodeFixTest<TCodeFix> : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
        where TCodeFix : CodeFixProvider, new()
    {
        public CodeFixTest() => Configure(this);

        protected override CompilationOptions CreateCompilationOptions() => WithTestOptions(base.CreateCompilationOptions());

        protected override ParseOptions CreateParseOptions() => WithTestOptions(base.CreateParseOptions());
    }
}
