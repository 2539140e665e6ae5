using System.IO.Compression;
using System.Xml.Linq;
using AgentCost.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace AgentCost.IntegrationTests;

/// <summary>
/// The AgentCost package as a user gets it: packed by <c>dotnet pack</c>, read as a zip, then consumed from a local
/// folder feed by a fresh console project that knows nothing of this repository.
/// </summary>
public sealed class PackedPackageTests(PackedPackageFixture package, ITestOutputHelper output) : IClassFixture<PackedPackageFixture>
{
    private const string GeneratorAssembly = "AgentCost.Generators.dll";

    [Fact]
    public void Package_carries_runtime_generator_and_props_in_their_folders()
    {
        package.AssertPacked();
        using var archive = ZipFile.OpenRead(package.PackagePath);
        var entries = archive.Entries.Select(entry => entry.FullName.Replace('\\', '/')).ToList();
        var listing = $"Entries of {Path.GetFileName(package.PackagePath)}:\n  {string.Join("\n  ", entries)}";
        output.WriteLine(listing);

        foreach (var expected in new[]
                 {
                     "lib/net10.0/AgentCost.dll",
                     $"analyzers/dotnet/cs/{GeneratorAssembly}",
                     "build/AgentCost.props",
                     "buildTransitive/AgentCost.props",
                 })
        {
            Assert.True(entries.Contains(expected, StringComparer.Ordinal), $"{expected} is missing.\n{listing}");
        }

        var misplacedGenerator = entries.Where(entry =>
            entry.EndsWith(GeneratorAssembly, StringComparison.OrdinalIgnoreCase)
            && !entry.StartsWith("analyzers/dotnet/cs/", StringComparison.Ordinal)).ToList();
        Assert.True(misplacedGenerator.Count == 0, $"The generator must only be in analyzers/dotnet/cs: {string.Join(", ", misplacedGenerator)}.\n{listing}");

        var libAssemblies = entries.Where(entry => entry.StartsWith("lib/", StringComparison.Ordinal) && entry.EndsWith(".dll", StringComparison.Ordinal)).ToList();
        Assert.True(libAssemblies.SequenceEqual(["lib/net10.0/AgentCost.dll"]), $"lib/ must hold the runtime only: {string.Join(", ", libAssemblies)}.\n{listing}");

        // The props add the generator's namespace to InterceptorsNamespaces, keeping what the project already had.
        var props = ReadXml(archive, "build/AgentCost.props");
        var namespaces = props.Descendants("InterceptorsNamespaces").Select(element => element.Value).ToList();
        Assert.True(
            namespaces.Contains("$(InterceptorsNamespaces);AgentCost.Generated", StringComparer.Ordinal),
            $"build/AgentCost.props must append AgentCost.Generated to InterceptorsNamespaces:\n{props}");
        var transitive = ReadXml(archive, "buildTransitive/AgentCost.props");
        Assert.True(
            transitive.Descendants("Import").Any(import => ((string?)import.Attribute("Project") ?? "").Replace('\\', '/').EndsWith("../build/AgentCost.props", StringComparison.Ordinal))
            || transitive.Descendants("InterceptorsNamespaces").Any(element => element.Value.Contains("AgentCost.Generated", StringComparison.Ordinal)),
            $"buildTransitive/AgentCost.props must give transitive consumers the same setting:\n{transitive}");

        // The nuspec: the right identity and metadata, and the generator is no dependency.
        var nuspec = ReadXml(archive, "AgentCost.nuspec");
        string? Metadata(string name) => nuspec.Descendants().FirstOrDefault(element => element.Name.LocalName == name)?.Value;
        Assert.True(Metadata("id") == "AgentCost", $"Package id:\n{nuspec}");
        Assert.True(Metadata("version") == package.Version, $"Package version, expected {package.Version}:\n{nuspec}");
        Assert.True(Metadata("license") == "MIT", $"License expression:\n{nuspec}");
        Assert.False(string.IsNullOrWhiteSpace(Metadata("description")), $"Description:\n{nuspec}");
        Assert.False(string.IsNullOrWhiteSpace(Metadata("tags")), $"Tags:\n{nuspec}");

        var dependencies = nuspec.Descendants()
            .Where(element => element.Name.LocalName == "dependency")
            .Select(element => (string?)element.Attribute("id") ?? "")
            .ToList();
        Assert.True(
            !dependencies.Any(id => id.StartsWith("AgentCost", StringComparison.OrdinalIgnoreCase)),
            $"The package must not depend on AgentCost.* (the generator ships inside it): {string.Join(", ", dependencies)}");

        if (File.Exists(Path.Combine(RepositoryRoot.Path, "README.md")))
        {
            Assert.True(Metadata("readme") == "README.md" && entries.Contains("README.md"), $"The repository README is the package readme.\n{listing}\n{nuspec}");
        }
    }

