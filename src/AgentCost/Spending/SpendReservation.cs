using Microsoft.Extensions.AI;

namespace AgentCost.Spending;

/// <summary>
/// The spend accounting of one model call: who made it, the worst case reserved on its budgets, and — once settled —
/// its actual cost. Made by <see cref="SpendMonitor.Reserve"/>, and by the AgentCost chat client for every call.
/// </summary>
public sealed class SpendReservation : IDisposable
{
    // Reservation ids are handed out in blocks, one block per thread at a time: unique in the process without every
    // reservation contending for one shared counter.
    private const int IdBlock = 1024;
    private static long s_idBlocksEnd;
    [ThreadStatic] private static long t_nextId;
    [ThreadStatic] private static long t_idBlockEnd;

    private readonly SpendMonitor _monitor;
    private readonly AgentTask? _task;
    private readonly SpendCapture? _capture;
    private readonly SpendBudget[] _budgets;
    private PriceRates? _rates;
    private SpendBudget.PeriodState[]? _states;
    private long _reservedUnits;
    private long _id;
    private int _done;

    internal SpendReservation(
        SpendMonitor monitor, string? modelId, string? method, string? tenant, AgentTask? task, SpendCapture? capture, PriceRates? rates, SpendBudget[] budgets)
    {
        _monitor = monitor;
        ModelId = modelId;
        Method = method;
        Tenant = tenant;
        _task = task;
        _capture = capture;
        _rates = rates;
        _budgets = budgets;
        Timestamp = monitor.TimeProvider.GetUtcNow();
    }

    /// <summary>The model, as the request names it.</summary>
    public string? ModelId { get; }

    /// <summary>The agent method the call is made in, or <see langword="null"/>.</summary>
    public string? Method { get; }

    /// <summary>The tenant the call is made for, or <see langword="null"/>.</summary>
    public string? Tenant { get; }

    /// <summary>When the call started; its ledger row and the periods it is charged to follow this instant.</summary>
    public DateTimeOffset Timestamp { get; private set; }

    /// <summary>The worst case reserved on the budgets, in US dollars; 0 outside budgets.</summary>
    public decimal Reserved => Money.ToDollars(Volatile.Read(ref _reservedUnits));

    /// <summary>
    /// The output limit the call must be sent with, when the budgets (or the fallback limit for a model whose maximum is
    /// unknown) set one; <see langword="null"/> leaves the request's own.
    /// </summary>
    public int? MaxOutputTokens { get; private set; }

    /// <summary>
    /// Whether <see cref="MaxOutputTokens"/> is <c>AgentCost:Spending:FallbackMaxOutputTokens</c>, sent because neither
    /// the request nor the model's price bounds the answer, rather than what the budgets leave.
    /// </summary>
    internal bool IsFallbackLimit { get; private set; }

    /// <summary>Whether the model has a price.</summary>
    public bool IsPriced => _rates is not null;

    /// <summary>Whether a worst case must be reserved: a budget applies and the model has a price.</summary>
    internal bool NeedsReservation => _budgets.Length > 0 && _rates is not null;

    /// <summary>Settles the call to the usage the provider reported: charges the budgets and writes the ledger row.</summary>
    /// <param name="usage">The provider's report; <see langword="null"/> charges nothing but the call.</param>
    /// <param name="cancellationToken">Stops waiting for the ledger (the row may still be written).</param>
    /// <returns>The ledger row, once the ledger has stored it.</returns>
    /// <exception cref="InvalidOperationException">The reservation was already settled or released.</exception>
    public ValueTask<SpendRecord> SettleAsync(UsageDetails? usage, CancellationToken cancellationToken = default)
        => SettleAsync(usage, 0, 0, responseModelId: null, cancellationToken);

