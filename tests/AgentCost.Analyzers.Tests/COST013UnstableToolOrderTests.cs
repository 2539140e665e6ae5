using AgentCost.Analyzers.CodeFixes;
using AgentCost.Analyzers.Tests.Infrastructure;
using Verify = AgentCost.Analyzers.Tests.Infrastructure.Verifier<AgentCost.Analyzers.Rules.COST013UnstableToolOrder>;

namespace AgentCost.Analyzers.Tests;

public sealed class COST013UnstableToolOrderTests
{
    // Each body fills ChatOptions.Tools; `set`, `byName`, `live` and `names` are the unordered collections of Members.
    private const string Members = """
        private readonly HashSet<AITool> _set = new();
        private readonly Dictionary<string, AITool> _byName = new();
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, AIFunction> _live = new();
        private readonly List<AITool> _list = new();
        private readonly AITool[] _array = [];
        private readonly SortedDictionary<string, AITool> _sorted = new();
        private readonly SortedSet<string> _sortedNames = new();
        private readonly System.Collections.Immutable.ImmutableArray<AITool> _immutable = default;
        private static AIFunction Make(string name) => AIFunctionFactory.Create(() => name, name);

        """;

    public static TheoryData<string, string> Reported => new()
    {
        { "a HashSet assigned through a spread", "options.Tools = [.. {|COST013:_set|}];" },
        { "a HashSet through ToList", "options.Tools = {|COST013:_set|}.ToList();" },
        { "a HashSet through a LINQ chain", "options.Tools = {|COST013:_set|}.Where(t => t.Name.Length > 0).Cast<AITool>().ToList();" },
        { "a list constructed from a HashSet", "options.Tools = new List<AITool>({|COST013:_set|});" },
        { "a dictionary's values", "options.Tools = [.. {|COST013:_byName.Values|}];" },
        { "a dictionary's keys turned into tools", "options.Tools = {|COST013:_byName.Keys|}.Select(Make).ToList<AITool>();" },
        { "a dictionary's pairs", "options.Tools = {|COST013:_byName|}.Select(p => p.Value).ToList();" },
        { "a ConcurrentDictionary's values", "options.Tools = [.. {|COST013:_live.Values|}];" },
        { "an object initializer", "_ = new ChatOptions { Tools = [.. {|COST013:_byName.Values|}] };" },
        { "a parallel query", "options.Tools = {|COST013:_list.AsParallel()|}.Select(t => t).ToList();" },
        { "ToHashSet in the chain", "options.Tools = [.. {|COST013:_list.ToHashSet()|}];" },
        { "AddRange on the tools", "options.Tools = new List<AITool>(); ((List<AITool>)options.Tools).AddRange({|COST013:_set|});" },
        { "Add in a foreach over a HashSet", "options.Tools = new List<AITool>(); foreach (var tool in {|COST013:_set|}) options.Tools.Add(tool);" },
        { "Add in a foreach over a dictionary's pairs", "options.Tools = new List<AITool>(); foreach (var pair in {|COST013:_byName|}) { options.Tools.Add(pair.Value); }" },
        { "a local list filled in a foreach", "var tools = new List<AITool>(); foreach (var name in {|COST013:_live.Keys|}) tools.Add(Make(name)); options.Tools = tools;" },
        { "a local initialized from a HashSet", "IEnumerable<AITool> found = {|COST013:_set|}.Where(t => t is AIFunction); options.Tools = found.ToList();" },
        { "a local HashSet built at run time", "var chosen = new HashSet<AITool>(_list); options.Tools = [.. {|COST013:chosen|}];" },
        // Modelled on an agent runner that indexes its tools by name in a FrozenDictionary and declares them from its values.
        { "a FrozenDictionary's values", "var index = System.Collections.Frozen.FrozenDictionary.ToFrozenDictionary(_list, t => t.Name); options.Tools = [.. {|COST013:index.Values|}.Select(AITool (t) => t)];" },
        // Modelled on a tool registry that answers a category query from a dictionary, then hands the list to the request.
        { "a registry's filtered values through a local", "var inCategory = {|COST013:_byName.Values|}.Where(t => t.Description.StartsWith(\"web\")).ToList(); options.Tools = inCategory;" },
        { "one branch of a conditional", "options.Tools = _list.Count > 0 ? _list : [.. {|COST013:_set|}];" },
    };

