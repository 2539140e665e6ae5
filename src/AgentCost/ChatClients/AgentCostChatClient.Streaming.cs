using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using AgentCost.Hosting;
using AgentCost.Spending;
using Microsoft.Extensions.AI;

namespace AgentCost.ChatClients;

public sealed partial class AgentCostChatClient
{
    private async IAsyncEnumerable<ChatResponseUpdate> GetTrackedStreamAsync(
        AgentCostRuntime runtime, TokenBudget? budget, IEnumerable<ChatMessage> messages, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var call = await AdmitAsync(runtime, budget, messages, options, cancellationToken).ConfigureAwait(false);
        var stream = new TrackedStream(call, runtime.Spending.TimeProvider, runtime.Spending.Options.StreamLease);
        try
        {
            await foreach (var update in base.GetStreamingResponseAsync(call.Messages, call.Options, cancellationToken).ConfigureAwait(false))
            {
                stream.Add(update);
                stream.Lend();
                yield return update;
                stream.Resume();
            }

            stream.Complete();
        }
        finally
        {
            await stream.CloseAsync(cancellationToken.IsCancellationRequested).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The progress of one streamed call, and the lease that settles it when its consumer stops reading without
    /// disposing the enumerator: then no <c>finally</c> would ever run and the reservations would be held for good.
    /// </summary>
    /// <remarks>
    /// The lease runs only while the consumer holds an update (between a <c>yield return</c> and the next
    /// <c>MoveNextAsync</c>), never while the provider is still working. Whoever moves the state first — the lease
    /// settling, the consumer resuming or disposing — wins; the call settles exactly once either way.
    /// </remarks>
    private sealed class TrackedStream(TrackedCall call, TimeProvider time, TimeSpan lease)
    {
        private const int Running = 0;
        private const int Lent = 1;
        private const int Expired = 2;
        private const int Closed = 3;

        // Open leases are rooted here: an abandoned enumerator is garbage, and its timer with it, unless something holds it.
        private static readonly ConcurrentDictionary<TrackedStream, byte> s_leased = new(ReferenceEqualityComparer.Instance);

        private readonly List<ChatResponseUpdate> _updates = [];
        private UsageDetails? _usage;
        private string? _responseModelId;
        private bool _completed;
        private ITimer? _timer;
        private long _lentAt;
        private int _state;

        public void Add(ChatResponseUpdate update)
        {
            foreach (var content in update.Contents)
            {
                if (content is UsageContent reported)
                {
                    (_usage ??= new UsageDetails()).Add(reported.Details);
                }
            }

            _responseModelId ??= update.ModelId;
            _updates.Add(update);
        }

        /// <summary>Hands an update to the consumer: the lease starts.</summary>
        public void Lend()
        {
            Volatile.Write(ref _lentAt, time.GetTimestamp());
            Volatile.Write(ref _state, Lent);
            if (_timer is null)
            {
                s_leased.TryAdd(this, 0);
                _timer = time.CreateTimer(static state => ((TrackedStream)state!).Expire(), this, lease, Timeout.InfiniteTimeSpan);
            }
            else
            {
                _timer.Change(lease, Timeout.InfiniteTimeSpan);
            }
        }

        /// <summary>The consumer asked for the next update.</summary>
        /// <exception cref="OperationCanceledException">The lease had expired and settled the call.</exception>
        public void Resume()
        {
            if (Interlocked.CompareExchange(ref _state, Running, Lent) == Expired)
            {
                throw new OperationCanceledException(
                    $"The stream was not read for longer than AgentCost:Spending:StreamLease ({lease}) and was settled with what it had streamed; it cannot be resumed.");
            }
        }

        public void Complete() => _completed = true;

        public ValueTask CloseAsync(bool cancelled)
        {
            var previous = Interlocked.Exchange(ref _state, Closed);
            _timer?.Dispose();
            s_leased.TryRemove(this, out _);
            if (previous == Expired)
            {
                return ValueTask.CompletedTask;
            }

            if (_usage is not null || _completed || _updates.Count > 0 || cancelled)
            {
                // Finished, abandoned by the consumer or cancelled: charge the report, else what was streamed.
                return Settle();
            }

            // Failed before the provider answered anything: nothing was generated.
            call.Release();
            return ValueTask.CompletedTask;
        }

        private void Expire()
        {
            if (Volatile.Read(ref _state) != Lent)
            {
                return;
            }

            // A timer armed by an earlier update may fire just as a new one is lent: the lease counts from the last.
            var idle = time.GetElapsedTime(Volatile.Read(ref _lentAt));
            if (idle < lease)
            {
                _timer?.Change(lease - idle, Timeout.InfiniteTimeSpan);
                return;
            }

            if (Interlocked.CompareExchange(ref _state, Expired, Lent) != Lent)
            {
                return;
            }

            s_leased.TryRemove(this, out _);
            var pending = Settle();
            if (!pending.IsCompletedSuccessfully)
            {
                // Nobody awaits a lease: the monitor logs a ledger failure, and the exception is observed here.
                _ = pending.AsTask().ContinueWith(
                    static task => _ = task.Exception,
                    CancellationToken.None,
                    TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }
        }

        private ValueTask Settle()
        {
            var outputTokens = SpendTokens.Reported(_usage?.OutputTokenCount) is null && _updates.Count > 0
                ? call.Counter.CountOutput(_updates.ToChatResponse().Messages)
                : 0;
            return call.SettleAsync(_usage, outputTokens, _responseModelId);
        }
    }
}
