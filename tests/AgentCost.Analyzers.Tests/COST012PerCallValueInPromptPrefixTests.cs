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
        { "a message inserted at the front", "public void Prepare(List<ChatMessage> messages) => messages.Insert(0, new ChatMessage(ChatRole.User, $\"Run {{|COST012:Guid.NewGuid()|}}. Continue the task.\"));" },
        { "a clock held in a local and interpolated", "public ChatMessage System() { var now = {|COST012:DateTime.UtcNow.ToString(\"O\")|}; return new(ChatRole.System, $\"Now: {now}. You are a clerk.\"); }" },
        { "a date joined by string.Join", "public ChatMessage System() => new(ChatRole.System, string.Join(\" \", [$\"Today is {{|COST012:DateTime.Today|}:d}.\", \"You are a clerk.\"]));" },
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
        { "a message inserted after the first", "public void Prepare(List<ChatMessage> messages) => messages.Insert(1, new ChatMessage(ChatRole.User, $\"Run {Guid.NewGuid()}. Continue the task.\"));" },
        { "a member of a parameter", "public sealed class Settings { public string SystemPrompt { get; set; } = \"\"; }\npublic ChatMessage System(Settings settings) => new(ChatRole.System, $\"{settings.SystemPrompt}\\nThe current date is {DateTime.Now:d}.\");" },
        { "a reassigned local is read from its initializer", "public ChatMessage System() { var prompt = \"You are a clerk.\"; prompt += $\" Today is {DateTime.Now}.\"; return new(ChatRole.System, prompt); }" },
    };

    /// <summary>
    /// Prompt layouts found in public agent code (C#, and Python and TypeScript layouts written here in C#), in this
    /// project's own words. The rule's answer on each is pinned, misses included; docs/rules/COST012.md counts them.
    /// </summary>
    public static TheoryData<string, string> ModelledOnPublicCode => new()
    {
        // Reported, rightly: a clock reading opens the system prompt or sits before its instructions.
        { "date and time open an agent's instructions", "public ChatOptions Options() => new() { Instructions = $\"Today is {{|COST012:DateTime.Now.ToString(\"dddd, MMMM d\")|}}. It is {DateTime.Now:t}.\\nYou keep the team's notes. Use the tools to save and search them.\" };" },
        { "persona, then the date, then the job", "public ChatMessage System() => new(ChatRole.System, $\"You are a market analyst. Today is {{|COST012:DateTime.Now|}:MMMM d, yyyy}.\\n\\nResearch the sentiment for the ticker with web search.\");" },
        { "preamble with the date before the workflow", "private const string Skills = \"Skills: search, summarize, cite.\";\npublic ChatMessage System() => new(ChatRole.System, $\"You are a research assistant for clinicians. Today is {{|COST012:DateTime.UtcNow|}:yyyy-MM-dd}.\\nWork through the stages in order.\\n{Skills}\");" },
        { "date first in a report prompt sent as the only message", "public Task<ChatResponse> ReportAsync() => _chat.GetResponseAsync($\"Today is {{|COST012:DateTime.Now|}:d}.\\nYou are an advisor gathering documents for a daily report.\");" },
        // Reported, wrongly: a language parameter in the middle splits the cache per language, which is cheap.
        { "a language parameter mid-sentence", "public ChatMessage System(string language) => new(ChatRole.System, $\"You summarize video transcripts. Write the summary in {{|COST012:language|}} in at most five bullets.\");" },
        // Not reported, rightly.
        { "the date after the cutoff note", "public ChatMessage System() => new(ChatRole.System, $\"You are a chat assistant. Answer concisely.\\nKnowledge cutoff: 2024-06\\nCurrent date: {DateTime.UtcNow:yyyy-MM-dd}\");" },
        { "configured prompt, then the date", "public sealed class PluginSettings { public string SystemMessage { get; set; } = \"\"; }\npublic ChatMessage System(PluginSettings settings) => new(ChatRole.System, $\"{settings.SystemMessage}\\n\\nThe current date is {DateTime.Now:yyyy-MM-dd}.\");" },
        { "a profile in a second system message", "public List<ChatMessage> Start(string profileJson) => new() { new(ChatRole.System, \"You answer investors' questions from the data.\"), new(ChatRole.System, $\"Current investor profile: {profileJson}\") };" },
        { "the user's name at the end", "public ChatOptions Options(string userName) => new() { Instructions = $\"You are a helpful assistant. The user's name is {userName}.\" };" },
        { "date joined in front of the instructions", "public ChatMessage System() => new(ChatRole.System, string.Join(\"\\n\", $\"Today is {{|COST012:DateTime.Now|}:d}.\", \"You are a research assistant writing sourced reports.\"));" },
        { "a session stamp in a message inserted at the front", "public void Prepare(List<ChatMessage> messages) { var stamp = {|COST012:DateTimeOffset.UtcNow.ToString(\"O\")|}; messages.Insert(0, new ChatMessage(ChatRole.System, $\"<session updated=\\\"{stamp}\\\"/> Follow the session rules.\")); }" },
        // Not reported, wrongly (a miss): the prompt is assembled with a StringBuilder, which the rule does not read.
        { "time lines appended before the live context", "public ChatMessage System(bool live) { var sb = new System.Text.StringBuilder(\"You chat with the stream.\\n\"); sb.AppendLine($\"The local time is {DateTime.Now:H:mm}.\"); if (live) sb.AppendLine(\"The stream is live; keep answers short.\"); return new(ChatRole.System, sb.ToString()); }" },
    };

    [Theory]
    [MemberData(nameof(ModelledOnPublicCode))]
    public Task AnswersOnLayoutsFoundInPublicCode(string shape, string members)
    {
        _ = shape;
        return Verify.AnalyzeAsync(Sources.Agent(members));
    }

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
    [InlineData("string.Join(\" \", $\"Today is {{|COST012:DateTime.UtcNow|}:d}. You are a clerk.\", \"Be brief.\")")]
    [InlineData("$@\"Today is {{|COST012:DateTime.UtcNow|}:d}. You are a helpful agent.\"")]
    [InlineData("$\"Today is {{|COST012:DateTime.UtcNow|}:d}. You are a helpful agent\"")]
    public Task OffersNoFixWithoutACleanSentenceBoundary(string text)
    {
        var source = Sources.Agent($"public ChatMessage System() => new(ChatRole.System, {text});");
        return Verify.FixAsync<COST012CodeFixProvider>(source, source);
    }

    // Prompts half-typed: the pieces the rule opens (interpolations, concatenations, Join, locals, Insert) with parts missing or circular.
    public static TheoryData<string> IncompletePrompts =>
    [
        "_ = new ChatMessage(ChatRole.System, $\"Today is {DateTime.} You are a clerk.\");",
        "_ = new ChatMessage(ChatRole.System, $\"Today is {} You are a clerk.\");",
        "_ = new ChatMessage(ChatRole.System, \"Now \" + + \" be brief.\");",
        "_ = new ChatMessage(ChatRole., $\"{Guid.NewGuid()} be brief.\");",
        "_ = new ChatMessage(ChatRole.System, string.Join(, $\"{DateTime.Now}\", \"be brief\"));",
        "_ = new ChatMessage(ChatRole.System, string.Concat());",
        "var p = p + $\"{DateTime.Now} be brief.\"; _ = new ChatMessage(ChatRole.System, p);",
        "string a = b, b = a; _ = new ChatMessage(ChatRole.System, a + \" be brief.\");",
        "messages.Insert(0, new ChatMessage(ChatRole.User, ));",
        "messages.Insert(, new ChatMessage(ChatRole.User, $\"{Random.Shared.} go\"));",
        "_ = new ChatOptions { Instructions = $\"{DateTime.UtcNow:} go on\" };",
        "_ = new ChatOptions { Instructions = };",
        "_ = chat.GetResponseAsync($\"{Environment.TickCount64.} go on\");",
        "_ = new ChatMessage(ChatRole.System, $\"Now: {DateTime.Now\\nYou are a clerk.\");",
    ];

    [Theory]
    [MemberData(nameof(IncompletePrompts))]
    public async Task NeverThrowsOnIncompletePrompts(string body)
    {
        var source = Sources.Tools($$"""
            public static void Run(IChatClient chat, List<ChatMessage> messages, string question)
            {
                {{body}}
            }
            """);

        var (_, exceptions) = await AnalyzerRunner.RunAsync(AnalyzerRunner.Compile(source));

        Assert.Empty(exceptions);
    }
}
