using Microsoft.Extensions.AI;

namespace ResearchAgent;

/// <summary>
/// Answers a question with a tool loop: the model asks for searches, <see cref="FunctionInvokingChatClient"/> runs them
/// through the generated tool functions (served from the cache when a query was searched before), and the model answers
/// from the results.
/// </summary>
public sealed class Researcher(ResearchTools tools, IChatClient model)
{
    private readonly IChatClient _agent = new ChatClientBuilder(model).UseFunctionInvocation().Build();
    private readonly ChatOptions _options = new() { Tools = [.. ResearchToolsAgentTools.Create(tools)] };
    private int _toolCalls;

    /// <summary>Tool calls the model asked for, served from the cache or not.</summary>
    public int ToolCalls => Volatile.Read(ref _toolCalls);

    public async Task<string> AnswerAsync(string question, CancellationToken cancellationToken = default)
    {
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, "Search the library for each topic of the question, then answer in one or two sentences using only what you found."),
            new(ChatRole.User, question),
        };
        var response = await _agent.GetResponseAsync(messages, _options, cancellationToken);
        Interlocked.Add(ref _toolCalls, response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Count());
        return response.Text;
    }
}
