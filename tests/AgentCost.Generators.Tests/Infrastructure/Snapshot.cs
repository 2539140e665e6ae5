using System.Runtime.CompilerServices;

namespace AgentCost.Generators.Tests.Infrastructure;

/// <summary>
/// Compares generated text with a file under Snapshots/. With <c>AGENTCOST_UPDATE_SNAPSHOTS=1</c> the file is
/// rewritten instead, so that a change to the generated code shows up in the diff for review.
/// </summary>
internal static class Snapshot
{
    private const string UpdateVariable = "AGENTCOST_UPDATE_SNAPSHOTS";

    public static void Match(string actual, string name, [CallerFilePath] string callerFilePath = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(callerFilePath)!, "Snapshots", name + ".g.cs.txt");
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"There is no snapshot '{path}'. Run the tests with {UpdateVariable}=1 to write it.");

        // A checkout may have turned the file's line endings into CRLF; the generator always writes LF.
        var expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        Assert.Equal(expected, actual);
    }
}
