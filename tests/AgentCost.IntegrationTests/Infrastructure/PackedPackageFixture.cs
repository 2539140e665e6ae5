namespace AgentCost.IntegrationTests.Infrastructure;

/// <summary>
/// Packs src/AgentCost and src/AgentCost.Embeddings.MiniLM once for the test class, into a folder feed under a temporary directory, with a version no
/// earlier run used (so the global packages folder cannot serve a stale copy). The build runs in its own artifacts
/// folder, leaving the repository's bin/ and obj/ alone. Everything is removed afterwards, including the version's
/// folder in the global packages folder.
/// </summary>
public sealed class PackedPackageFixture : IAsyncLifetime
{
    public const string PackageId = "AgentCost";

    public const string EmbeddingsPackageId = "AgentCost.Embeddings.MiniLM";

    public PackedPackageFixture()
    {
        Version = $"0.1.0-it.{DateTime.UtcNow.Ticks}";
        TempRoot = Path.Combine(Path.GetTempPath(), $"agentcost-it-{Guid.NewGuid():N}");
        Feed = Path.Combine(TempRoot, "feed");
        PackagePath = Path.Combine(Feed, $"{PackageId}.{Version}.nupkg");
        EmbeddingsPackagePath = Path.Combine(Feed, $"{EmbeddingsPackageId}.{Version}.nupkg");
    }

    /// <summary>The version the package was packed with.</summary>
    public string Version { get; }

    /// <summary>The temporary directory that holds the feed, the build artifacts and the consumer projects.</summary>
    public string TempRoot { get; }

    /// <summary>The local folder feed holding the package.</summary>
    public string Feed { get; }

    /// <summary>The packed .nupkg.</summary>
    public string PackagePath { get; }

    /// <summary>The packed embeddings .nupkg, which depends on <see cref="PackagePath"/>'s version.</summary>
    public string EmbeddingsPackagePath { get; }

    /// <summary>What <c>dotnet pack</c> of the runtime did.</summary>
    public ProcessResult Pack { get; private set; } = null!;

    /// <summary>What <c>dotnet pack</c> of the embeddings package did.</summary>
    public ProcessResult EmbeddingsPack { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        RemoveStaleTestVersions(PackageId);
        RemoveStaleTestVersions(EmbeddingsPackageId);
        Pack = await PackAsync(RepositoryRoot.RuntimeProject);
        EmbeddingsPack = await PackAsync(RepositoryRoot.EmbeddingsProject);
    }

    // Both packs share one artifacts folder, so the second reuses the runtime the first built.
    private Task<ProcessResult> PackAsync(string project) => DotNetCli.RunAsync(RepositoryRoot.Path,
    [
        "pack", project,
        "-c", "Release",
        "-o", Feed,
        "--artifacts-path", Path.Combine(TempRoot, "artifacts"),
        $"-p:Version={Version}",
        "-nodeReuse:false",
        "-p:UseSharedCompilation=false",
    ]);

    /// <summary>Fails the calling test with dotnet pack's output unless the package was made.</summary>
    public void AssertPacked()
        => Assert.True(Pack.Succeeded && File.Exists(PackagePath), $"dotnet pack did not produce {PackagePath}.\n{Pack}");

    /// <summary>Fails the calling test with dotnet pack's output unless the embeddings package was made.</summary>
    public void AssertEmbeddingsPacked()
        => Assert.True(EmbeddingsPack.Succeeded && File.Exists(EmbeddingsPackagePath), $"dotnet pack did not produce {EmbeddingsPackagePath}.\n{EmbeddingsPack}");

    /// <summary>A new empty directory under <see cref="TempRoot"/>.</summary>
    public string CreateDirectory(string name)
    {
        var path = Path.Combine(TempRoot, name);
        Directory.CreateDirectory(path);
        return path;
    }

    public Task DisposeAsync()
    {
        TryDelete(TempRoot);
        foreach (var id in new[] { PackageId, EmbeddingsPackageId })
        {
            var packageFolder = Path.Combine(GlobalPackagesFolder, id.ToLowerInvariant());
            TryDelete(Path.Combine(packageFolder, Version.ToLowerInvariant()));
            if (Directory.Exists(packageFolder) && !Directory.EnumerateFileSystemEntries(packageFolder).Any())
            {
                TryDelete(packageFolder);
            }
        }

        return Task.CompletedTask;
    }

    private static string GlobalPackagesFolder
        => Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>Versions left by runs that were killed before cleaning up (older than a day).</summary>
    private static void RemoveStaleTestVersions(string packageId)
    {
        var folder = new DirectoryInfo(Path.Combine(GlobalPackagesFolder, packageId.ToLowerInvariant()));
        if (!folder.Exists)
        {
            return;
        }

        foreach (var version in folder.EnumerateDirectories("*-it.*"))
        {
            if (version.LastWriteTimeUtc < DateTime.UtcNow.AddDays(-1))
            {
                TryDelete(version.FullName);
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a leftover temporary folder fails nothing.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