    [Fact]
    public async Task Fresh_console_project_is_intercepted_by_the_packaged_generator()
    {
        package.AssertPacked();
        var project = package.CreateDirectory("consumer");
        WriteConsumer(project);

        await RestoreAsync(project);

        // The consumer is isolated from this repository (no central package management, no repo settings) and gets
        // InterceptorsNamespaces from the package's build/ props alone.
        var properties = await Run(project, "msbuild", "Consumer.csproj", "-nodeReuse:false",
            "-getProperty:ManagePackageVersionsCentrally", "-getProperty:RepoRoot", "-getProperty:InterceptorsNamespaces");
        Assert.True(properties.Succeeded, $"Evaluating the consumer failed.\n{properties}");
        var evaluated = System.Text.Json.JsonDocument.Parse(properties.StandardOutput).RootElement.GetProperty("Properties");
        Assert.True(evaluated.GetProperty("ManagePackageVersionsCentrally").GetString() is null or "", $"The repository's central package management leaked in.\n{properties}");
        Assert.True(evaluated.GetProperty("RepoRoot").GetString() is null or "", $"The repository's Directory.Build.props leaked in.\n{properties}");
        var interceptorsNamespaces = evaluated.GetProperty("InterceptorsNamespaces").GetString() ?? "";
        Assert.True(
            interceptorsNamespaces.Split(';').Contains("AgentCost.Generated"),
            $"The package's build/AgentCost.props did not add AgentCost.Generated to InterceptorsNamespaces ('{interceptorsNamespaces}').\n{properties}");

        var build = await BuildAsync(project);

        var generated = Path.Combine(project, "obj", "Release", "net10.0", "generated");
        var generatedFiles = Directory.Exists(generated)
            ? Directory.EnumerateFiles(generated, "*", SearchOption.AllDirectories).Select(file => Path.GetRelativePath(generated, file)).ToList()
            : [];
        output.WriteLine($"Generated sources:\n  {string.Join("\n  ", generatedFiles)}");
        Assert.True(
            generatedFiles.Any(file => file.StartsWith("AgentCost.Generators", StringComparison.Ordinal)),
            $"The package's generator emitted no source into the consumer. Generated: {string.Join(", ", generatedFiles)}\n{build}");

        var run = await RunConsumerAsync(project);

        var expected = new Dictionary<string, string>
        {
            // Task<string> AskAsync(string): two equal calls and one other.
            ["async-body-runs"] = "2",
            ["async-hits"] = "1",
            ["async-misses"] = "2",
            ["async-repeat-returned-cached-answer"] = "True",
            // string Summarize(string), synchronous: the same.
            ["sync-body-runs"] = "2",
            ["sync-hits"] = "1",
            ["sync-misses"] = "2",
            ["sync-repeat-returned-cached-answer"] = "True",
            // [RouteModel] Task<string> AnswerAsync(string): each call's model is the tier its question needs.
            ["routed-easy-question"] = "gpt-4o-mini",
            ["routed-hard-question"] = "gpt-4o",
            ["route-after-call"] = "closed",
        };
        AssertPrinted(run, expected, "The consumer's calls were not served or routed as expected");
    }

