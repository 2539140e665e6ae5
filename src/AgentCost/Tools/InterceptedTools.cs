using System.ComponentModel;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;

namespace AgentCost.Interception;

/// <summary>
/// The entry point of interceptors of <c>AIFunctionFactory.Create(method group)</c> for a method with AgentCost policies:
/// the factory's own function, wrapped so that its invocations run through the method's policies.
/// </summary>
/// <remarks>
/// The wrapper keeps everything the model sees from the factory's function — name, description, parameter and result
/// schemas, additional properties, serializer options — and binds arguments by the factory's rules: by name (or
/// <c>[AIParameterName]</c>); <see cref="JsonElement"/>, <see cref="JsonDocument"/> and <see cref="JsonNode"/> values
/// deserialised with the function's serializer options, values of the parameter's type used as they are, others
/// round-tripped through JSON; defaults for missing optional parameters; <see cref="CancellationToken"/>,
/// <see cref="AIFunctionArguments"/> and <see cref="IServiceProvider"/> bound specially; custom bindings from
/// <see cref="AIFunctionFactoryOptions.ConfigureParameterBinding"/>. Then it calls the method's entry point with the same
/// descriptor a direct call uses, so a tool call and a direct call with equal arguments share one cache entry, and
/// marshals the result as the factory does. Arguments that do not fit come back as a tool error result, as for
/// <see cref="AgentToolFunction"/>.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class InterceptedTools
{
    /// <summary>Wraps the factory's function of a method with a result.</summary>
    /// <typeparam name="TArgs">The tuple of receiver and arguments the method's entry point takes.</typeparam>
    /// <typeparam name="TResult">The method's result type.</typeparam>
    /// <param name="inner">The function <c>AIFunctionFactory.Create</c> made for the method.</param>
    /// <param name="target">The delegate's target.</param>
    /// <param name="options">The factory options the call passed, if it used that overload.</param>
    /// <param name="bind">Binds the arguments.</param>
    /// <param name="invoke">Calls the method through its entry point.</param>
    /// <returns>The wrapped function.</returns>
    public static AIFunction Wrap<TArgs, TResult>(
        AIFunction inner,
        object? target,
        AIFunctionFactoryOptions? options,
        AgentToolBinder<object?, TArgs> bind,
        Func<TArgs, ValueTask<TResult>> invoke)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(bind);
        ArgumentNullException.ThrowIfNull(invoke);
        return new PolicyFunction<TArgs, TResult>(inner, target, FactoryBinding.Create(inner, options), options?.MarshalResult, bind, invoke);
    }

    /// <summary>Wraps the factory's function of a method without a result.</summary>
    /// <typeparam name="TArgs">The tuple of receiver and arguments the method's entry point takes.</typeparam>
    /// <param name="inner">The function <c>AIFunctionFactory.Create</c> made for the method.</param>
    /// <param name="target">The delegate's target.</param>
    /// <param name="options">The factory options the call passed, if it used that overload.</param>
    /// <param name="bind">Binds the arguments.</param>
    /// <param name="invoke">Calls the method through its entry point.</param>
    /// <returns>The wrapped function.</returns>
    public static AIFunction WrapVoid<TArgs>(
        AIFunction inner,
        object? target,
        AIFunctionFactoryOptions? options,
        AgentToolBinder<object?, TArgs> bind,
        Func<TArgs, ValueTask> invoke)
    {
        ArgumentNullException.ThrowIfNull(invoke);
        return Wrap<TArgs, VoidResult>(inner, target, options, bind, async args =>
        {
            await invoke(args).ConfigureAwait(false);
            return default;
        });
    }

    internal readonly struct VoidResult;

    private sealed class PolicyFunction<TArgs, TResult>(
        AIFunction inner,
        object? target,
        FactoryBinding binding,
        Func<object?, Type?, CancellationToken, ValueTask<object?>>? marshalResult,
        AgentToolBinder<object?, TArgs> bind,
        Func<TArgs, ValueTask<TResult>> invoke) : DelegatingAIFunction(inner)
    {
        protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
        {
            TArgs args;
            try
            {
                binding.CheckArgumentNames(arguments, Name);
                args = bind(target, new AgentToolArguments(Name, arguments, binding, cancellationToken));
            }
            catch (ToolArgumentException exception)
            {
                return AgentToolFunction.ArgumentError(this, exception);
            }

            var result = await invoke(args).ConfigureAwait(true);
            if (typeof(TResult) == typeof(VoidResult))
            {
                return marshalResult is null ? null : await marshalResult(null, null, cancellationToken).ConfigureAwait(true);
            }

            return marshalResult is null
                ? ToolJson.MarshalResult(result, JsonSerializerOptions)
                : await marshalResult(result, typeof(TResult), cancellationToken).ConfigureAwait(true);
        }
    }
}

