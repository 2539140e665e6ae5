namespace AgentCost.IntegrationTests.Infrastructure;

/// <summary>Finds the repository the test assembly was built from.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> s_path = new(Find);

    public static string Path => s_path.Value;

    public static string RuntimeProject => System.IO.Path.Combine(Path, "src", "AgentCost", "AgentCost.csproj");

    public static string EmbeddingsProject => System.IO.Path.Combine(Path, "src", "AgentCost.Embeddings.MiniLM", "AgentCost.Embeddings.MiniLM.csproj");

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var isRoot = File.Exists(System.IO.Path.Combine(directory.FullName, "Toolkit.sln"))
                || File.Exists(System.IO.Path.Combine(directory.FullName, "Directory.Build.props"))
                    && File.Exists(System.IO.Path.Combine(directory.FullName, "src", "AgentCost", "AgentCost.csproj"));
            if (isRoot)
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No folder above {AppContext.BaseDirectory} holds Toolkit.sln or the repository's Directory.Build.props.");
    }
}
