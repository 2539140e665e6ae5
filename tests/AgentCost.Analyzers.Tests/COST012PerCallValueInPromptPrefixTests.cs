using AgentCost.Analyzers.CodeFixes;
using AgentCost.Analyzers.Tests.Infrastructure;
using Verify = AgentCost.Analyzers.Tests.Infrastructure.Verifier<AgentCost.Analyzers.Rules.COST012PerCallValueInPromptPrefix>;

namespace AgentCost.Analyzers.Tests;

public sealed class COST012PerCallValueInPromptPrefixTests
{
    public static TheoryData<string, string> Reported => new()
    {
        { "DateTime.UtcNow in a system prompt", "public ChatMessage System() => new(ChatRole.System, $\"Today is {{|COST012:DateTime.UtcNow|}:d}. You are a helpful agent.\");" },
        { "DateTime.Now formatted by a call", "public ChatMessage System() => new ChatMessage(ChatRole.System, $\"Current time: {{|COST012:DateTime.Now.ToString(\"O\")|}}\\nAnswer briefly.\");" },
        { "DateTime.Today concatenated", "public ChatMessage System() => new(ChatRole.System, \"Date: \" + {|COST012:DateTime.Today|} + \". Be concise.\");" },
        { "DateTimeOffset.UtcNow", "public ChatMessage System() => new(ChatRole.System, $\"{{|COST012:DateTimeOffset.UtcNow|}} You answer questions about invoices.\");" },
        { "a new Guid as a request id", "public ChatMessage System() => new(ChatRole.System, $\"Request {{|COST012:Guid.NewGuid()|}}. You are a support agent.\");" },
        { "Random.Shared", "public ChatMessage System() => new(ChatRole.System, $\"Seed {{|COST012:Random.Shared.Next()|}}. Write a story.\");" },
        { "a Random instance", "private readonly Random _random = new();\npublic ChatMessage System() => new(ChatRole.System, $\"Pick {{|COST012:_random.Next(10)|}} items. Then explain.\");" },
        { "Environment.TickCount64", "public ChatMessage System() => new(ChatRole.System, string.Concat(\"Tick \", {|COST012:Environment.TickCount64.ToString()|}, \" and the rules follow.\"));" },
        { "a Stopwatch reading", "public ChatMessage System(System.Diagnostics.Stopwatch watch) => new(ChatRole.System, $\"Elapsed {{|COST012:watch.ElapsedMilliseconds|}} ms. Keep going.\");" },
        { "a parameter in a system prompt", "public ChatMessage System(string userName) => new(ChatRole.System, $\"The user is {{|COST012:userName|}}. You are a helpful agent.\");" },
        { "ChatOptions.Instructions in an initializer", "public ChatOptions Options() => new() { Instructions = $\"Now: {{|COST012:DateTime.UtcNow|}}. Use the tools.\" };" },
        { "ChatOptions.Instructions assigned", "public void Configure(ChatOptions options) => options.Instructions = $\"Id {{|COST012:Guid.NewGuid()|}}: follow the policy.\";" },
        { "a system prompt held in a local", "public ChatMessage System() { var prompt = $\"Today is {{|COST012:DateTime.UtcNow|}:D}.\\nYou are a travel agent.\"; return new(ChatRole.System, prompt); }" },
        { "a date before a read-only instructions field", "private static readonly string Rules = \"Be brief.\";\npublic ChatMessage System() => new(ChatRole.System, $\"Today is {{|COST012:DateTime.UtcNow|}}.\\n{Rules}\");" },
        { "the string sent as the only message", "public Task<ChatResponse> AskAsync(string question) => _chat.GetResponseAsync($\"[{{|COST012:DateTime.UtcNow|}}] Answer the question: {question}\");" },
        { "the first message of a list", "public List<ChatMessage> Messages(string q) => [new(ChatRole.User, $\"It is {{|COST012:DateTime.Now|}}. Summarize the report below.\\n{q}\"), new(ChatRole.User, q)];" },
    };

