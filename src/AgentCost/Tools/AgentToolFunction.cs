using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;

namespace AgentCost.Interception;

/// <summary>
/// Describes one <see cref="AgentToolAttribute"/> method to the runtime: the tool's name, description, argument names and
/// schemas, as the generator wrote them. One static instance per method.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class AgentToolDescriptor
{
    /// <summary>Creates a descriptor.</summary>
    /// <param name="name">The tool's name.</param>
    /// <param name="description">The tool's description; empty for none.</param>
    /// <param name="argumentNames">The names of the arguments the schema lists.</param>
    /// <param name="jsonSchema">The parameters' schema.</param>
    /// <param name="returnJsonSchema">The result's schema; <see langword="null"/> for a method without a result.</param>
    public AgentToolDescriptor(string name, string description, string[] argumentNames, AgentToolSchema jsonSchema, AgentToolSchema? returnJsonSchema)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(argumentNames);
        ArgumentNullException.ThrowIfNull(jsonSchema);
        Name = name;
        Description = description ?? string.Empty;
        ArgumentNames = new HashSet<string>(argumentNames, StringComparer.Ordinal);
        JsonSchema = jsonSchema;
        ReturnJsonSchema = returnJsonSchema;
    }

    /// <summary>The tool's name.</summary>
    public string Name { get; }

    /// <summary>The tool's description.</summary>
    public string Description { get; }

    /// <summary>The parameters' schema.</summary>
    public AgentToolSchema JsonSchema { get; }

    /// <summary>The result's schema, if the method has a result.</summary>
    public AgentToolSchema? ReturnJsonSchema { get; }

    internal HashSet<string> ArgumentNames { get; }
}

/// <summary>Binds a generated tool's arguments: the receiver and every parameter, packed as the method's entry point takes them.</summary>
/// <typeparam name="TTarget">The type that declares the tool.</typeparam>
/// <typeparam name="TArgs">The tuple of receiver and arguments.</typeparam>
/// <param name="target">The instance the tool was created for; <see langword="default"/> for a static method.</param>
/// <param name="arguments">The invocation's arguments.</param>
/// <returns>The packed arguments.</returns>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate TArgs AgentToolBinder<in TTarget, out TArgs>(TTarget target, in AgentToolArguments arguments);

/// <summary>
/// A tool function generated for an <see cref="AgentToolAttribute"/> method: compile-time schema, arguments bound from
/// JSON without reflection, every invocation through the method's AgentCost policies. <c>&lt;TypeName&gt;AgentTools.Create</c>
/// returns them.
/// </summary>
/// <remarks>
/// Results are marshalled as <c>AIFunctionFactory</c>'s functions marshal them: serialised to a <see cref="JsonElement"/>
/// with the function's <see cref="AIFunction.JsonSerializerOptions"/>, except <see cref="AIContent"/> results, which are
/// returned as they are. Arguments that do not fit — a missing required value, a value of the wrong type — do not throw
/// inside a <see cref="FunctionInvokingChatClient"/> loop: the function returns a <see cref="FunctionResultContent"/>
/// whose result is the error message (for the model) and whose <see cref="AIContent.RawRepresentation"/> is the
/// <see cref="ToolArgumentException"/> (for the application); the loop goes on, however often the model errs. Invoked
/// directly, the function throws that exception.
/// </remarks>
public abstract class AgentToolFunction : AIFunction
{
    private protected AgentToolFunction(AgentToolDescriptor descriptor, JsonSerializerOptions options)
    {
        Descriptor = descriptor;
        JsonSerializerOptions = options;
        JsonSchema = descriptor.JsonSchema.GetSchema(options);
        ReturnJsonSchema = descriptor.ReturnJsonSchema?.GetSchema(options);
    }

    /// <inheritdoc />
    public override string Name => Descriptor.Name;

    /// <inheritdoc />
    public override string Description => Descriptor.Description;

    /// <inheritdoc />
    public override JsonElement JsonSchema { get; }

    /// <inheritdoc />
    public override JsonElement? ReturnJsonSchema { get; }

    /// <inheritdoc />
    public override JsonSerializerOptions JsonSerializerOptions { get; }

    private protected AgentToolDescriptor Descriptor { get; }

