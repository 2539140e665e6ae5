using System.Collections;
using System.Diagnostics;
using System.Text;

namespace AgentCost.IntegrationTests.Infrastructure;

/// <summary>The outcome of one <c>dotnet</c> command.</summary>
public sealed record ProcessResult(string CommandLine, string WorkingDirectory, int ExitCode, bool TimedOut, TimeSpan Elapsed, string StandardOutput, string StandardError)
{
    public bool Succeeded => !TimedOut && ExitCode == 0;

    /// <summary>Everything needed to understand a failure, for assertion messages.</summary>
    public override string ToString()
        => $"""
           > {CommandLine}
             in {WorkingDirectory}
             exit code {ExitCode}{(TimedOut ? " (timed out and killed)" : "")} after {Elapsed.TotalSeconds:0.0} s
           --- stdout ---
           {StandardOutput}
           --- stderr ---
           {StandardError}
           """;
}

/// <summary>
/// Runs the .NET CLI the tests themselves run on, with a timeout, capturing its output. MSBuild node reuse and the
/// compiler server are turned off so that no process outlives the command (and holds its output pipes open).
/// </summary>
public static class DotNetCli
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(4);

    public static string Executable { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public static async Task<ProcessResult> RunAsync(string workingDirectory, IReadOnlyList<string> arguments, TimeSpan? timeout = null)
    {
        var startInfo = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // The test host runs under `dotnet test`, whose MSBuild leaves its own settings in the environment; the
        // commands here start clean so that they behave as they would in a developer's terminal.
        foreach (var name in startInfo.Environment.Keys.ToList())
        {
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
            {
                startInfo.Environment.Remove(name);
            }
        }

        startInfo.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        startInfo.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "false";
        startInfo.Environment["UseSharedCompilation"] = "false";
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        startInfo.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        startInfo.Environment["DOTNET_GENERATE_ASPNET_CERTIFICATE"] = "false";

        var commandLine = string.Join(' ', new[] { "dotnet" }.Concat(arguments.Select(Quote)));
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);

        var stopwatch = Stopwatch.StartNew();
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var timedOut = false;
        using (var cancellation = new CancellationTokenSource(timeout ?? DefaultTimeout))
        {
            try
            {
                await process.WaitForExitAsync(cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                timedOut = true;
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // It exited meanwhile.
                }

                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    // Give up on the remaining output.
                }
            }
        }

        stopwatch.Stop();
        return new ProcessResult(
            commandLine,
            workingDirectory,
            process.HasExited ? process.ExitCode : -1,
            timedOut,
            stopwatch.Elapsed,
            Read(stdout),
            Read(stderr));
    }

    private static void Append(StringBuilder builder, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (builder)
        {
            builder.AppendLine(line);
        }
    }

    private static string Read(StringBuilder builder)
    {
        lock (builder)
        {
            return builder.ToString();
        }
    }

    private static string Quote(string argument)
        => argument.Length > 0 && !argument.Any(char.IsWhiteSpace) ? argument : $"\"{argument}\"";
}
