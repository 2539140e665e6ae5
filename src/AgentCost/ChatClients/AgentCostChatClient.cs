using System.Diagnostics;
using System.Runtime.CompilerServices;
using AgentCost.Budgets;
using AgentCost.Hosting;
using AgentCost.Tokens;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentCost.ChatClients;

/// <summary>
/// The AgentCost call layer: a chat client middleware that enforces the ambient <see cref="TokenBudget"/> on every
/// model call. Add it with <see cref="AgentCostChatClientBuilderExtensions.UseAgentCost"/>, inside
/// <c>UseFunctionInvocation()</c>.
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
/// <para>A call that fails gives its reservation back; a cancelled call is charged what it is known to have used,
/// else its counted prompt and any streamed output. Outside a budget the client passes calls through untouched.</para>
/// <para>The guarantee is as exact as the prompt count: exact for text and tool calls with a known tokenizer,
/// approximate for tool schemas, images and unknown models. What the provider reports is always charged.</para>
/// </remarks>
public sealed partial class AgentCostChatClient : DelegatingChatClient
{
    private readonly AgentCostRuntime? _runtime;
    private readonly ILogger _logger;
    private readonly int? _defaultMaxOutputTokens;
    private readonly int _minOutputTokens;
    private readonly TokenCounter? _tokenCounter;
    private ChatClientMetadata? _metadata;

    /// <summary>Wraps <paramref name="innerClient"/>.</summary>
    /// <param name="innerClient">The client that talks to the provider.</param>
    /// <param name="options">The settings; <see langword="null"/> for the defaults. Read once, here.</param>
    /// <param name="runtime">The runtime whose tokenizers and meter to use; <see langword="null"/> for <see cref="AgentCostRuntime.Current"/> at each call.</param>
    /// <param name="logger">Where refusals and trims are logged.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public AgentCostChatClient(IChatClient innerClient, AgentCostChatClientOptions? options = null, AgentCostRuntime? runtime = null, ILogger<AgentCostChatClient>? logger = null)
        : base(innerClient)
    {
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
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var budget = TokenBudget.Current;
        return budget is null
            ? base.GetResponseAsync(messages, options, cancellationToken)
            : GetBudgetedResponseAsync(budget, messages, options, cancellationToken);
    }