    /// <summary>Gives the reservation back unused: the call failed before the provider did any work. Does nothing once settled.</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _done, 1) == 0 && _states is { } states)
        {
            var reserved = Volatile.Read(ref _reservedUnits);
            foreach (var state in states)
            {
                state.Release(_id, reserved);
            }
        }
    }

    /// <summary>Releases the reservation if it was not settled.</summary>
    public void Dispose() => Release();

    /// <summary>Reserves the worst case of a call with <paramref name="promptTokens"/> of prompt on every budget.</summary>
    /// <exception cref="SpendLimitExceededException">Not even the smallest answer fits.</exception>
    internal void Reserve(int promptTokens, int? requestedOutput, int minOutput)
    {
        if (NeedsReservation && !TryReserve(Plan(promptTokens, requestedOutput, minOutput), out var tightest, out var needed))
        {
            throw Refuse(tightest, needed, promptTokens);
        }
    }

    /// <summary>
    /// Reserves the worst case like <see cref="Reserve"/>, but when it does not fit only because of other calls still in
    /// flight on the tightest budget, waits up to <paramref name="wait"/> for them to settle (their actual cost is
    /// usually well below what they reserved) before it refuses.
    /// </summary>
    /// <exception cref="SpendLimitExceededException">Not even the smallest answer fits, now or by the end of the wait.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    internal ValueTask ReserveAsync(int promptTokens, int? requestedOutput, int minOutput, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (!NeedsReservation)
        {
            return default;
        }

        var plan = Plan(promptTokens, requestedOutput, minOutput);
        if (TryReserve(plan, out var tightest, out var needed))
        {
            return default;
        }

        return wait > TimeSpan.Zero && tightest.CouldFitAfterSettlements(needed)
            ? WaitAndReserveAsync(plan, wait, cancellationToken)
            : throw Refuse(tightest, needed, promptTokens);
    }

    private async ValueTask WaitAndReserveAsync(ReservationPlan plan, TimeSpan wait, CancellationToken cancellationToken)
    {
        var time = _monitor.TimeProvider;
        var deadline = time.GetTimestamp() + (long)(Math.Min(wait.TotalSeconds, TimeSpan.FromDays(1).TotalSeconds) * time.TimestampFrequency);
        while (true)
        {
            // Armed before the look: a settlement between the look and the wait completes it.
            var tightest = plan.Tightest();
            var freed = tightest.WhenFreed();
            if (TryReserve(plan, out tightest, out var needed))
            {
                return;
            }

            var left = time.GetElapsedTime(time.GetTimestamp(), deadline);
            if (left <= TimeSpan.Zero || !tightest.CouldFitAfterSettlements(needed))
            {
                throw Refuse(tightest, needed, plan.PromptTokens);
            }

            if (!ReferenceEquals(freed, tightest.WhenFreed()))
            {
                // The tightest budget changed between the looks: wait on the one that refuses now.
                continue;
            }

            try
            {
                await freed.WaitAsync(left, time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Nothing settled in time: one last look decides.
            }
        }
    }

    private ReservationPlan Plan(int promptTokens, int? requestedOutput, int minOutput)
    {
        // The public entry points refuse these; a negative figure here would reserve less than nothing.
        ArgumentOutOfRangeException.ThrowIfNegative(promptTokens);
        ArgumentOutOfRangeException.ThrowIfLessThan(requestedOutput ?? 1, 1, nameof(requestedOutput));
        ArgumentOutOfRangeException.ThrowIfLessThan(minOutput, 1);

        var rates = _rates!;

        // A model whose output is free costs the same whatever it answers: it needs no limit of ours.
        var fallback = requestedOutput is null && rates.MaxOutputTokens is null && rates.OutputRate(promptTokens) > 0;
        long bound = requestedOutput ?? rates.MaxOutputTokens ?? (fallback ? _monitor.Options.FallbackMaxOutputTokens : int.MaxValue);

        return new ReservationPlan(CurrentStates(), rates, promptTokens, bound, (int)Math.Min(minOutput, bound), fallback);
    }

    /// <summary>Reserves the plan's worst case on every budget, or says which budget refuses and the least it needs.</summary>
    private bool TryReserve(ReservationPlan plan, out SpendBudget.PeriodState tightest, out long needed)
    {
        while (true)
        {
            tightest = plan.Tightest();
            if (!plan.Rates.TryFit(plan.PromptTokens, plan.Bound, plan.MinOutput, tightest.Available, out var output, out var units, out needed))
            {
                return false;
            }

            // Each attempt is a reservation of its own: one rolled back is never reserved again under its id.
            var id = NextId();
            if (TryReserveAll(plan.States, id, units))
            {
                _id = id;
                _states = plan.States;
                Volatile.Write(ref _reservedUnits, units);
                MaxOutputTokens = output < plan.Bound || plan.IsFallback ? (int)Math.Min(output, int.MaxValue) : null;
                IsFallbackLimit = plan.IsFallback && output == plan.Bound;
                return true;
            }

            // Another call took part of a budget between the look and the reservation: look again.
        }
    }

    /// <summary>Settles the call; figures the provider did not report are the local counts, and the row is marked estimated.</summary>
    internal ValueTask<SpendRecord> SettleAsync(UsageDetails? usage, long localPromptTokens, long localOutputTokens, string? responseModelId, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _done, 1) != 0)
        {
            throw new InvalidOperationException("The spend reservation was already settled or released.");
        }

        var tokens = SpendTokens.FromUsage(usage, localPromptTokens, localOutputTokens);
        var estimated = SpendTokens.Reported(usage?.InputTokenCount) is null || SpendTokens.Reported(usage?.OutputTokenCount) is null;
        var model = ModelId ?? responseModelId;
        if (_rates is null && ModelId is null && responseModelId is not null)
        {
            // The request named no model: price the call as the model that answered.
            _rates = _monitor.Prices.Find(responseModelId);
        }

        var rates = _rates;
        var units = rates?.Cost(tokens) ?? 0;
        var saved = rates?.PromptCacheSavings(tokens) ?? 0;
        var reserved = Volatile.Read(ref _reservedUnits);
        var states = _states;
        if (states is null && _budgets.Length > 0 && rates is not null)
        {
            // Recorded after the fact (or never reserved): charge the budgets without a check.
            states = CurrentStates();
            _id = NextId();
        }

        if (states is not null)
        {
            foreach (var state in states)
            {
                _monitor.Settle(state, _id, reserved, units);
            }
        }

        _task?.Charge(units);
        _capture?.Add(units);
        var record = new SpendRecord
        {
            Timestamp = Timestamp,
            Kind = SpendRecordKind.ModelCall,
            Model = model,
            Method = Method,
            Tenant = Tenant,
            Task = _task?.Name,
            Tokens = tokens,
            Cost = Money.ToDollars(units),
            Saved = Money.ToDollars(saved),
            IsUnpriced = rates is null,
            IsEstimated = estimated,
        };
        _monitor.Settled(record, units);

        var pending = _monitor.Append(record, wait: true);
        return pending.IsCompletedSuccessfully ? new ValueTask<SpendRecord>(record) : AwaitAsync(pending, record, cancellationToken);

        static async ValueTask<SpendRecord> AwaitAsync(ValueTask pending, SpendRecord record, CancellationToken cancellationToken)
        {
            await pending.AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
            return record;
        }
    }

    /// <summary>The periods of the call's budgets; the call's instant (taken when it was opened) decides them.</summary>
    private SpendBudget.PeriodState[] CurrentStates()
    {
        var now = Timestamp.UtcTicks;
        var states = new SpendBudget.PeriodState[_budgets.Length];
        for (var i = 0; i < states.Length; i++)
        {
            states[i] = _budgets[i].Current(now);
        }

        return states;
    }

    /// <summary>An id for the budget stores, unique in this process; taken only by calls that a budget applies to.</summary>
    private static long NextId()
    {
        var id = t_nextId;
        if (id == t_idBlockEnd)
        {
            var end = Interlocked.Add(ref s_idBlocksEnd, IdBlock);
            id = end - IdBlock;
            t_idBlockEnd = end;
        }

        t_nextId = ++id;
        return id;
    }

    private static bool TryReserveAll(SpendBudget.PeriodState[] states, long id, long units)
    {
        for (var i = 0; i < states.Length; i++)
        {
            if (!states[i].TryReserve(id, units))
            {
                for (var j = 0; j < i; j++)
                {
                    states[j].Release(id, units);
                }

                return false;
            }
        }

        return true;
    }

    private SpendLimitExceededException Refuse(SpendBudget.PeriodState state, long needed, int promptTokens)
    {
        Interlocked.Exchange(ref _done, 1);
        _monitor.Refused(state);
        var exception = new SpendLimitExceededException(state.Status(), ModelId, Money.ToDollars(needed), promptTokens);
        _monitor.LogRefusal(exception);
        return exception;
    }

    /// <summary>What one call reserves: its budgets' current periods, its prices and the output it may have.</summary>
    private readonly record struct ReservationPlan(
        SpendBudget.PeriodState[] States, PriceRates Rates, int PromptTokens, long Bound, int MinOutput, bool IsFallback)
    {
        /// <summary>The budget with the least left.</summary>
        public SpendBudget.PeriodState Tightest()
        {
            var tightest = States[0];
            var available = tightest.Available;
            for (var i = 1; i < States.Length; i++)
            {
                var left = States[i].Available;
                if (left < available)
                {
                    tightest = States[i];
                    available = left;
                }
            }

            return tightest;
        }
    }
}