    [Fact]
    public async Task Fresh_project_with_the_embeddings_package_answers_a_paraphrase_from_the_cache_and_a_negation_from_the_model()
    {
        package.AssertPacked();
        package.AssertEmbeddingsPacked();
        var project = package.CreateDirectory("semantic-consumer");
        WriteIsolation(project);
        File.WriteAllText(Path.Combine(project, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <NuGetAudit>false</NuGetAudit>
                <!-- As in the repository: the registry here serves only some versions, so the embedder's lower bounds
                     (ONNX Runtime, Microsoft.ML) resolve to later ones. -->
                <NoWarn>$(NoWarn);NU1603</NoWarn>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="AgentCost" Version="{package.Version}" />
                <PackageReference Include="AgentCost.Embeddings.MiniLM" Version="{package.Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(project, "Program.cs"), """
            using AgentCost.Embeddings;
            using Microsoft.Extensions.AI;

            var model = new CountingModel();
            using var embedder = new MiniLmEmbeddingGenerator();
            using var chat = new ChatClientBuilder(model).UseSemanticCache(embedder).Build();
            var options = new ChatOptions { ModelId = "gpt-4o-mini" };

            var first = await chat.GetResponseAsync("How do I reset my password?", options);
            Console.WriteLine($"model-calls-after-question={model.Calls}");
            var paraphrase = await chat.GetResponseAsync("What are the steps to reset my password?", options);
            Console.WriteLine($"model-calls-after-paraphrase={model.Calls}");
            Console.WriteLine($"paraphrase-got-the-cached-answer={paraphrase.Text == first.Text}");

            var safe = await chat.GetResponseAsync("Is it safe to delete the temp folder?", options);
            var negated = await chat.GetResponseAsync("Is it not safe to delete the temp folder?", options);
            Console.WriteLine($"model-calls-after-negation={model.Calls}");
            Console.WriteLine($"negation-got-its-own-answer={negated.Text != safe.Text}");

            // Numbers each answer, so that a cached answer is told from a new one.
            sealed class CountingModel : IChatClient
            {
                private int _calls;

                public int Calls => Volatile.Read(ref _calls);

                public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
                    => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, $"answer {Interlocked.Increment(ref _calls)}")) { ModelId = options?.ModelId });

                public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
                    => throw new NotSupportedException();

                public object? GetService(Type serviceType, object? serviceKey = null) => null;

                public void Dispose()
                {
                }
            }
            """);

        await RestoreAsync(project);
        await BuildAsync(project);
        var run = await RunConsumerAsync(project);

        var expected = new Dictionary<string, string>
        {
            ["model-calls-after-question"] = "1",
            ["model-calls-after-paraphrase"] = "1",
            ["paraphrase-got-the-cached-answer"] = "True",
            ["model-calls-after-negation"] = "3",
            ["negation-got-its-own-answer"] = "True",
        };
        AssertPrinted(run, expected, "The semantic cache did not serve as expected");
    }

    // The consumers print one name=value line per fact.
    private static void AssertPrinted(ProcessResult run, Dictionary<string, string> expected, string failure)
    {
        var values = run.StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);
        var mismatches = expected
            .Where(pair => !values.TryGetValue(pair.Key, out var actual) || actual != pair.Value)
            .Select(pair => $"{pair.Key}: expected {pair.Value}, got {(values.TryGetValue(pair.Key, out var actual) ? actual : "(not printed)")}")
            .ToList();
        Assert.True(mismatches.Count == 0, $"{failure}:\n  {string.Join("\n  ", mismatches)}\n{run}");
    }

    private async Task RestoreAsync(string project)
    {
        var restore = await Run(project, "restore", "-nodeReuse:false");
        Assert.True(restore.Succeeded, $"Restoring the consumer failed.\n{restore}");
    }

    private async Task<ProcessResult> BuildAsync(string project)
    {
        var build = await Run(project, "build", "-c", "Release", "--no-restore", "-warnaserror", "-nodeReuse:false", "-p:UseSharedCompilation=false");
        Assert.True(build.Succeeded, $"Building the consumer with -warnaserror failed.\n{build}");
        return build;
    }

    private async Task<ProcessResult> RunConsumerAsync(string project)
    {
        var run = await Run(project, "run", "-c", "Release", "--no-build");
        output.WriteLine(run.ToString());
        Assert.True(run.Succeeded, $"Running the consumer failed.\n{run}");
        return run;
    }

    private async Task<ProcessResult> Run(string directory, params string[] arguments)
    {
        var result = await DotNetCli.RunAsync(directory, arguments);
        output.WriteLine($"> {result.CommandLine}: exit {result.ExitCode} in {result.Elapsed.TotalSeconds:0.0} s");
        return result;
    }

    // Keeps a consumer out of this repository's MSBuild files and adds the feed under test to the machine's sources.
    private void WriteIsolation(string directory)
    {
        // Stubs end MSBuild's upward search for these files here, whatever lies above the temporary folder.
        File.WriteAllText(Path.Combine(directory, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(directory, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(directory, "Directory.Packages.props"), "<Project />\n");

        // The machine's own sources stay (the runtime's dependencies come from there); the feed is added.
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="agentcost-under-test" value="{package.Feed}" />
              </packageSources>
            </configuration>
            """);
    }

    private static XDocument ReadXml(ZipArchive archive, string name)
    {
        var entry = archive.Entries.FirstOrDefault(e => e.FullName.Replace('\\', '/') == name)
            ?? throw new Xunit.Sdk.XunitException($"{name} is not in the package.");
        using var stream = entry.Open();
        return XDocument.Load(stream);
    }

    private void WriteConsumer(string directory)
    {
        WriteIsolation(directory);

        File.WriteAllText(Path.Combine(directory, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <!-- The test is about this package; vulnerability feeds are not. -->
                <NuGetAudit>false</NuGetAudit>
                <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="AgentCost" Version="{package.Version}" />
              </ItemGroup>
            </Project>
            """);

        File.WriteAllText(Path.Combine(directory, "Tools.cs"), """
            using AgentCost;
            using Microsoft.Extensions.AI;

            namespace Consumer;

            public sealed class Support(IChatClient chat)
            {
                [RouteModel(MaxTier = "complex")]
                public async Task<string> AnswerAsync(string question)
                    => (await chat.GetResponseAsync(question)).ModelId ?? "(no model)";
            }

            // Answers with the model it was asked for, so the program can print where each call was routed.
            public sealed class EchoModel : IChatClient
            {
                public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
                    => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")) { ModelId = options?.ModelId });

                public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
                    => throw new NotSupportedException();

                public object? GetService(Type serviceType, object? serviceKey = null) => null;

                public void Dispose()
                {
                }
            }

            public sealed class Tools
            {
                private int _askRuns;
                private int _summarizeRuns;

                public int AskRuns => Volatile.Read(ref _askRuns);

                public int SummarizeRuns => Volatile.Read(ref _summarizeRuns);

                [Cached]
                public async Task<string> AskAsync(string prompt)
                {
                    var run = Interlocked.Increment(ref _askRuns);
                    await Task.Yield();
                    return $"answer {run} to {prompt}";
                }

                [Cached(TtlSeconds = 600)]
                public string Summarize(string text)
                {
                    var run = Interlocked.Increment(ref _summarizeRuns);
                    return $"summary {run}: {text.Length} characters";
                }
            }
            """);

        File.WriteAllText(Path.Combine(directory, "Program.cs"), """
            using AgentCost;
            using AgentCost.Routing;
            using Consumer;
            using Microsoft.Extensions.AI;

            var tools = new Tools();

            var firstAnswer = await tools.AskAsync("What does a token cost?");
            var repeatedAnswer = await tools.AskAsync("What does a token cost?");
            _ = await tools.AskAsync("What is a budget?");

            var firstSummary = tools.Summarize("a long report");
            var repeatedSummary = tools.Summarize("a long report");
            _ = tools.Summarize("another report");

            var ask = AgentCostRuntime.Current.Cache.GetStatistics("Consumer.Tools.AskAsync");
            var summarize = AgentCostRuntime.Current.Cache.GetStatistics("Consumer.Tools.Summarize");

            Console.WriteLine($"async-body-runs={tools.AskRuns}");
            Console.WriteLine($"async-hits={ask.Hits}");
            Console.WriteLine($"async-misses={ask.Misses}");
            Console.WriteLine($"async-repeat-returned-cached-answer={repeatedAnswer == firstAnswer}");
            Console.WriteLine($"sync-body-runs={tools.SummarizeRuns}");
            Console.WriteLine($"sync-hits={summarize.Hits}");
            Console.WriteLine($"sync-misses={summarize.Misses}");
            Console.WriteLine($"sync-repeat-returned-cached-answer={repeatedSummary == firstSummary}");

            var routing = new RoutingOptions();
            routing.Tiers["simple"] = new ModelTierOptions { Deployments = [new ModelDeploymentOptions { Model = "gpt-4o-mini" }] };
            routing.Tiers["complex"] = new ModelTierOptions { Deployments = [new ModelDeploymentOptions { Model = "gpt-4o" }] };
            using var router = new ModelRouter(routing);
            using var chat = new ChatClientBuilder(new EchoModel()).UseAgentCostRouting(router).Build();
            var support = new Support(chat);
            Console.WriteLine($"routed-easy-question={await support.AnswerAsync("What is a token?")}");
            Console.WriteLine($"routed-hard-question={await support.AnswerAsync("Prove step by step that a hard budget never overspends.")}");
            Console.WriteLine($"route-after-call={(ModelRouting.Current is null ? "closed" : "open")}");
            """);
    }
}