    /// <inheritdoc />
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);

        // The budget is the caller's; the reservation is taken only once enumeration starts, so that a stream that
        // is never enumerated holds nothing.
        var budget = TokenBudget.Current;
        return budget is null
            ? base.GetStreamingResponseAsync(messages, options, cancellationToken)
            : GetBudgetedStreamAsync(budget, messages, options, cancellationToken);
    }

    private async Task<ChatResponse> GetBudgetedResponseAsync(TokenBudget budget, IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        var call = Admit(budget, messages, options);
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(call.Messages, call.Options, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The provider may have read the prompt before the call was abandoned.
            call.Settle(usage: null, outputTokens: 0);
            throw;
        }
        catch
        {
            call.Release();
            throw;
        }

        call.Settle(response.Usage, response.Usage?.OutputTokenCount is null ? call.Counter.CountOutput(response.Messages) : 0);
        return response;
    }

    private async IAsyncEnumerable<ChatResponseUpdate> GetBudgetedStreamAsync(
        TokenBudget budget, IEnumerable<ChatMessage> messages, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var call = Admit(budget, messages, options);
        var updates = new List<ChatResponseUpdate>();
        UsageDetails? usage = null;
        var completed = false;
        try
        {
            await foreach (var update in base.GetStreamingResponseAsync(call.Messages, call.Options, cancellationToken).ConfigureAwait(false))
            {
                foreach (var content in update.Contents)
                {
                    if (content is UsageContent reported)
                    {
                        (usage ??= new UsageDetails()).Add(reported.Details);
                    }
                }

                updates.Add(update);
                yield return update;
            }

            completed = true;
        }
        finally
        {
            if (usage is not null || completed || updates.Count > 0 || cancellationToken.IsCancellationRequested)
            {
                // Finished, abandoned by the consumer or cancelled: charge the report, else what was streamed.
                var outputTokens = usage?.OutputTokenCount is null && updates.Count > 0 ? call.Counter.CountOutput(updates.ToChatResponse().Messages) : 0;
                call.Settle(usage, outputTokens);
            }
            else
            {
                // Failed before the provider answered anything: nothing was generated.
                call.Release();
            }
        }
    }

    private BudgetedCall Admit(TokenBudget budget, IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var runtime = _runtime ?? AgentCostRuntime.Current;
        var modelId = options?.ModelId ?? GetMetadata()?.DefaultModelId;
        var counter = _tokenCounter ?? runtime.Tokenizers.GetCounter(modelId);
        var list = messages as IList<ChatMessage> ?? messages.ToList();
        var promptTokens = counter.CountRequest(list, options);
        var wantedOutput = options?.MaxOutputTokens ?? _defaultMaxOutputTokens;
        var minOutput = Math.Max(1, Math.Min(wantedOutput ?? int.MaxValue, _minOutputTokens));

        while (true)
        {
            var available = budget.AvailableForNextStep;
            if ((long)promptTokens + minOutput > available)
            {
                // Trimmed, a prompt leaves room for the answer the request asked for, but for no more than half of
                // what is available: a large MaxOutputTokens must not cost the whole conversation.
                var room = Math.Max(minOutput, Math.Min(wantedOutput ?? minOutput, available / 2));
                if (budget.OverflowPolicy == BudgetOverflowPolicy.TrimOldest
                    && PromptTrimmer.Trim(list, options, counter, (long)available - room, out var trimmedTokens, out var dropped) is { } trimmed)
                {
                    Log.PromptTrimmed(_logger, budget.Name, promptTokens, trimmedTokens, dropped);
                    list = trimmed;
                    promptTokens = trimmedTokens;
                    continue;
                }

                throw Refuse(runtime, budget, promptTokens, minOutput);
            }

            var maxOutput = (int)Math.Min(wantedOutput ?? int.MaxValue, (long)available - promptTokens);
            var reservation = promptTokens + maxOutput;
            if (budget.TryReserve(reservation) is null)
            {
                var clamped = options?.Clone() ?? new ChatOptions();
                clamped.MaxOutputTokens = maxOutput;
                return new BudgetedCall(runtime, budget, counter, list, clamped, modelId, promptTokens, reservation);
            }

            // Another call took part of the budget between the check and the reservation: look again.
        }
    }

    private TokenBudgetExceededException Refuse(AgentCostRuntime runtime, TokenBudget budget, int promptTokens, int minOutput)
    {
        var refusing = budget.Tightest;
        budget.CountRefusal();
        runtime.Metrics.BudgetExhausted.Add(1, new KeyValuePair<string, object?>("agentcost.budget", refusing.Name));
        var exception = new TokenBudgetExceededException(refusing, promptTokens + minOutput, promptTokens);
        Log.CallRefused(_logger, refusing.Name, exception.RequestedTokens, exception.AvailableTokens, refusing.Used, refusing.Total);
        return exception;
    }

    private ChatClientMetadata? GetMetadata() => _metadata ??= InnerClient.GetService<ChatClientMetadata>();

    /// <summary>One admitted call: what it reserved, and how to settle it.</summary>
    private sealed class BudgetedCall(
        AgentCostRuntime runtime, TokenBudget budget, TokenCounter counter, IList<ChatMessage> messages, ChatOptions options, string? modelId, int promptTokens, int reserved)
    {
        private int _settled;

        public TokenCounter Counter => counter;

        public IList<ChatMessage> Messages => messages;

        public ChatOptions Options => options;

        /// <summary>Charges the reported usage; figures the provider did not report are the local counts, marked estimated.</summary>
        public void Settle(UsageDetails? usage, int outputTokens)
        {
            if (Interlocked.Exchange(ref _settled, 1) != 0)
            {
                return;
            }

            var estimated = usage?.InputTokenCount is null || usage.OutputTokenCount is null;
            var charge = new TokenCharge(
                usage?.InputTokenCount ?? promptTokens,
                usage?.OutputTokenCount ?? outputTokens,
                usage?.CachedInputTokenCount ?? 0,
                usage?.ReasoningTokenCount ?? 0,
                estimated);
            budget.Settle(reserved, charge);
            Record(charge.PromptTokens, "input", charge.IsEstimated);
            Record(charge.CompletionTokens, "output", charge.IsEstimated);
        }

        public void Release()
        {
            if (Interlocked.Exchange(ref _settled, 1) == 0)
            {
                budget.Release(reserved);
            }
        }

        private void Record(long tokens, string type, bool estimated)
        {
            var tags = new TagList
            {
                { "gen_ai.token.type", type },
                { "agentcost.budget", budget.Name },
                { "agentcost.estimated", estimated },
            };
            if (modelId is not null)
            {
                tags.Add("gen_ai.request.model", modelId);
            }

            runtime.Metrics.TokenUsage.Record(tokens, tags);
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
    }
}
