using AgentCost.Analyzers.Rules;
using AgentCost.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Verify = AgentCost.Analyzers.Tests.Infrastructure.Verifier<AgentCost.Analyzers.Rules.COST001UnboundedAgentLoop>;

namespace AgentCost.Analyzers.Tests;

public sealed class COST001UnboundedAgentLoopTests
{
    // Runaway shapes real agents have. Each marks the loop keyword that must be reported.
    public static TheoryData<string, string> Unbounded => new()
    {
        {
            "while (true) that breaks only on the model's answer",
            """
            public async Task<string> RunAsync(string goal)
            {
                var messages = new List<ChatMessage> { new(ChatRole.User, goal) };
                {|COST001:while|} (true)
                {
                    var reply = await _chat.GetResponseAsync(messages);
                    messages.AddRange(reply.Messages);
                    if (reply.Text.Contains("DONE"))
                    {
                        break;
                    }
                }

                return messages[^1].Text;
            }
            """
        },
        {
            "do ... while on the model's answer",
            """
            public async Task<string> RunAsync(string goal)
            {
                ChatResponse reply;
                {|COST001:do|}
                {
                    reply = await _chat.GetResponseAsync(goal);
                    goal = reply.Text;
                }
                while (!reply.Text.Contains("FINAL ANSWER"));
                return reply.Text;
            }
            """
        },
        {
            "a counter that is compared but whose comparison exits nothing",
            """
            public async Task<string> RunAsync(string goal)
            {
                var step = 0;
                {|COST001:while|} (true)
                {
                    step++;
                    if (step > 20)
                    {
                        Console.WriteLine($"Still working after {step} steps");
                    }

                    var reply = await _chat.GetResponseAsync(goal);
                    if (reply.Text == "DONE")
                    {
                        return reply.Text;
                    }
                }
            }
            """
        },
        {
            "polling until a server-side continuation clears",
            """
            public async Task<string> PollAsync(string goal)
            {
                var reply = await _chat.GetResponseAsync(goal);
                string? continuation = reply.ResponseId;
                {|COST001:while|} (continuation is not null)
                {
                    reply = await _chat.GetResponseAsync(goal, new ChatOptions { ConversationId = continuation });
                    continuation = reply.FinishReason == ChatFinishReason.Stop ? null : reply.ResponseId;
                }

                return reply.Text;
            }
            """
        },
        {
            "a queue the loop itself refills",
            """
            public async Task ExploreAsync(string goal)
            {
                var pending = new Queue<string>();
                pending.Enqueue(goal);
                {|COST001:while|} (pending.Count > 0)
                {
                    var task = pending.Dequeue();
                    var reply = await _chat.GetResponseAsync($"Break down: {task}");
                    foreach (var subtask in reply.Text.Split('\n'))
                    {
                        pending.Enqueue(subtask);
                    }
                }
            }
            """
        },
        {
            "a model call inside a helper method",
            """
            public async Task RunAsync()
            {
                var done = false;
                {|COST001:while|} (!done)
                {
                    done = await StepAsync();
                }
            }

            private async Task<bool> StepAsync()
            {
                var reply = await _chat.GetResponseAsync("Next step?");
                return reply.Text == "DONE";
            }
            """
        },
        {
            "a cancellation check alone",
            """
            public async Task RunAsync(CancellationToken cancellationToken)
            {
                {|COST001:while|} (!cancellationToken.IsCancellationRequested)
                {
                    await _chat.GetResponseAsync("Keep going", cancellationToken: cancellationToken);
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
            """
        },
        {
            "for (;;) that ends on the answer's length",
            """
            public async Task<string> RunAsync(string prompt)
            {
                {|COST001:for|} (;;)
                {
                    var reply = await _chat.GetResponseAsync(prompt);
                    if (reply.Text.Length == 0)
                    {
                        break;
                    }

                    prompt = reply.Text;
                }

                return prompt;
            }
            """
        },
        {
            "OpenAI's ChatClient",
            """
            public string Run(OpenAI.Chat.ChatClient client, string prompt)
            {
                {|COST001:while|} (true)
                {
                    var completion = client.CompleteChat(prompt);
                    if (completion.Content.EndsWith("."))
                    {
                        return completion.Content;
                    }

                    prompt = completion.Content;
                }
            }
            """
        },
        {
            "Semantic Kernel's InvokePromptAsync",
            """
            public async Task RunAsync(Microsoft.SemanticKernel.Kernel kernel)
            {
                var answer = "";
                {|COST001:while|} (answer != "yes")
                {
                    answer = (await Microsoft.SemanticKernel.KernelExtensions.InvokePromptAsync(kernel, "Are we done?")).ToString();
                }
            }
            """
        },
        {
            "Semantic Kernel's IChatCompletionService",
            """
            public async Task RunAsync(Microsoft.SemanticKernel.ChatCompletion.IChatCompletionService service, Microsoft.SemanticKernel.ChatCompletion.ChatHistory history)
            {
                {|COST001:while|} (true)
                {
                    var replies = await service.GetChatMessageContentsAsync(history);
                    history.AddRange(replies);
                    if (replies.Any(r => r.Content == "DONE"))
                    {
                        break;
                    }
                }
            }
            """
        },
        {
            "Agent Framework's AIAgent.RunAsync",
            """
            public async Task RunAsync(Microsoft.Agents.AI.AIAgent agent)
            {
                var text = "start";
                {|COST001:do|}
                {
                    text = (await agent.RunAsync(text)).Text;
                }
                while (text != "done");
            }
            """
        },
        {
            "a [TokenBudget] method called from an unbudgeted loop",
            """
            public async Task RunAsync()
            {
                {|COST001:while|} (true)
                {
                    if (await ResearchAsync("next") == "DONE")
                    {
                        return;
                    }
                }
            }

            [TokenBudget(8000)]
            public async Task<string> ResearchAsync(string question) => (await _chat.GetResponseAsync(question)).Text;
            """
        },
        {
            "a disjunction with the answer does not bound",
            """
            public async Task RunAsync()
            {
                var done = false;
                var step = 0;
                {|COST001:while|} (!done || step < 10)
                {
                    step++;
                    done = (await _chat.GetResponseAsync("go")).Text == "DONE";
                }
            }
            """
        },
        {
            "a counter tested together with the answer",
            """
            public async Task RunAsync()
            {
                var step = 0;
                {|COST001:while|} (true)
                {
                    var reply = await _chat.GetResponseAsync("go");
                    if (++step > 10 && reply.Text.Contains("DONE"))
                    {
                        break;
                    }
                }
            }
            """
        },
        {
            "a limit thrown inside a try that swallows everything",
            """
            public async Task RunAsync()
            {
                var step = 0;
                {|COST001:while|} (true)
                {
                    try
                    {
                        if (++step > 10)
                        {
                            throw new InvalidOperationException("Too many steps");
                        }

                        await _chat.GetResponseAsync("go");
                    }
                    catch (Exception exception)
                    {
                        Console.WriteLine(exception.Message);
                    }
                }
            }
            """
        },
        {
            "streaming updates in an endless outer loop",
            """
            public async Task RunAsync()
            {
                {|COST001:while|} (true)
                {
                    await foreach (var update in _chat.GetStreamingResponseAsync("go"))
                    {
                        Console.Write(update.Text);
                    }
                }
            }
            """
        },
        {
            "a model call in a lambda in the loop",
            """
            public async Task RunAsync()
            {
                var answer = "";
                {|COST001:while|} (answer != "DONE")
                {
                    answer = await Task.Run(async () => (await _chat.GetResponseAsync("go")).Text);
                }
            }
            """
        },
        {
            "a local function that calls the model",
            """
            public async Task RunAsync()
            {
                {|COST001:while|} (await StepAsync() != "DONE")
                {
                }

                async Task<string> StepAsync() => (await _chat.GetResponseAsync("go")).Text;
            }
            """
        },
        {
            "a helper two calls deep",
            """
            public async Task RunAsync()
            {
                var text = "";
                {|COST001:while|} (text != "DONE")
                {
                    text = await PlanAsync();
                }
            }

            private Task<string> PlanAsync() => ThinkAsync("plan");

            private async Task<string> ThinkAsync(string prompt) => (await _chat.GetResponseAsync(prompt)).Text;
            """
        },
        {
            "a message count compared the wrong way",
            """
            public async Task RunAsync(string goal)
            {
                var messages = new List<ChatMessage> { new(ChatRole.User, goal) };
                {|COST001:while|} (messages.Count > 0)
                {
                    var reply = await _chat.GetResponseAsync(messages);
                    messages.AddRange(reply.Messages);
                }
            }
            """
        },
        {
            "a message count that only logs",
            """
            public async Task<string> RunAsync(string goal)
            {
                var messages = new List<ChatMessage> { new(ChatRole.User, goal) };
                {|COST001:while|} (true)
                {
                    var reply = await _chat.GetResponseAsync(messages);
                    messages.AddRange(reply.Messages);
                    if (messages.Count > 50)
                    {
                        Console.WriteLine($"The conversation has {messages.Count} messages");
                    }

                    if (reply.Text.Contains("DONE"))
                    {
                        return reply.Text;
                    }
                }
            }
            """
        },
        {
            "a history the loop trims",
            """
            public async Task RunAsync(string goal)
            {
                var history = new List<ChatMessage> { new(ChatRole.User, goal) };
                {|COST001:while|} (history.Count < 20)
                {
                    var reply = await _chat.GetResponseAsync(history);
                    history.AddRange(reply.Messages);
                    if (history.Count > 10)
                    {
                        history.RemoveAt(1);
                    }
                }
            }
            """
        },
        {
            "a history the loop replaces with a summary",
            """
            public async Task RunAsync(string goal)
            {
                var messages = new List<ChatMessage> { new(ChatRole.User, goal) };
                {|COST001:while|} (messages.Count < 50)
                {
                    var reply = await _chat.GetResponseAsync(messages);
                    messages.AddRange(reply.Messages);
                    messages = Compact(messages);
                }
            }

            private static List<ChatMessage> Compact(List<ChatMessage> messages) => messages.Count > 10 ? messages.GetRange(messages.Count - 2, 2) : messages;
            """
        },
        {
            "a history grown only by a helper",
            """
            public async Task RunAsync(string goal)
            {
                var messages = new List<ChatMessage> { new(ChatRole.User, goal) };
                {|COST001:while|} (messages.Count < 50)
                {
                    var reply = await _chat.GetResponseAsync(messages);
                    Remember(messages, reply);
                }
            }

            private static void Remember(List<ChatMessage> messages, ChatResponse reply)
            {
                if (reply.Text.Length > 0)
                {
                    messages.AddRange(reply.Messages);
                }
            }
            """
        },
        {
            "a set of ideas, whose Add may add nothing",
            """
            public async Task<HashSet<string>> BrainstormAsync()
            {
                var ideas = new HashSet<string>();
                {|COST001:while|} (ideas.Count < 5)
                {
                    ideas.Add((await _chat.GetResponseAsync("One more idea?")).Text);
                }

                return ideas;
            }
            """
        },
        {
            "a list declared in the body, empty every iteration",
            """
            public async Task RunAsync()
            {
                {|COST001:while|} (true)
                {
                    var drafts = new List<string>();
                    drafts.Add((await _chat.GetResponseAsync("Draft?")).Text);
                    if (drafts.Count >= 3)
                    {
                        break;
                    }
                }
            }
            """
        },
        {
            "a message count compared for equality",
            """
            public async Task RunAsync(string goal)
            {
                var messages = new List<ChatMessage> { new(ChatRole.User, goal) };
                {|COST001:while|} (messages.Count != 50)
                {
                    var reply = await _chat.GetResponseAsync(messages);
                    messages.AddRange(reply.Messages);
                }
            }
            """
        },
        {
            "a loop in a local function of a method without [TokenBudget]",
            """
            public Task RunAsync()
            {
                return LoopAsync();

                async Task LoopAsync()
                {
                    {|COST001:while|} ((await _chat.GetResponseAsync("go")).Text != "DONE")
                    {
                    }
                }
            }
            """
        },
        {
            "a history grown only in a callback",
            """
            public async Task RunAsync(string goal, Action<Action<ChatMessage>> subscribe)
            {
                var messages = new List<ChatMessage> { new(ChatRole.User, goal) };
                {|COST001:while|} (messages.Count < 50)
                {
                    subscribe(message => messages.Add(message));
                    await _chat.GetResponseAsync(messages);
                }
            }
            """
        },
        {
            "an immutable list whose AddRange result is dropped",
            """
            public async Task RunAsync(string goal)
            {
                var messages = System.Collections.Immutable.ImmutableList.Create(new ChatMessage(ChatRole.User, goal));
                {|COST001:while|} (messages.Count < 50)
                {
                    var reply = await _chat.GetResponseAsync(messages);
                    messages.AddRange(reply.Messages);
                }
            }
            """
        },
    };

