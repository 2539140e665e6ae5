namespace AgentCost;

/// <summary>
/// The arguments a model passed to a tool do not fit the tool's parameters: a required argument is missing, or a value
/// has the wrong type or format. Inside a <c>FunctionInvokingChatClient</c> loop the tool does not throw it: the model
/// receives its message as the tool's result and can call again with corrected arguments.
/// </summary>
public sealed class ToolArgumentException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="toolName">The tool's name.</param>
    /// <param name="argumentName">The argument's name as the tool's schema spells it.</param>
    /// <param name="problem">What is wrong, as a sentence fragment ("is required but missing").</param>
    /// <param name="innerException">The error that revealed the problem, if any.</param>
    public ToolArgumentException(string toolName, string argumentName, string problem, Exception? innerException = null)
        : base($"Invalid arguments for tool '{toolName}': argument '{argumentName}' {problem.TrimEnd('.')}.", argumentName, innerException)
    {
        ToolName = toolName;
        ArgumentName = argumentName;
    }

    /// <summary>The tool's name.</summary>
    public string ToolName { get; }

    /// <summary>The argument's name as the tool's schema spells it.</summary>
    public string ArgumentName { get; }

    /// <inheritdoc />
    // ArgumentException appends " (Parameter 'name')"; the message already names the argument.
    public override string Message => base.Message.Split(" (Parameter '", 2)[0];
}
