using System.Collections.Immutable;
using System.Reflection;
using System.Text;
using AgentCost.Generators;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AgentCost.Generators.Tests.Infrastructure;

/// <summary>Builds compilations the way an SDK project that references AgentCost does, and runs the generator on them.</summary>
internal static class GeneratorHarness
{
    public const string SourceDirectory = "/src";

    public static CSharpParseOptions ParseOptions { get; } = new CSharpParseOptions(LanguageVersion.Latest)
        .WithFeatures([new KeyValuePair<string, string>("InterceptorsNamespaces", "AgentCost.Generated")]);

    // Warnings as errors at the highest warning level, as the repository builds shipped code.
    public static CSharpCompilationOptions CompilationOptions { get; } = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)
        .WithNullableContextOptions(NullableContextOptions.Enable)
        .WithGeneralDiagnosticOption(ReportDiagnostic.Error)
        .WithWarningLevel(9999)
        .WithOptimizationLevel(OptimizationLevel.Debug)
        .WithDeterministic(true);

    public static ImmutableArray<MetadataReference> References { get; } = CreateReferences();

    public static SyntaxTree Parse(string source, string fileName = "Program.cs")
        => CSharpSyntaxTree.ParseText(source, ParseOptions, Path.Combine(SourceDirectory, fileName), Encoding.UTF8);

    public static CSharpCompilation CreateCompilation(string source, params MetadataReference[] additionalReferences)
        => CreateCompilation([Parse(source)], additionalReferences);

    public static CSharpCompilation CreateCompilation(IEnumerable<SyntaxTree> trees, params MetadataReference[] additionalReferences)
        => CSharpCompilation.Create("Sample", trees, References.AddRange(additionalReferences), CompilationOptions);

    /// <summary>Compiles a library and returns a reference to it, as a referenced project or package would be.</summary>
    public static MetadataReference CreateLibraryReference(string source, string assemblyName, out byte[] image)
    {
        var compilation = CSharpCompilation.Create(assemblyName, [Parse(source, assemblyName + ".cs")], References, CompilationOptions);
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics));
        image = stream.ToArray();
        return MetadataReference.CreateFromImage(image);
    }

    public static GeneratorDriver CreateDriver() => CSharpGeneratorDriver.Create(
        [new InterceptorGenerator().AsSourceGenerator()],
        parseOptions: ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorRun Run(Compilation compilation, GeneratorDriver? driver = null)
    {
        driver = (driver ?? CreateDriver()).RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return new GeneratorRun(driver, output, driver.GetRunResult().Results.Single());
    }

    // The framework as reference assemblies, AgentCost and the packages it depends on as the test process loads them.
    private static ImmutableArray<MetadataReference> CreateReferences()
    {
        var references = ImmutableArray.CreateBuilder<MetadataReference>();
        references.AddRange(Net100.References.All);

        var frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<Assembly>([typeof(CachedAttribute).Assembly]);
        while (pending.Count > 0)
        {
            var assembly = pending.Pop();
            if (!seen.Add(assembly.GetName().Name!) || Path.GetDirectoryName(assembly.Location) == frameworkDirectory)
            {
                continue;
            }

            references.Add(MetadataReference.CreateFromFile(assembly.Location));
            foreach (var name in assembly.GetReferencedAssemblies())
            {
                pending.Push(Assembly.Load(name));
            }
        }

        return references.ToImmutable();
    }
}

/// <summary>The outcome of one generator run.</summary>
internal sealed record GeneratorRun(GeneratorDriver Driver, Compilation OutputCompilation, GeneratorRunResult Result)
{
    /// <summary>The interceptors file's text, or null when the generator wrote none.</summary>
    public string? GeneratedText => Result.GeneratedSources.SingleOrDefault(s => s.HintName == InterceptorGenerator.HintName).SourceText?.ToString();

    /// <summary>Every generated file, ordered by name, each under a line that names it.</summary>
    public string AllGeneratedText => string.Concat(Result.GeneratedSources
        .OrderBy(s => s.HintName, StringComparer.Ordinal)
        .Select(s => $"//// {s.HintName}\n{s.SourceText}"));

    /// <summary>Errors and warnings of the compilation with the generated file, warnings counting as errors.</summary>
    public IReadOnlyList<Diagnostic> CompilationProblems => OutputCompilation.GetDiagnostics()
        .Where(d => d.Severity >= DiagnosticSeverity.Warning)
        .ToList();
}