/// <summary>How the factory binds each parameter of one function, read once from its method.</summary>
internal sealed class FactoryBinding
{
    private static readonly ConditionalWeakTable<AIFunction, FactoryBinding> s_byFunction = new();

    private readonly HashSet<string> _argumentNames;
    private readonly bool _hasCustomBinding;

    private FactoryBinding(FactoryParameter[] parameters, JsonSerializerOptions options, bool hasCustomBinding)
    {
        Parameters = parameters;
        Options = options;
        _hasCustomBinding = hasCustomBinding;
        _argumentNames = new HashSet<string>(
            parameters.Where(p => p.Info.ParameterType != typeof(CancellationToken) && p.Info.ParameterType != typeof(AIFunctionArguments) && p.Info.ParameterType != typeof(IServiceProvider)).Select(p => p.Name),
            StringComparer.Ordinal);
    }

    public FactoryParameter[] Parameters { get; }

    public JsonSerializerOptions Options { get; }

    public static FactoryBinding Create(AIFunction inner, AIFunctionFactoryOptions? options)
    {
        var configure = options?.ConfigureParameterBinding;
        if (configure is null)
        {
            // The factory shares functions between calls for static methods: share their binding too.
            return s_byFunction.GetValue(inner, static f => Build(f, configure: null));
        }

        return Build(inner, configure);
    }

    public void CheckArgumentNames(AIFunctionArguments arguments, string toolName)
    {
        if (!_hasCustomBinding)
        {
            AgentToolFunction.CheckArgumentNames(arguments, Options, _argumentNames, toolName);
        }
    }

    private static FactoryBinding Build(AIFunction inner, Func<ParameterInfo, AIFunctionFactoryOptions.ParameterBindingOptions>? configure)
    {
        var method = inner.UnderlyingMethod ?? throw new ArgumentException("The function has no underlying method.", nameof(inner));
        var parameters = method.GetParameters();
        var result = new FactoryParameter[parameters.Length];
        var custom = false;
        for (var i = 0; i < parameters.Length; i++)
        {
            var bind = configure?.Invoke(parameters[i]).BindParameter;
            custom |= bind is not null;
            result[i] = new FactoryParameter(parameters[i], bind);
        }

        return new FactoryBinding(result, inner.JsonSerializerOptions, custom);
    }
}

/// <summary>One parameter as the factory binds it.</summary>
internal sealed class FactoryParameter
{
    private object? _typeInfo;

    public FactoryParameter(ParameterInfo info, Func<ParameterInfo, AIFunctionArguments, object?>? bind)
    {
        Info = info;
        Bind = bind;
#pragma warning disable MEAI001 // AIParameterNameAttribute is experimental; the factory honours it, and so must the binding.
        Name = info.GetCustomAttribute<AIParameterNameAttribute>(inherit: true)?.Name ?? info.Name!;
#pragma warning restore MEAI001
        (HasDefaultValue, DefaultValue) = GetDefault(info);
    }

    public ParameterInfo Info { get; }

    public Func<ParameterInfo, AIFunctionArguments, object?>? Bind { get; }

    public string Name { get; }

    public bool HasDefaultValue { get; }

    public object? DefaultValue { get; }

    public JsonTypeInfo<T> GetTypeInfo<T>(JsonSerializerOptions options)
        => (JsonTypeInfo<T>)(_typeInfo ??= options.GetTypeInfo(typeof(T)));

    // The factory's effective default: [DefaultValue], else the C# default value, else null for an optional parameter.
    private static (bool, object?) GetDefault(ParameterInfo info)
    {
        if (info.GetCustomAttribute<DefaultValueAttribute>(inherit: true) is { } attribute)
        {
            return (true, attribute.Value);
        }

        if (info.HasDefaultValue)
        {
            var value = info.DefaultValue;
            if (value is null || value == DBNull.Value)
            {
                return (true, null);
            }

            var type = Nullable.GetUnderlyingType(info.ParameterType) ?? info.ParameterType;
            return (true, type.IsEnum ? Enum.ToObject(type, value) : value);
        }

        return (info.IsOptional, null);
    }
}
