#!/usr/bin/env bash
# Measures what AgentCost's analyzers cost a build: generates a 2,000-file agent project (model calls in every file,
# [Cached] tools, bounded and unbounded loops), builds it with -p:ReportAnalyzer=true, and prints the analyzer times
# next to the compile (Csc) time. Results go to docs/benchmarks.md by hand.
#
#   benchmarks/analyzers/run.sh [files] [work-directory]
#
# Defaults: 2000 files in a fresh temporary directory. Needs the .NET 10 SDK; builds the runtime, the generator and the
# analyzers from this checkout.
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
files="${1:-2000}"
work="${2:-$(mktemp -d -t agentcost-analyzer-bench.XXXXXX)}"
project="$work/AgentBench"
mkdir -p "$project/Agents"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

cat > "$project/AgentBench.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
    <TreatWarningsAsErrors>false</TreatWarningsAsErrors>
    <InterceptorsNamespaces>\$(InterceptorsNamespaces);AgentCost.Generated</InterceptorsNamespaces>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="$repo/src/AgentCost/AgentCost.csproj" />
    <ProjectReference Include="$repo/generators/AgentCost.Generators/AgentCost.Generators.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
    <ProjectReference Include="$repo/analyzers/AgentCost.Analyzers/AgentCost.Analyzers.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" Condition="'\$(WithAgentCostAnalyzers)' != 'false'" />
  </ItemGroup>
</Project>
XML
# The repository's Directory.*.props are not above the work directory; central versions come from the checkout.
cp "$repo/Directory.Packages.props" "$work/Directory.Packages.props"
printf '<Project>\n  <PropertyGroup>\n    <ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally>\n  </PropertyGroup>\n</Project>\n' > "$work/Directory.Build.props"
sed -i 's|<ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>||' "$project/AgentBench.csproj"

for ((i = 0; i < files; i++)); do
  # Every file calls a model in a loop; one in four loops is unbounded and one in ten tools is an uncached
  # deterministic tool, so the rules also report, as they would in a real project under way.
  if ((i % 4 == 0)); then loop="while (true)"; else loop="for (var step = 0; step < MaxSteps; step++)"; fi
  if ((i % 10 == 0)); then cached=""; else cached="[Cached(TtlSeconds = 600)]"; fi
  cat > "$project/Agents/Agent$i.cs" <<CS
using System.ComponentModel;
using AgentCost;
using Microsoft.Extensions.AI;

namespace AgentBench.Agents;

public sealed class Agent$i(IChatClient chat, Tools$i tools)
{
    private const int MaxSteps = 8;

    public async Task<string> RunAsync(string goal, CancellationToken cancellationToken)
    {
        var messages = new List<ChatMessage> { new(ChatRole.User, goal) };
        $loop
        {
            var reply = await chat.GetResponseAsync(messages, cancellationToken: cancellationToken);
            messages.AddRange(reply.Messages);
            var found = await tools.SearchAsync(reply.Text, cancellationToken);
            if (reply.Text.Contains("DONE", StringComparison.Ordinal))
            {
                return found;
            }
        }

        return messages[^1].Text;
    }

    public async Task<int> ReviewAsync(IReadOnlyList<string> drafts, CancellationToken cancellationToken)
    {
        var score = 0;
        foreach (var draft in drafts)
        {
            score += (await StepAsync(draft, cancellationToken)).Length;
        }

        var attempt = 0;
        while (attempt++ < 3 && score == 0)
        {
            score = tools.Count(await StepAsync("retry", cancellationToken));
        }

        return score;
    }

    private async Task<string> StepAsync(string prompt, CancellationToken cancellationToken)
        => (await chat.GetResponseAsync(prompt, cancellationToken: cancellationToken)).Text;

    public IList<AITool> Tools() => [AIFunctionFactory.Create(tools.Count)];
}

public sealed class Tools$i
{
    [Cached(TtlSeconds = 3600)]
    public async Task<string> SearchAsync(string query, CancellationToken cancellationToken)
    {
        await Task.Yield();
        return query.Length > $i ? query : "none";
    }

    [Description("Counts the words of a text."), Deterministic]
    $cached
    public int Count(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
}
CS
done
echo "Generated $files files in $project"

cd "$project"
# Warm-up: restore, build the referenced projects, start the compiler server.
dotnet build -c Release -v:q -nologo > "$work/warmup.log" 2>&1 || { tail -50 "$work/warmup.log"; exit 1; }

# Measured: the bench project alone, recompiled. Runs alternate with and without the analyzers (A/B), so that the
# added compile time is measured as well as the time ReportAnalyzer attributes to each rule.
build() { # $1: log name, $2: true|false
  dotnet build -c Release --no-restore --no-incremental -p:BuildProjectReferences=false -p:ReportAnalyzer=true \
    -p:WithAgentCostAnalyzers="$2" -v:diag -nologo > "$work/$1.log" 2>&1 || { tail -50 "$work/$1.log"; exit 1; }
}
for run in 1 2; do
  build "with$run" true
  build "without$run" false
done

summary() {
  # The ReportAnalyzer tables: the totals, then the AgentCost.Analyzers assembly with one line per rule.
  grep -E "Total (analyzer|generator) execution time" "$1" | sed -E 's/^ +//; s/ \(TaskId:[0-9]+\)//'
  awk '/Time \(s\) +% +Analyzer/ { on = 1; next } on && /AgentCost\.Analyzers, Version/ { print; agentcost = 1; next }
       on && agentcost && /AgentCost\.Analyzers\.Rules/ { print; next } on && agentcost { exit }' "$1" | sed -E 's/ \(TaskId:[0-9]+\)//'
}
csc_ms() { grep -E "^ +[0-9]+ ms +Csc " "$1" | tail -1 | awk '{ print $1 }'; }

for run in 1 2; do
  with="$work/with$run.log"
  without="$work/without$run.log"
  echo
  echo "== Run $run =="
  summary "$with"
  analyzers=$(awk '/AgentCost\.Analyzers, Version/ { print $1; exit }' "$with")
  awk -v a="$analyzers" -v c="$(csc_ms "$with")" -v b="$(csc_ms "$without")" 'BEGIN {
    printf "Csc with the analyzers: %.1f s; without: %.1f s; difference: %+.1f s (%+.1f%%)\n", c / 1000, b / 1000, (c - b) / 1000, 100 * (c - b) / b
    printf "ReportAnalyzer: AgentCost analyzers %.2f s = %.1f%% of the compile (Csc) with them\n", a, 100 * a / (c / 1000) }'
done

echo
echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GiB, $(uname -sr), .NET SDK $(dotnet --version)"
echo "Logs: $work/with1.log, $work/without1.log, $work/with2.log, $work/without2.log"