    // Bounded shapes: none is reported.
    public static TheoryData<string, string> Bounded => new()
    {
        {
            "for with a limit",
            """
            public async Task RunAsync(int maxSteps)
            {
                for (var i = 0; i < maxSteps; i++)
                {
                    await _chat.GetResponseAsync($"Step {i}");
                }
            }
            """
        },
        {
            "while with a counter",
            """
            public async Task RunAsync()
            {
                var step = 0;
                while (step < 10)
                {
                    await _chat.GetResponseAsync("go");
                    step++;
                }
            }
            """
        },
        {
            "a limit checked mid-body",
            """
            private const int MaxSteps = 12;

            public async Task<string> RunAsync(string goal)
            {
                var step = 0;
                while (true)
                {
                    var reply = await _chat.GetResponseAsync(goal);
                    if (reply.Text.Contains("DONE"))
                    {
                        return reply.Text;
                    }

                    if (++step >= MaxSteps)
                    {
                        break;
                    }
                }

                return "gave up";
            }
            """
        },
        {
            "FunctionInvokingChatClient's own shape: for (;;) with an iteration counter",
            """
            public int MaximumIterationsPerRequest { get; set; } = 40;

            public async Task<ChatResponse> GetResponseAsync(List<ChatMessage> messages)
            {
                for (var iteration = 0; ; iteration++)
                {
                    var response = await _chat.GetResponseAsync(messages);
                    if (response.FinishReason != ChatFinishReason.ToolCalls)
                    {
                        return response;
                    }

                    if (iteration >= MaximumIterationsPerRequest)
                    {
                        return response;
                    }

                    messages.AddRange(response.Messages);
                }
            }
            """
        },
        {
            "while (true) with a counter that throws past the limit",
            """
            public async Task RunAsync()
            {
                var step = 0;
                while (true)
                {
                    if (step++ == 25)
                    {
                        throw new InvalidOperationException("The agent did not finish in 25 steps.");
                    }

                    await _chat.GetResponseAsync("go");
                }
            }
            """
        },
        {
            "a budget loop on CanContinue",
            """
            public async Task<string> ResearchAsync(string question)
            {
                var budget = TokenBudget.Current!;
                var notes = new List<string>();
                while (budget.CanContinue)
                {
                    notes.Add((await _chat.GetResponseAsync(question)).Text);
                }

                budget.BeginFinalAnswer();
                return (await _chat.GetResponseAsync(string.Join("\n", notes))).Text;
            }
            """
        },
        {
            "a budget checked mid-body",
            """
            public async Task<string> ResearchAsync(string question, TokenBudget budget)
            {
                while (true)
                {
                    if (budget.Remaining < 1000)
                    {
                        return "out of budget";
                    }

                    question = (await _chat.GetResponseAsync(question)).Text;
                }
            }
            """
        },
        {
            "a [TokenBudget] method",
            """
            [TokenBudget(8000)]
            public async Task<string> RunAsync(string goal)
            {
                while (true)
                {
                    var reply = await _chat.GetResponseAsync(goal);
                    if (reply.Text.Contains("DONE"))
                    {
                        return reply.Text;
                    }
                }
            }
            """
        },
        {
            "a lambda inside a [TokenBudget] method",
            """
            [TokenBudget(8000)]
            public Task RunAsync() => Task.Run(async () =>
            {
                while ((await _chat.GetResponseAsync("go")).Text != "DONE")
                {
                }
            });
            """
        },
        {
            "foreach over tools",
            """
            public async Task RunAsync(IEnumerable<AITool> tools)
            {
                foreach (var tool in tools)
                {
                    await _chat.GetResponseAsync($"Describe {tool.Name}");
                }
            }
            """
        },
        {
            "a chat REPL",
            """
            public async Task ChatAsync()
            {
                var history = new List<ChatMessage>();
                while (true)
                {
                    Console.Write("> ");
                    var line = Console.ReadLine();
                    if (line is null)
                    {
                        break;
                    }

                    history.Add(new(ChatRole.User, line));
                    var reply = await _chat.GetResponseAsync(history);
                    history.AddRange(reply.Messages);
                    Console.WriteLine(reply.Text);
                }
            }
            """
        },
        {
            "a chat REPL that reads in its condition",
            """
            public async Task ChatAsync()
            {
                string? line;
                while ((line = Console.ReadLine()) is not null)
                {
                    Console.WriteLine((await _chat.GetResponseAsync(line)).Text);
                }
            }
            """
        },
        {
            "a REPL on a prompt library",
            """
            public async Task ChatAsync()
            {
                do
                {
                    var question = Spectre.Console.AnsiConsole.Ask<string>("You:");
                    Console.WriteLine((await _chat.GetResponseAsync(question)).Text);
                }
                while (Spectre.Console.AnsiConsole.Confirm("Another?"));
            }
            """
        },
        {
            "a REPL whose read is in a helper",
            """
            public async Task ChatAsync()
            {
                while (true)
                {
                    var question = ReadQuestion();
                    Console.WriteLine((await _chat.GetResponseAsync(question)).Text);
                }
            }

            private static string ReadQuestion()
            {
                Console.Write("> ");
                return Console.ReadLine() ?? "";
            }
            """
        },
        {
            "calls driven by FunctionInvokingChatClient, with no loop",
            """
            public async Task<string> AskAsync(IChatClient inner, string question, IList<AITool> tools)
            {
                var client = new ChatClientBuilder(inner).UseFunctionInvocation().Build();
                var reply = await client.GetResponseAsync(question, new ChatOptions { Tools = tools });
                return reply.Text;
            }
            """
        },
        {
            "a retry filter that lets the exception out past the limit",
            """
            public async Task<string> AskAsync(string question)
            {
                var attempt = 0;
                while (true)
                {
                    try
                    {
                        return (await _chat.GetResponseAsync(question)).Text;
                    }
                    catch (System.Net.Http.HttpRequestException) when (++attempt < 3)
                    {
                        await Task.Delay(100 * attempt);
                    }
                }
            }
            """
        },
        {
            "a retry counter compared in a catch that rethrows",
            """
            public async Task<string> AskAsync(string question)
            {
                var attempts = 0;
                while (true)
                {
                    try
                    {
                        return (await _chat.GetResponseAsync(question)).Text;
                    }
                    catch (Exception)
                    {
                        if (++attempts > 3)
                        {
                            throw;
                        }
                    }
                }
            }
            """
        },
        {
            "a ThrowIf guard on the counter",
            """
            public async Task RunAsync()
            {
                var step = 0;
                while (true)
                {
                    ArgumentOutOfRangeException.ThrowIfGreaterThan(++step, 10);
                    await _chat.GetResponseAsync("go");
                }
            }
            """
        },
        {
            "a queue the loop only drains",
            """
            public async Task SummariseAsync(IEnumerable<string> documents)
            {
                var pending = new Queue<string>(documents);
                while (pending.TryDequeue(out var document))
                {
                    await _chat.GetResponseAsync($"Summarise: {document}");
                }
            }
            """
        },
        {
            "a token tally compared with a limit",
            """
            public async Task RunAsync()
            {
                long used = 0;
                while (used < 50_000)
                {
                    var reply = await _chat.GetResponseAsync("go");
                    used += reply.Usage?.TotalTokenCount ?? 0;
                }
            }
            """
        },
        {
            "do ... while with an attempt counter",
            """
            public async Task<string> AskAsync()
            {
                var attempt = 0;
                var ok = false;
                var text = "";
                do
                {
                    text = (await _chat.GetResponseAsync("go")).Text;
                    ok = text.Length > 0;
                }
                while (!ok && ++attempt < 3);
                return text;
            }
            """
        },
        {
            "a loop that makes no model call",
            """
            public void Spin()
            {
                var ready = false;
                while (!ready)
                {
                    ready = DateTime.UtcNow.Second == 0;
                }
            }
            """
        },
        {
            "a conversation capped by its length",
            """
            public async Task RunAsync(string goal)
            {
                var messages = new List<ChatMessage> { new(ChatRole.User, goal) };
                while (messages.Count < 50)
                {
                    var reply = await _chat.GetResponseAsync(messages);
                    messages.AddRange(reply.Messages);
                }
            }
            """
        },
        {
            "a conversation grown with Microsoft.Extensions.AI's AddMessages, capped by its length",
            """
            public async Task RunAsync(string goal)
            {
                var messages = new List<ChatMessage> { new(ChatRole.User, goal) };
                while (messages.Count < 50)
                {
                    var reply = await _chat.GetResponseAsync(messages);
                    messages.AddMessages(reply);
                }
            }
            """
        },
        {
            "a history length checked mid-body",
            """
            private const int MaxMessages = 40;

            public async Task<string> RunAsync(string goal)
            {
                var messages = new List<ChatMessage> { new(ChatRole.User, goal) };
                while (true)
                {
                    var reply = await _chat.GetResponseAsync(messages);
                    if (reply.Text.Contains("DONE"))
                    {
                        return reply.Text;
                    }

                    messages.AddRange(reply.Messages);
                    if (messages.Count >= MaxMessages)
                    {
                        break;
                    }
                }

                return "gave up";
            }
            """
        },
        {
            "do ... while on the number of notes",
            """
            public async Task<List<string>> TakeNotesAsync(string topic)
            {
                var notes = new List<string>();
                do
                {
                    notes.Add((await _chat.GetResponseAsync($"One more note on {topic}")).Text);
                }
                while (notes.Count <= 40);
                return notes;
            }
            """
        },
        {
            "the limit on the left, with the answer",
            """
            public async Task RunAsync(string goal, int maxMessages)
            {
                var done = false;
                var messages = new List<ChatMessage> { new(ChatRole.User, goal) };
                while (!done && maxMessages > messages.Count)
                {
                    var reply = await _chat.GetResponseAsync(messages);
                    messages.AddRange(reply.Messages);
                    done = reply.Text.Contains("DONE");
                }
            }
            """
        },
        {
            "a negated length test",
            """
            public async Task RunAsync(Queue<string> log)
            {
                while (!(log.Count >= 10))
                {
                    log.Enqueue((await _chat.GetResponseAsync("status?")).Text);
                }
            }
            """
        },
        {
            "an array grown by Append",
            """
            public async Task<string[]> AskAsync()
            {
                var answers = Array.Empty<string>();
                while (answers.Length < 5)
                {
                    answers = answers.Append((await _chat.GetResponseAsync("Another answer?")).Text).ToArray();
                }

                return answers;
            }
            """
        },
        {
            "LINQ's Count() of a parameter, with a window of it sent each step",
            """
            public async Task RunAsync(IList<ChatMessage> messages)
            {
                while (messages.Count() < 20)
                {
                    var reply = await _chat.GetResponseAsync(messages.Take(10));
                    messages.Add(new ChatMessage(ChatRole.Assistant, reply.Text));
                }
            }
            """
        },
        {
            "a ThrowIf guard on a field's length",
            """
            private readonly List<ChatMessage> _transcript = new();

            public async Task RunAsync()
            {
                while (true)
                {
                    ArgumentOutOfRangeException.ThrowIfGreaterThan(_transcript.Count, 100);
                    var reply = await _chat.GetResponseAsync(_transcript);
                    _transcript.AddRange(reply.Messages);
                }
            }
            """
        },
        {
            "a length pattern that returns",
            """
            public async Task RunAsync(List<ChatMessage> messages)
            {
                while (true)
                {
                    if (messages.Count is >= 30)
                    {
                        return;
                    }

                    messages.AddRange((await _chat.GetResponseAsync(messages)).Messages);
                }
            }
            """
        },
        {
            "a collection expression that grows",
            """
            public async Task<List<string>> CollectAsync()
            {
                List<string> notes = [];
                while (notes.Count < 5)
                {
                    notes = [.. notes, (await _chat.GetResponseAsync("note?")).Text];
                }

                return notes;
            }
            """
        },
        {
            "a local function inside a [TokenBudget] method",
            """
            [TokenBudget(8000)]
            public async Task<string> RunAsync(string goal)
            {
                return await LoopAsync(goal);

                async Task<string> LoopAsync(string text)
                {
                    while (!text.Contains("DONE"))
                    {
                        text = (await _chat.GetResponseAsync(text)).Text;
                    }

                    return text;
                }
            }
            """
        },
        {
            "a lambda in a local function inside a [TokenBudget] method",
            """
            [TokenBudget(8000)]
            public Task RunAsync()
            {
                return Start();

                Task Start() => Task.Run(async () =>
                {
                    while ((await _chat.GetResponseAsync("go")).Text != "DONE")
                    {
                    }
                });
            }
            """
        },
        {
            "an anonymous method inside a [TokenBudget] method",
            """
            [TokenBudget(8000)]
            public async Task RunAsync()
            {
                Func<Task> loop = async delegate
                {
                    do
                    {
                    }
                    while ((await _chat.GetResponseAsync("go")).Text != "DONE");
                };
                await loop();
            }
            """
        },
        {
            "an immutable list the loop reassigns with AddRange",
            """
            public async Task RunAsync(string goal)
            {
                var messages = System.Collections.Immutable.ImmutableList.Create(new ChatMessage(ChatRole.User, goal));
                while (messages.Count < 50)
                {
                    var reply = await _chat.GetResponseAsync(messages);
                    messages = messages.AddRange(reply.Messages);
                }
            }
            """
        },
    };

