using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using AgentCost.Budgets;
using AgentCost.Hosting;
using AgentCost.Spending;
using AgentCost.Tokens;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentCost.ChatClients;

/// <summary>
/// The AgentCost call layer: a chat client middleware that enforces the ambient <see cref="TokenBudget"/> and the spend
/// budgets on every model call, and prices and records each one (<see cref="SpendMonitor"/>). Add it with
/// <see cref="AgentCostChatClientBuilderExtensions.UseAgentCost"/>, inside <c>UseFunctionInvocation()</c>.
/// </summary>
/// <remarks>
/// <para>Inside a budget, each call (streaming or not):</para>
/// <list type="number">
/// <item>counts its prompt (messages, instructions, tool schemas); when prompt plus the smallest answer does not fit
/// <see cref="TokenBudget.AvailableForNextStep"/>, applies the budget's <see cref="BudgetOverflowPolicy"/>: throws
/// <see cref="TokenBudgetExceededException"/> before anything is sent, or trims the oldest messages;</item>
/// <item>clamps <see cref="ChatOptions.MaxOutputTokens"/> so that prompt plus answer cannot exceed what is left, and
/// reserves that worst case on the budget and all its ancestors at once, so concurrent calls cannot overspend;</item>
/// <item>settles to the usage the provider reports (input, output, cached input, reasoning), from the usage update
/// when streaming; without a report it counts the answer locally and marks the charge as estimated.</item>
/// </list>
/// <para>Every call (with spending enabled, the default) is also attributed to the current agent method, tenant and
/// task, priced from its usage, held to the spend budgets that apply — its worst cost reserved before it is sent, a call
/// that does not fit refused with <see cref="SpendLimitExceededException"/>, a call to a model without a price refused
/// inside a budget with <see cref="ModelNotPricedException"/> — and written to the ledger before its result is
/// returned.</para>
/// <para>A call that fails gives its reservations back; a cancelled call is charged what it is known to have used,
/// else its counted prompt and any streamed output. Outside every budget the request is sent unchanged.</para>
/// <para>A <see cref="ChatOptions.MaxOutputTokens"/> of zero or less is refused with
/// <see cref="ArgumentOutOfRangeException"/> before anything is reserved or sent. A lowered output limit is logged, or
/// refused under <c>AgentCost:Spending:OutputLimitPolicy = Refuse</c>. A stream whose consumer stops reading without
/// disposing it is settled with what it streamed after <c>AgentCost:Spending:StreamLease</c>.</para>
/// <para>The guarantee is as exact as the prompt count: exact for text and tool calls with a known tokenizer,
/// approximate for tool schemas, images and unknown models. It holds as long as the provider's reported counts do not
/// exceed the local count and the reservation: what the provider reports is always charged, so an over-report is the
/// only way past a limit. A negative count is not believed (the local count is charged) and a count above 2⁴⁰ is held
/// there.</para>
/// </remarks>
public sealed partial class AgentCostChatClient : DelegatingChatClient
{
    private readonly AgentCostRuntime? _runtime;
    private readonly ILogger _logger;
    private readonly int? _defaultMaxOutputTokens;
    private readonly int _minOutputTokens;
    private const int MaxLoggedKeys = 4096;

    private readonly TokenCounter? _tokenCounter;
    private readonly ConcurrentDictionary<(string Method, OutputLimitReason Reason), byte> _limitsLogged = new();
    private readonly ConcurrentDictionary<string, byte> _usageLogged = new(StringComparer.OrdinalIgnoreCase);
    private ChatClientMetadata? _metadata;

