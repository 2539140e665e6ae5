using System.Runtime.CompilerServices;

namespace AgentCost.Analyzers.Tests.Infrastructure;

/// <summary>Finds files of the repository from this source file's own path.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    /// <summary>The C# files of a folder of the repository, as (path, text) pairs, in a stable order.</summary>
    public static IReadOnlyList<(string Path, string Text)> CSharpFiles(string folder)
        => Directory.GetFiles(Path.Combine(Root, folder), "*.cs", SearchOption.TopDirectoryOnly)
            .Order(StringComparer.Ordinal)
            .Select(path => (path, File.ReadAllText(path)))
            .ToList();

    private static string FindRoot([CallerFilePath] string thisFile = "")
    {
        for (var directory = Path.GetDirectoryName(thisFile); directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (File.Exists(Path.Combine(directory, "Toolkit.sln")))
            {
                return directory;
            }
        }

        throw new InvalidOperationException($"No Toolkit.sln above {thisFile}.");
    }
}