    [Theory]
    [MemberData(nameof(Unbounded))]
    public Task ReportsUnboundedLoop(string shape, string members)
    {
        _ = shape;
        return Verify.AnalyzeAsync(Sources.Agent(members));
    }

    [Theory]
    [MemberData(nameof(Bounded))]
    public Task IgnoresBoundedLoop(string shape, string members)
    {
        _ = shape;
        return Verify.AnalyzeAsync(Sources.Agent(members));
    }

    [Fact]
    public Task MessageNamesTheModelCallThroughHelpers()
        => Verify.AnalyzeAsync(
            Sources.Agent("""
                public async Task RunAsync()
                {
                    {|#0:while|} (!await StepAsync())
                    {
                    }
                }

                private async Task<bool> StepAsync() => (await _chat.GetResponseAsync("go")).Text == "DONE";
                """),
            Verify.Diagnostic("COST001").WithLocation(0).WithArguments("Agent.StepAsync \u2192 IChatClient.GetResponseAsync"));

    [Fact]
    public Task InteractiveLoopsAreReportedWhenAsked()
        => Verify.AnalyzeAsync(
            Sources.Agent("""
                public async Task ChatAsync()
                {
                    {|COST001:while|} (true)
                    {
                        var line = Console.ReadLine() ?? "";
                        Console.WriteLine((await _chat.GetResponseAsync(line)).Text);
                    }
                }
                """),
            "agentcost.COST001.include_interactive = true");

