using System.Collections.Immutable;
using System.ComponentModel;
using AgentCost;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.Extensions.AI;

namespace AgentCost.Analyzers.Tests.Infrastructure;

/// <summary>
/// What the code under test compiles against: .NET 10 reference assemblies, the AgentCost runtime,
/// Microsoft.Extensions.AI, and small stand-ins for the other agent libraries the rules know by name (OpenAI, Semantic
/// Kernel, Agent Framework, MCP, Spectre.Console), compiled once into an assembly of their own.
/// </summary>
public static class TestReferences
{
    /// <summary>No reference-assembly package: the .NET 10 references come from Basic.Reference.Assemblies.</summary>
    public static ReferenceAssemblies ReferenceAssemblies { get; } = new("net10.0");

    public static ImmutableArray<MetadataReference> Framework { get; } = [.. Basic.Reference.Assemblies.Net100.References.All];

    public static ImmutableArray<MetadataReference> Libraries { get; } =
    [
        MetadataReference.CreateFromFile(typeof(CachedAttribute).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(IChatClient).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(FunctionInvokingChatClient).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.Logging.ILogger).Assembly.Location),
        CompileStubs(),
    ];

    public static ImmutableArray<MetadataReference> All { get; } = Framework.AddRange(Libraries);

    private static MetadataReference CompileStubs()
    {
        var compilation = CSharpCompilation.Create(
            "AgentLibraryStubs",
            [CSharpSyntaxTree.ParseText(Stubs.Source, new CSharpParseOptions(LanguageVersion.Latest))],
            Framework,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        if (!result.Success)
        {
            throw new InvalidOperationException("The stubs do not compile: " + string.Join(Environment.NewLine, result.Diagnostics));
        }

        return MetadataReference.CreateFromImage(stream.ToArray());
    }

    // Keeps DescriptionAttribute's assembly loaded for readers of this file: [Description] comes from the framework.
    internal static readonly Type DescriptionAttributeType = typeof(DescriptionAttribute);
}