    /// <summary>Creates a tool function; called by generated code.</summary>
    /// <typeparam name="TTarget">The type that declares the tool.</typeparam>
    /// <typeparam name="TArgs">The tuple of receiver and arguments the method's entry point takes.</typeparam>
    /// <typeparam name="TResult">The method's result type.</typeparam>
    /// <param name="descriptor">The tool's descriptor.</param>
    /// <param name="target">The instance whose method the tool calls; <see langword="default"/> for a static method.</param>
    /// <param name="serializerOptions">The options arguments and results are serialised with; <see langword="null"/> uses <see cref="AIJsonUtilities.DefaultOptions"/>.</param>
    /// <param name="bind">Binds the arguments.</param>
    /// <param name="invoke">Calls the method through its entry point.</param>
    /// <returns>The function.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static AIFunction Create<TTarget, TArgs, TResult>(
        AgentToolDescriptor descriptor,
        TTarget target,
        JsonSerializerOptions? serializerOptions,
        AgentToolBinder<TTarget, TArgs> bind,
        Func<TArgs, ValueTask<TResult>> invoke)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(bind);
        ArgumentNullException.ThrowIfNull(invoke);
        var options = serializerOptions ?? AIJsonUtilities.DefaultOptions;
        options.MakeReadOnly();
        return new Typed<TTarget, TArgs, TResult>(descriptor, target, options, bind, invoke);
    }

    /// <summary>Creates a tool function for a method without a result; called by generated code.</summary>
    /// <typeparam name="TTarget">The type that declares the tool.</typeparam>
    /// <typeparam name="TArgs">The tuple of receiver and arguments the method's entry point takes.</typeparam>
    /// <param name="descriptor">The tool's descriptor.</param>
    /// <param name="target">The instance whose method the tool calls; <see langword="default"/> for a static method.</param>
    /// <param name="serializerOptions">The options arguments are read with; <see langword="null"/> uses <see cref="AIJsonUtilities.DefaultOptions"/>.</param>
    /// <param name="bind">Binds the arguments.</param>
    /// <param name="invoke">Calls the method through its entry point.</param>
    /// <returns>The function.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static AIFunction CreateVoid<TTarget, TArgs>(
        AgentToolDescriptor descriptor,
        TTarget target,
        JsonSerializerOptions? serializerOptions,
        AgentToolBinder<TTarget, TArgs> bind,
        Func<TArgs, ValueTask> invoke)
    {
        ArgumentNullException.ThrowIfNull(invoke);
        return Create<TTarget, TArgs, VoidResult>(descriptor, target, serializerOptions, bind, args =>
        {
            // A method that completes synchronously needs no state machine.
            var pending = invoke(args);
            if (pending.IsCompletedSuccessfully)
            {
                pending.GetAwaiter().GetResult();
                return default;
            }

            return AwaitVoidAsync(pending);
        });

        static async ValueTask<VoidResult> AwaitVoidAsync(ValueTask pending)
        {
            await pending.ConfigureAwait(false);
            return default;
        }
    }

    /// <summary>Handles arguments that do not fit the tool's parameters.</summary>
    /// <param name="function">The function invoked.</param>
    /// <param name="exception">What does not fit.</param>
    /// <returns>A tool error result when the function runs inside a <see cref="FunctionInvokingChatClient"/> loop.</returns>
    /// <exception cref="ToolArgumentException">The function was invoked directly.</exception>
    internal static object ArgumentError(AIFunction function, ToolArgumentException exception)
    {
        if (FunctionInvokingChatClient.CurrentContext is { } context && ReferenceEquals(context.Function, function))
        {
            // Not FunctionResultContent.Exception: the client counts results with an exception as failures and, past
            // MaximumConsecutiveErrorsPerRequest, rethrows them out of the loop. The model can correct its arguments.
            return new FunctionResultContent(context.CallContent.CallId, "Error: " + exception.Message) { RawRepresentation = exception };
        }

        throw exception;
    }

    internal static void CheckArgumentNames(AIFunctionArguments arguments, JsonSerializerOptions options, HashSet<string> expected, string toolName)
    {
        // As AIFunctionFactory's functions: unknown arguments are an error only when the options disallow unmapped members.
        if (options.UnmappedMemberHandling != JsonUnmappedMemberHandling.Disallow || arguments.Count == 0)
        {
            return;
        }

        foreach (var argument in arguments)
        {
            if (!expected.Contains(argument.Key))
            {
                throw new ToolArgumentException(toolName, argument.Key, "does not correspond to any parameter of the tool");
            }
        }
    }

    /// <summary>The result of a method that returns none.</summary>
    private readonly struct VoidResult;

    private sealed class Typed<TTarget, TArgs, TResult>(
        AgentToolDescriptor descriptor,
        TTarget target,
        JsonSerializerOptions options,
        AgentToolBinder<TTarget, TArgs> bind,
        Func<TArgs, ValueTask<TResult>> invoke) : AgentToolFunction(descriptor, options)
    {
        private readonly ToolJson.ResultMarshaller<TResult> _results = new(options);

        protected override ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
        {
            TArgs args;
            try
            {
                CheckArgumentNames(arguments, JsonSerializerOptions, Descriptor.ArgumentNames, Name);
                args = bind(target, new AgentToolArguments(Name, arguments, JsonSerializerOptions, cancellationToken));
            }
            catch (ToolArgumentException exception)
            {
                return new ValueTask<object?>(ArgumentError(this, exception));
            }

            // A method that completes synchronously is marshalled here, without an async state machine.
            var pending = invoke(args);
            return pending.IsCompletedSuccessfully ? new ValueTask<object?>(Marshal(pending.Result)) : AwaitAsync(pending);
        }

        private async ValueTask<object?> AwaitAsync(ValueTask<TResult> pending) => Marshal(await pending.ConfigureAwait(false));

        private object? Marshal(TResult result) => typeof(TResult) == typeof(VoidResult) ? null : _results.Marshal(result);
    }
}