    [Fact]
    public Task RuleCanBeTurnedOff()
        => Verify.AnalyzeAsync(
            Sources.Agent("""
                public async Task RunAsync()
                {
                    while (true)
                    {
                        await _chat.GetResponseAsync("go");
                    }
                }
                """),
            "dotnet_diagnostic.COST001.severity = none");

    [Fact]
    public Task MethodsNamedInEditorConfigAreModelCalls()
        => Verify.AnalyzeAsync(
            Sources.Agent("""
                public async Task RunAsync(MyCompany.Llm.Gateway gateway)
                {
                    {|COST001:while|} (await gateway.SendAsync("go") != "DONE")
                    {
                    }
                }
                """),
            "agentcost.model_call_methods = MyCompany.Llm.Gateway.SendAsync, Other.Type.*");

    [Fact]
    public Task MethodsNotNamedAreNotModelCalls()
        => Verify.AnalyzeAsync(Sources.Agent("""
            public async Task RunAsync(MyCompany.Llm.Gateway gateway)
            {
                while (await gateway.SendAsync("go") != "DONE")
                {
                }
            }
            """));

    [Fact]
    public Task TopLevelStatementsAreAnalysed()
    {
        var test = """
            using Microsoft.Extensions.AI;

            IChatClient chat = null!;
            {|COST001:while|} (true)
            {
                var reply = await chat.GetResponseAsync("go");
                if (reply.Text == "DONE") break;
            }
            """;
        return Verify.AnalyzeAsync([test], editorConfig: null, OutputKind.ConsoleApplication);
    }

    [Fact]
    public Task GeneratedCodeIsNotAnalysed()
        => Verify.AnalyzeAsync("// <auto-generated/>\n" + Sources.Agent("""
            public async Task RunAsync()
            {
                while (true)
                {
                    await _chat.GetResponseAsync("go");
                }
            }
            """));

    [Fact]
    public async Task RegistersNothingWithoutModelApis()
    {
        var analyzer = new COST001UnboundedAgentLoop();
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create(
            "NoModels",
            [Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("class C { void M() { while (true) { } } }")],
            TestReferences.Framework,
            new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var withAnalyzers = compilation.WithAnalyzers([analyzer], new Microsoft.CodeAnalysis.Diagnostics.CompilationWithAnalyzersOptions(
            new Microsoft.CodeAnalysis.Diagnostics.AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: true));
        Assert.Empty(await withAnalyzers.GetAnalyzerDiagnosticsAsync());
        var telemetry = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None);
        Assert.Equal(1, telemetry.CompilationStartActionsCount);
        Assert.Equal(0, telemetry.OperationActionsCount);
    }
}