    /// <summary>Wraps <paramref name="innerClient"/>.</summary>
    /// <param name="innerClient">The client that talks to the provider.</param>
    /// <param name="options">The settings; <see langword="null"/> for the defaults. Read once, here.</param>
    /// <param name="runtime">The runtime whose tokenizers and meter to use; <see langword="null"/> for <see cref="AgentCostRuntime.Current"/> at each call.</param>
    /// <param name="logger">Where refusals and trims are logged.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    /// <exception cref="InvalidOperationException">A <c>FunctionInvokingChatClient</c> or the routing layer sits inside this one: the pipeline is in the wrong order.</exception>
    public AgentCostChatClient(IChatClient innerClient, AgentCostChatClientOptions? options = null, AgentCostRuntime? runtime = null, ILogger<AgentCostChatClient>? logger = null)
        : base(innerClient)
    {
        PipelineOrder.CheckBudgetLayer(innerClient);
        options ??= new AgentCostChatClientOptions();
        if (options.DefaultMaxOutputTokens is <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options), options.DefaultMaxOutputTokens, "AgentCostChatClientOptions.DefaultMaxOutputTokens must be positive or null.");
        }

        if (options.MinOutputTokens < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options), options.MinOutputTokens, "AgentCostChatClientOptions.MinOutputTokens must be at least 1.");
        }

        _defaultMaxOutputTokens = options.DefaultMaxOutputTokens;
        _minOutputTokens = options.MinOutputTokens;
        _tokenCounter = options.TokenCounter;
        _runtime = runtime;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><see cref="ChatOptions.MaxOutputTokens"/> is zero or negative.</exception>
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ThrowIfInvalid(options);
        var runtime = _runtime ?? AgentCostRuntime.Current;
        var budget = TokenBudget.Current;
        return budget is null && !runtime.Spending.IsEnabled
            ? base.GetResponseAsync(messages, options, cancellationToken)
            : GetTrackedResponseAsync(runtime, budget, messages, options, cancellationToken);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><see cref="ChatOptions.MaxOutputTokens"/> is zero or negative.</exception>
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ThrowIfInvalid(options);

        // The budget and the attribution are the caller's; reservations are taken only once enumeration starts, so
        // that a stream that is never enumerated holds nothing.
        var runtime = _runtime ?? AgentCostRuntime.Current;
        var budget = TokenBudget.Current;
        return budget is null && !runtime.Spending.IsEnabled
            ? base.GetStreamingResponseAsync(messages, options, cancellationToken)
            : GetTrackedStreamAsync(runtime, budget, messages, options, cancellationToken);
    }

    private async Task<ChatResponse> GetTrackedResponseAsync(
        AgentCostRuntime runtime, TokenBudget? budget, IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        var call = await AdmitAsync(runtime, budget, messages, options, cancellationToken).ConfigureAwait(false);
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(call.Messages, call.Options, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The provider may have read the prompt before the call was abandoned.
            await call.SettleAsync(usage: null, outputTokens: 0, responseModelId: null).ConfigureAwait(false);
            throw;
        }
        catch
        {
            call.Release();
            throw;
        }

        var outputTokens = SpendTokens.Reported(response.Usage?.OutputTokenCount) is null ? call.Counter.CountOutput(response.Messages) : 0;
        await call.SettleAsync(response.Usage, outputTokens, response.ModelId).ConfigureAwait(false);
        return response;
    }

    private static void ThrowIfInvalid(ChatOptions? options)
    {
        // Checked before anything is reserved or sent: a negative limit would reserve less than nothing, and a
        // provider given 0 or a negative limit fails or ignores it.
        if (options?.MaxOutputTokens is { } limit and <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options),
                limit,
                string.Create(CultureInfo.InvariantCulture, $"ChatOptions.MaxOutputTokens must be positive or null, but was {limit}."));
        }
    }

    private async ValueTask<TrackedCall> AdmitAsync(AgentCostRuntime runtime, TokenBudget? budget, IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        var metadata = GetMetadata();
        var modelId = options?.ModelId ?? metadata?.DefaultModelId;

        // Attribution (method, tenant, task) and the spend budgets that apply; refuses a model without a price in them.
        var spend = runtime.Spending.IsEnabled ? runtime.Spending.Open(modelId) : null;
        var call = new TrackedCall(this, runtime, budget, spend, _tokenCounter, messages, options, modelId, metadata?.ProviderName);
        var requested = options?.MaxOutputTokens;

        // Under OutputLimitPolicy.Refuse a request that names its limit is sent with all of it or not at all.
        var refuseLess = requested is not null && runtime.Spending.Options.OutputLimitPolicy == OutputLimitPolicy.Refuse;
        if (budget is not null)
        {
            AdmitToTokenBudget(runtime, budget, call, refuseLess);
        }

        if (spend is { NeedsReservation: true })
        {
            var wantedOutput = call.Options?.MaxOutputTokens ?? _defaultMaxOutputTokens;
            try
            {
                await spend.ReserveAsync(
                    call.WithMargin(call.PromptTokens), wantedOutput, MinOutput(wantedOutput, refuseLess), runtime.Spending.Options.ReservationWait, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                call.Release();
                throw;
            }

            if (spend.MaxOutputTokens is { } limit)
            {
                call.LimitOutput(limit, spend.IsFallbackLimit ? OutputLimitReason.FallbackMaxOutputTokens : OutputLimitReason.SpendBudget);
            }
            else if (wantedOutput is { } reserved)
            {
                // The client's default was reserved: it must be sent too, or the answer could outgrow the reservation.
                call.LimitOutput(reserved, OutputLimitReason.DefaultMaxOutputTokens);
            }
        }

        if (call.LimitReason is { } reason)
        {
            LogOutputLimit(reason, budget, requested, call.Options!.MaxOutputTokens!.Value);
        }

        return call;
    }

    private int MinOutput(int? wantedOutput, bool refuseLess)
        => refuseLess && wantedOutput is { } wanted ? wanted : Math.Max(1, Math.Min(wantedOutput ?? int.MaxValue, _minOutputTokens));

    private void AdmitToTokenBudget(AgentCostRuntime runtime, TokenBudget budget, TrackedCall call, bool refuseLess)
    {
        var counter = call.Counter;
        var list = call.MessageList;
        var options = call.Options;
        var promptTokens = call.PromptTokens;
        var wantedOutput = options?.MaxOutputTokens ?? _defaultMaxOutputTokens;
        var minOutput = MinOutput(wantedOutput, refuseLess);

        while (true)
        {
            var available = budget.AvailableForNextStep;
            var reservedPrompt = call.WithMargin(promptTokens);
            if ((long)reservedPrompt + minOutput > available)
            {
                // Trimmed, a prompt leaves room for the answer the request asked for, but for no more than half of
                // what is available: a large MaxOutputTokens must not cost the whole conversation.
                var room = Math.Max(minOutput, Math.Min(wantedOutput ?? minOutput, available / 2));
                if (budget.OverflowPolicy == BudgetOverflowPolicy.TrimOldest
                    && PromptTrimmer.Trim(list, options, counter, call.WithoutMargin((long)available - room), out var trimmedTokens, out var dropped) is { } trimmed)
                {
                    Log.PromptTrimmed(_logger, budget.Name, promptTokens, trimmedTokens, dropped);
                    list = trimmed;
                    promptTokens = trimmedTokens;
                    call.Trimmed(trimmed, trimmedTokens);
                    continue;
                }

                throw Refuse(runtime, budget, promptTokens, reservedPrompt + minOutput);
            }

            var maxOutput = (int)Math.Min(wantedOutput ?? int.MaxValue, (long)available - reservedPrompt);
            var reservation = reservedPrompt + maxOutput;
            if (budget.TryReserve(reservation) is null)
            {
                call.Reserved(reservation);
                call.LimitOutput(maxOutput, maxOutput < (wantedOutput ?? int.MaxValue) ? OutputLimitReason.TokenBudget : OutputLimitReason.DefaultMaxOutputTokens);
                return;
            }

            // Another call took part of the budget between the check and the reservation: look again.
        }
    }

    private TokenBudgetExceededException Refuse(AgentCostRuntime runtime, TokenBudget budget, int promptTokens, long requestedTokens)
    {
        var refusing = budget.Tightest;
        budget.CountRefusal();
        runtime.Metrics.BudgetExhausted.Add(1, new KeyValuePair<string, object?>("agentcost.budget", refusing.Name));
        runtime.Metrics.CallsRefused.Add(
            1,
            new KeyValuePair<string, object?>("reason", "token_budget"),
            new KeyValuePair<string, object?>("agentcost.budget", refusing.Name));
        var exception = new TokenBudgetExceededException(refusing, (int)Math.Min(requestedTokens, int.MaxValue), promptTokens);
        Log.CallRefused(_logger, refusing.Name, exception.RequestedTokens, exception.AvailableTokens, refusing.Used, refusing.Total);
        return exception;
    }

    private ChatClientMetadata? GetMetadata() => _metadata ??= InnerClient.GetService<ChatClientMetadata>();

    /// <summary>One admitted call: its messages and options as sent, what it reserved, and how to settle it.</summary>
    private sealed class TrackedCall(
        AgentCostChatClient client,
        AgentCostRuntime runtime,
        TokenBudget? budget,
        SpendReservation? spend,
        TokenCounter? tokenCounter,
        IEnumerable<ChatMessage> messages,
        ChatOptions? options,
        string? modelId,
        string? providerName)
    {
        private readonly ChatOptions? _callerOptions = options;
        private TokenCounter? _counter = tokenCounter;
        private IEnumerable<ChatMessage> _messages = messages;
        private int? _promptTokens;
        private int _reservedTokens;
        private int _settled;

        public TokenCounter Counter => _counter ??= runtime.Tokenizers.GetCounter(modelId);

        public IEnumerable<ChatMessage> Messages => _messages;

        /// <summary>The messages as a list, made once, so that a lazy sequence is read only once.</summary>
        public IList<ChatMessage> MessageList => _messages as IList<ChatMessage> ?? (IList<ChatMessage>)(_messages = _messages.ToList());

        public ChatOptions? Options { get; private set; } = options;

        /// <summary>The counted prompt, counted on first use.</summary>
        public int PromptTokens => _promptTokens ??= Counter.CountRequest(MessageList, Options);

        /// <summary>What budgets reserve for <paramref name="promptTokens"/>: the count, with a margin when it is an estimate.</summary>
        public int WithMargin(int promptTokens) => runtime.PromptCounts.WithMargin(modelId, promptTokens, Counter.IsEstimate);

        /// <summary>The largest prompt count whose reservation fits <paramref name="reservedTokens"/>.</summary>
        public long WithoutMargin(long reservedTokens) => runtime.PromptCounts.WithoutMargin(modelId, reservedTokens, Counter.IsEstimate);

        public void Trimmed(IList<ChatMessage> trimmed, int promptTokens)
        {
            _messages = trimmed;
            _promptTokens = promptTokens;
        }

        /// <summary>Why the output limit sent differs from the caller's, or <see langword="null"/> when it does not.</summary>
        public OutputLimitReason? LimitReason { get; private set; }

        public void Reserved(int tokens) => _reservedTokens = tokens;

        /// <summary>Sends the call with at most <paramref name="maxOutputTokens"/>, on a copy of the caller's options.</summary>
        public void LimitOutput(int maxOutputTokens, OutputLimitReason reason)
        {
            var current = Options?.MaxOutputTokens;
            if (maxOutputTokens >= (current ?? int.MaxValue) && current is not null)
            {
                return;
            }

            var limited = ReferenceEquals(Options, _callerOptions) ? _callerOptions?.Clone() ?? new ChatOptions() : Options!;
            limited.MaxOutputTokens = Math.Min(maxOutputTokens, current ?? int.MaxValue);
            Options = limited;
            LimitReason = reason;
        }

        /// <summary>
        /// Charges the reported usage to the token budget and the spend budgets and writes the ledger row; figures the
        /// provider did not report are the local counts, marked estimated.
        /// </summary>
        public ValueTask SettleAsync(UsageDetails? usage, int outputTokens, string? responseModelId)
        {
            if (Interlocked.Exchange(ref _settled, 1) != 0)
            {
                return ValueTask.CompletedTask;
            }

            // A count the provider cannot mean (negative, or beyond any call) is replaced by the local count, or held
            // to the most a call is charged for: a report must never give a budget tokens back.
            var reportedInput = SpendTokens.Reported(usage?.InputTokenCount);
            var reportedOutput = SpendTokens.Reported(usage?.OutputTokenCount);
            if (usage is not null && IsImplausible(usage))
            {
                client.LogImplausibleUsage(modelId ?? responseModelId, usage);
            }

            if (reportedInput is { } reported && _promptTokens is { } counted)
            {
                runtime.PromptCounts.Observe(modelId ?? responseModelId, counted, reported, Counter.IsEstimate);
            }

            var estimated = reportedInput is null || reportedOutput is null;
            var inputTokens = reportedInput ?? PromptTokens;
            var output = reportedOutput ?? outputTokens;
            if (budget is not null)
            {
                budget.Settle(_reservedTokens, new TokenCharge(
                    inputTokens,
                    output,
                    SpendTokens.Reported(usage?.CachedInputTokenCount) ?? 0,
                    SpendTokens.Reported(usage?.ReasoningTokenCount) ?? 0,
                    estimated));
            }

            Record(inputTokens, "input", estimated, responseModelId);
            Record(output, "output", estimated, responseModelId);
            if (spend is null)
            {
                return ValueTask.CompletedTask;
            }

            var pending = spend.SettleAsync(usage, inputTokens, output, responseModelId);
            return pending.IsCompletedSuccessfully ? ValueTask.CompletedTask : new ValueTask(pending.AsTask());
        }

        public void Release()
        {
            if (Interlocked.Exchange(ref _settled, 1) == 0)
            {
                if (budget is not null && _reservedTokens != 0)
                {
                    budget.Release(_reservedTokens);
                }

                spend?.Release();
            }
        }

        private static bool IsImplausible(UsageDetails usage)
        {
            foreach (var count in (ReadOnlySpan<long?>)[usage.InputTokenCount, usage.OutputTokenCount, usage.CachedInputTokenCount, usage.ReasoningTokenCount, usage.TotalTokenCount])
            {
                if (count is < 0 or > SpendTokens.MaxCallTokens)
                {
                    return true;
                }
            }

            return false;
        }

        // The token usage of a call, with OpenTelemetry's gen_ai.* attributes.
        private void Record(long tokens, string type, bool estimated, string? responseModelId)
        {
            var histogram = runtime.Metrics.TokenUsage;
            if (!histogram.Enabled)
            {
                return;
            }

            var tags = new TagList
            {
                { "gen_ai.operation.name", "chat" },
                { "gen_ai.token.type", type },
                { "agentcost.estimated", estimated },
            };
            if (modelId is not null)
            {
                tags.Add("gen_ai.request.model", modelId);
            }

            if (responseModelId is not null)
            {
                tags.Add("gen_ai.response.model", responseModelId);
            }

            if (providerName is not null)
            {
                tags.Add("gen_ai.provider.name", providerName);
            }

            if (budget is not null)
            {
                tags.Add("agentcost.budget", budget.Name);
            }

            histogram.Record(tokens, tags);
        }
    }

    private void LogOutputLimit(OutputLimitReason reason, TokenBudget? budget, int? requested, int sent)
    {
        var method = AgentCallContext.CurrentMethod?.DisplayName ?? "(no agent method)";

        // Information once per method and reason, so that a rewritten request is never silent and a loop does not flood
        // the log; the message is built only when it is written.
        var key = (method, reason);
        var first = !_limitsLogged.ContainsKey(key) && _limitsLogged.Count < MaxLoggedKeys && _limitsLogged.TryAdd(key, 0);
        if (!first && !_logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        var limiter = reason switch
        {
            OutputLimitReason.TokenBudget => $"token budget '{budget?.Tightest.Name}'",
            OutputLimitReason.SpendBudget => "the spend budgets",
            OutputLimitReason.FallbackMaxOutputTokens => "AgentCost:Spending:FallbackMaxOutputTokens (the model's maximum output is unknown)",
            _ => "AgentCostChatClientOptions.DefaultMaxOutputTokens",
        };
        var asked = requested?.ToString(CultureInfo.InvariantCulture) ?? "none";

        if (first)
        {
            Log.OutputLimitedFirst(_logger, method, limiter, asked, sent);
        }
        else
        {
            Log.OutputLimited(_logger, method, limiter, asked, sent);
        }
    }

    private void LogImplausibleUsage(string? modelId, UsageDetails usage)
    {
        var key = modelId ?? string.Empty;
        if (!_usageLogged.ContainsKey(key) && _usageLogged.Count < MaxLoggedKeys && _usageLogged.TryAdd(key, 0))
        {
            Log.ImplausibleUsage(_logger, modelId ?? "(unknown)", usage.InputTokenCount, usage.OutputTokenCount, usage.CachedInputTokenCount, usage.ReasoningTokenCount);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3101, Level = LogLevel.Warning,
            Message = "Token budget '{Budget}' refused a model call: it needed {Requested} tokens, {Available} were available ({Used} of {Total} used).")]
        public static partial void CallRefused(ILogger logger, string budget, int requested, int available, long used, int total);

        [LoggerMessage(EventId = 3102, Level = LogLevel.Information,
            Message = "Token budget '{Budget}' trimmed a prompt from {From} to {To} tokens, dropping {Dropped} messages.")]
        public static partial void PromptTrimmed(ILogger logger, string budget, int from, int to, int dropped);

        [LoggerMessage(EventId = 3103, Level = LogLevel.Information,
            Message = "A model call from {Method} was sent with a lower output limit than it asked for, set by {Limiter}: asked {Requested}, sent {Sent} tokens. Further such calls from this method are logged at Debug level; set AgentCost:Spending:OutputLimitPolicy to Refuse to refuse them instead.")]
        public static partial void OutputLimitedFirst(ILogger logger, string method, string limiter, string requested, int sent);

        [LoggerMessage(EventId = 3104, Level = LogLevel.Debug,
            Message = "A model call from {Method} was sent with a lower output limit than it asked for, set by {Limiter}: asked {Requested}, sent {Sent} tokens.")]
        public static partial void OutputLimited(ILogger logger, string method, string limiter, string requested, int sent);

        [LoggerMessage(EventId = 3105, Level = LogLevel.Warning,
            Message = "Model '{Model}' reported impossible usage (input {Input}, output {Output}, cached input {Cached}, reasoning {Reasoning} tokens): negative counts were replaced by the local counts, and counts above 2^40 held there. Logged once per model.")]
        public static partial void ImplausibleUsage(ILogger logger, string model, long? input, long? output, long? cached, long? reasoning);
    }
}