    public static TheoryData<string, string> NotReported => new()
    {
        { "the date at the end of a system prompt", "public ChatMessage System() => new(ChatRole.System, $\"You are a helpful agent. Today is {DateTime.UtcNow:d}.\");" },
        { "only punctuation after the date", "public ChatMessage System() => new(ChatRole.System, \"You are a helpful agent. Now: \" + DateTime.UtcNow + \".\\n\");" },
        { "a static system prompt", "public ChatMessage System() => new(ChatRole.System, \"You are a helpful agent.\");" },
        { "a constant interpolated", "private const string Name = \"Ada\";\npublic ChatMessage System() => new(ChatRole.System, $\"You are {Name}. Be brief.\");" },
        { "a field that does not change per call", "private readonly string _persona = \"a pilot\";\npublic ChatMessage System() => new(ChatRole.System, $\"You are {_persona}. Be brief.\");" },
        { "a parameter in a user message", "public ChatMessage User(string question) => new(ChatRole.User, $\"{question}\\nAnswer in one sentence.\");" },
        { "a parameter in the only message", "public Task<ChatResponse> AskAsync(string notes, string q) => _chat.GetResponseAsync($\"{notes}\\n\\nQuestion: {q}\");" },
        { "a date in a later message", "public List<ChatMessage> Messages() => [new(ChatRole.System, \"You are a clerk.\"), new(ChatRole.User, $\"It is {DateTime.Now}. What is due?\")];" },
        { "a constructor parameter", "private readonly ChatMessage _system;\npublic Agent(string name) => _system = new(ChatRole.System, $\"You are {name}. Be brief.\");" },
        { "an assistant message", "public ChatMessage Reply() => new(ChatRole.Assistant, $\"At {DateTime.Now} I said: hello there.\");" },
        { "another type's Instructions", "public sealed class Job { public string Instructions { get; set; } = \"\"; }\npublic Job Make() => new() { Instructions = $\"{DateTime.Now} run the job.\" };" },
        { "a reassigned local is read from its initializer", "public ChatMessage System() { var prompt = \"You are a clerk.\"; prompt += $\" Today is {DateTime.Now}.\"; return new(ChatRole.System, prompt); }" },
    };

    [Theory]
    [MemberData(nameof(Reported))]
    public Task ReportsPerCallValueAheadOfStaticText(string shape, string members)
    {
        _ = shape;
        return Verify.AnalyzeAsync(Sources.Agent(members));
    }

    [Theory]
    [MemberData(nameof(NotReported))]
    public Task IgnoresStablePrefixes(string shape, string members)
    {
        _ = shape;
        return Verify.AnalyzeAsync(Sources.Agent(members));
    }

    [Fact]
    public Task MessageNamesTheValueAndWhereItIs()
        => Verify.AnalyzeAsync(
            Sources.Agent("public ChatMessage System() => new(ChatRole.System, $\"Today is {{|#0:DateTime.UtcNow|}:d}. You are a helpful agent.\");"),
            Verify.Diagnostic("COST012").WithLocation(0)
                .WithMessage("'DateTime.UtcNow' changes on every call and comes before static text in the system prompt, so the provider's prompt cache can never reuse this prefix; move it to the end"));

    [Theory]
    [InlineData(
        "$\"Today is {{|COST012:DateTime.UtcNow|}:d}. You are a helpful agent.\"",
        "$\"You are a helpful agent. Today is {DateTime.UtcNow:d}.\"")]
    [InlineData(
        "$\"You are a clerk. Request {{|COST012:Guid.NewGuid()|}}. Answer in English. Be brief.\"",
        "$\"You are a clerk. Answer in English. Be brief. Request {Guid.NewGuid()}.\"")]
    [InlineData(
        "$\"Now: {{|COST012:DateTime.Now|}}\\nYou are a helpful agent.\"",
        "$\"You are a helpful agent.\\nNow: {DateTime.Now}\"")]
    public Task FixMovesTheDynamicSentenceToTheEnd(string before, string after)
        => Verify.FixAsync<COST012CodeFixProvider>(
            Sources.Agent($"public ChatMessage System() => new(ChatRole.System, {before});"),
            Sources.Agent($"public ChatMessage System() => new(ChatRole.System, {after});"));

    [Theory]
    [InlineData("$\"Today is {{|COST012:DateTime.UtcNow|}:d} and you are a helpful agent.\"")]
    [InlineData("$\"Today is {{|COST012:DateTime.UtcNow|}:d}. You help {DateTime.Now.Year} users.\"")]
    [InlineData("\"Today is \" + {|COST012:DateTime.UtcNow|} + \". You are a helpful agent.\"")]
    [InlineData("$@\"Today is {{|COST012:DateTime.UtcNow|}:d}. You are a helpful agent.\"")]
    [InlineData("$\"Today is {{|COST012:DateTime.UtcNow|}:d}. You are a helpful agent\"")]
    public Task OffersNoFixWithoutACleanSentenceBoundary(string text)
    {
        var source = Sources.Agent($"public ChatMessage System() => new(ChatRole.System, {text});");
        return Verify.FixAsync<COST012CodeFixProvider>(source, source);
    }
}