    public static TheoryData<string, string> NotReported => new()
    {
        { "a list", "options.Tools = _list;" },
        { "an array", "options.Tools = [.. _array];" },
        { "a collection expression of tools", "options.Tools = [Make(\"a\"), Make(\"b\")];" },
        { "a sorted HashSet", "options.Tools = [.. _set.OrderBy(t => t.Name)];" },
        { "a sorted dictionary's values", "options.Tools = [.. _sorted.Values];" },
        { "a SortedSet of names", "options.Tools = _sortedNames.Select(Make).ToList<AITool>();" },
        { "an ImmutableArray", "options.Tools = [.. _immutable];" },
        { "an ordered parallel query", "options.Tools = _list.AsParallel().AsOrdered().Select(t => t).ToList();" },
        { "a sort after a dictionary", "options.Tools = _byName.Values.OrderBy(t => t.Name).ThenBy(t => t.Description).ToList();" },
        { "a foreach over a list", "options.Tools = new List<AITool>(); foreach (var tool in _list) options.Tools.Add(tool);" },
        { "a foreach over a HashSet into a list that is not the tools", "var other = new List<AITool>(); foreach (var tool in _set) other.Add(tool); options.Tools = _list;" },
        { "a HashSet used only for lookups", "options.Tools = _list.Where(t => _set.Contains(t)).ToList();" },
        // Modelled on a plugin catalog that sorts its dictionary's values before listing them.
        { "a catalog sorted with a comparer", "options.Tools = _byName.Values.OrderBy(t => t.Name, StringComparer.Ordinal).ToArray();" },
        { "a lambda adding to the tools", "_set.ToList().ForEach(t => options.Tools!.Add(t));" },
    };

    [Theory]
    [MemberData(nameof(Reported))]
    public Task ReportsToolsInAnUnstableOrder(string shape, string body)
    {
        _ = shape;
        return Verify.AnalyzeAsync(Source(body));
    }

    [Theory]
    [MemberData(nameof(NotReported))]
    public Task IgnoresToolsInAStableOrder(string shape, string body)
    {
        _ = shape;
        return Verify.AnalyzeAsync(Source(body));
    }

    [Fact]
    public Task ReportsALoopWithTwoAddsOnce()
        => Verify.AnalyzeAsync(Source(
            "options.Tools = new List<AITool>(); foreach (var tool in {|COST013:_set|}) { options.Tools.Add(tool); options.Tools.Insert(0, tool); }"));

    [Fact]
    public Task MessageNamesTheUnorderedCollection()
        => Verify.AnalyzeAsync(
            Source("options.Tools = [.. {|#0:_set|}];"),
            Verify.Diagnostic("COST013").WithLocation(0)
                .WithMessage("ChatOptions.Tools is filled in the enumeration order of a HashSet<AITool>, which can differ between calls and processes; the provider's prompt cache keys on the tool list, so sort the tools (for example by Name)"));

    [Fact]
    public Task MessageNamesADictionarysValuesWithTheDictionary()
        => Verify.AnalyzeAsync(
            Source("options.Tools = [.. {|#0:_byName.Values|}];"),
            Verify.Diagnostic("COST013").WithLocation(0)
                .WithMessage("ChatOptions.Tools is filled in the enumeration order of a Dictionary<string, AITool>.ValueCollection, which can differ between calls and processes; the provider's prompt cache keys on the tool list, so sort the tools (for example by Name)"));

    [Fact]
    public Task FixSortsAHashSetOfToolsByName()
        => Verify.FixAsync<COST013CodeFixProvider>(
            Source("options.Tools = [.. {|COST013:_set|}];"),
            Source("options.Tools = [.. _set.OrderBy(t => t.Name)];"));

    [Fact]
    public Task FixSortsADictionarysValuesInAForeach()
        => Verify.FixAsync<COST013CodeFixProvider>(
            Source("options.Tools = new List<AITool>(); foreach (var t in {|COST013:_byName.Values|}) options.Tools.Add(t);"),
            Source("options.Tools = new List<AITool>(); foreach (var t in _byName.Values.OrderBy(t => t.Name)) options.Tools.Add(t);"));

    [Fact]
    public Task FixPicksAFreeParameterNameAndAddsTheUsing()
        => Verify.FixAsync<COST013CodeFixProvider>(
            """
            using System.Collections.Generic;
            using Microsoft.Extensions.AI;

            public class Agent
            {
                public void Configure(ChatOptions options, HashSet<AIFunction> functions, AITool t)
                {
                    options.Tools = new List<AITool>({|COST013:functions|});
                }
            }
            """,
            """
            using System.Collections.Generic;
            using System.Linq;
            using Microsoft.Extensions.AI;

            public class Agent
            {
                public void Configure(ChatOptions options, HashSet<AIFunction> functions, AITool t)
                {
                    options.Tools = new List<AITool>(functions.OrderBy(tool => tool.Name));
                }
            }
            """);

    [Fact]
    public Task OffersNoFixForASourceThatIsNotTools()
        => Verify.FixAsync<COST013CodeFixProvider>(
            Source("var tools = new List<AITool>(); foreach (var name in {|COST013:_live.Keys|}) tools.Add(Make(name)); options.Tools = tools;"),
            Source("var tools = new List<AITool>(); foreach (var name in {|COST013:_live.Keys|}) tools.Add(Make(name)); options.Tools = tools;"));

    internal static string Source(string body) => Sources.Tools(Members + "public void Configure(ChatOptions options)\n{\n    " + body + "\n}");
}
