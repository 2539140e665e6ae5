using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace AgentCost.Tools.Tests;

/// <summary>
/// samples/ToolsAot, published with native AOT (PublishAot, trimming and AOT analysis on), runs its [AgentTool] functions
/// in a tool loop: records bound through a JsonSerializerContext, [Cached] applied, bad arguments told to the model. No
/// trimming or AOT warning comes from AgentCost, the generated code or Microsoft.Extensions.AI.
/// </summary>
public sealed partial class NativeAotSampleTests
{
    [Fact]
    public async Task Published_native_sample_runs_its_tools_without_trimming_warnings_of_its_own()
    {
        var root = FindRepositoryRoot();
        var work = Directory.CreateTempSubdirectory("agentcost-aot-");
        try
        {
            var output = Path.Combine(work.FullName, "out");

            // Its own artifacts folder: nothing the solution's build or other tests write is touched.
            var publish = await RunAsync("dotnet", root, TimeSpan.FromMinutes(12),
                "publish", Path.Combine(root, "samples", "ToolsAot", "ToolsAot.csproj"),
                "-c", "Release", "-r", "linux-x64", "-o", output,
                "--artifacts-path", Path.Combine(work.FullName, "artifacts"),
                "-nodeReuse:false", "-p:UseSharedCompilation=false");
            Assert.True(publish.ExitCode == 0, publish.Text);

            var warnings = WarningCode().Matches(publish.Text).Select(m => m.Groups["line"].Value).Distinct().ToList();
            var foreign = warnings.Where(line => !line.Contains("Microsoft.Extensions.Caching.Hybrid", StringComparison.Ordinal)).ToList();
            Assert.True(foreign.Count == 0, "Trimming or AOT warnings outside HybridCache:\n" + string.Join("\n", foreign));

            var run = await RunAsync(Path.Combine(output, "ToolsAot"), output, TimeSpan.FromMinutes(1));
            Assert.True(run.ExitCode == 0, run.Text);
            Assert.Contains("quotes-computed=2", run.Text);
            Assert.Contains("cache-hits=2", run.Text);
            Assert.Contains("result call_1_1: Oslo-Rome on 2025-06-01 in Business: 320 EUR", run.Text);
            Assert.Contains("result call_3_0: Error: Invalid arguments for tool 'Quote': argument 'trip'", run.Text);
            Assert.Contains("tool Quote: {\"type\":\"object\",\"properties\":{\"trip\":{\"type\":\"object\"", run.Text);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"(?<line>[^\n]*\b(?:IL[23]\d{3})\b[^\n]*)")]
    private static partial Regex WarningCode();

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Toolkit.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Toolkit.sln) is not above " + AppContext.BaseDirectory);
    }

    private static async Task<(int ExitCode, string Text)> RunAsync(string fileName, string directory, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(start)!;
        var text = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {timeout}.");
        }

        text.Append(await stdout).Append(await stderr);
        return (process.ExitCode, text.ToString());
    }
}
