using System.Threading.RateLimiting;

namespace AgentCost.RateLimiting;

/// <summary>
/// A token bucket on the <see cref="System.Threading.RateLimiting"/> abstractions whose replenishment a
/// <see cref="TimeProvider"/> timer drives: a window (a minute) is cut into equal periods, and each
/// <see cref="ReplenishmentPeriod"/> adds that period's share of the limit.
/// </summary>
/// <remarks>
/// <see cref="TokenBucketRateLimiter"/> cannot be driven by a fake clock: with automatic replenishment it owns a system
/// timer, and without it <c>TryReplenish()</c> adds permits for the real (Stopwatch) time elapsed. This bucket keeps the
/// same semantics (a limit, permits per period, a FIFO queue bounded in permits) with the clock injected, and lets
/// unused permits be returned so that a reservation can be settled to the actual usage.
/// <para>The shares are cut by cumulative rounding — period <c>i</c> adds <c>⌊(i+1)·L/n⌋ − ⌊i·L/n⌋</c> — so every
/// window refills exactly the limit, whatever it is: an integer <c>L / n</c> per period would refill 60 of 90 or 119
/// per minute, and 960 of 1,000.</para>
/// <para>The bucket of <see cref="InMemoryRateLimitBucketStore"/>.</para>
/// </remarks>
internal sealed class TimeProviderTokenBucket : ReplenishingRateLimiter, IRateLimitBucket
{
    private static readonly RateLimitLease s_acquired = new Lease(true);
    private static readonly RateLimitLease s_refused = new Lease(false);

    private readonly Lock _lock = new();
    private readonly LinkedList<Waiter> _queue = new();
    private readonly ITimer _timer;
    private readonly int _limit;
    private readonly int _periods;
    private readonly int _queueLimit;
    private long _tokens;
    private int _period;
    private long _queued;
    private long _successful;
    private long _failed;
    private bool _disposed;

    /// <param name="limit">The permits each window adds, and the bucket's size.</param>
    /// <param name="window">The window the limit applies to.</param>
    /// <param name="periods">How many replenishments a window has; the window must divide into them exactly.</param>
    /// <param name="queueLimit">The most permits that may wait.</param>
    /// <param name="timeProvider">The clock.</param>
    public TimeProviderTokenBucket(int limit, TimeSpan window, int periods, int queueLimit, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(periods);
        if (window.Ticks % periods != 0)
        {
            // A rounded period would drift against the window and refill less than the limit in some windows.
            throw new ArgumentException($"A window of {window} does not divide into {periods} equal periods.", nameof(periods));
        }

        _limit = limit;
        _periods = periods;
        _queueLimit = queueLimit;
        _tokens = limit;
        var period = window / periods;
        ReplenishmentPeriod = period;
        _timer = timeProvider.CreateTimer(static state => ((TimeProviderTokenBucket)state!).TryReplenish(), this, period, period);
    }

    public override TimeSpan? IdleDuration => null;

    public override bool IsAutoReplenishing => true;

    public override TimeSpan ReplenishmentPeriod { get; }

    public long Available
    {
        get
        {
            lock (_lock)
            {
                return _tokens;
            }
        }
    }

    long IRateLimitBucket.AvailablePermits => Available;

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_lock)
        {
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = _tokens,
                CurrentQueuedCount = _queued,
                TotalSuccessfulLeases = _successful,
                TotalFailedLeases = _failed,
            };
        }
    }

    public override bool TryReplenish()
    {
        long share;
        lock (_lock)
        {
            share = (((long)_period + 1) * _limit / _periods) - ((long)_period * _limit / _periods);
            _period = (_period + 1) % _periods;
        }

        Add(share);
        return true;
    }

    /// <summary>Gives back <paramref name="permits"/> a caller took but did not use (never beyond the limit).</summary>
    public void Return(long permits)
    {
        if (permits > 0)
        {
            Add(permits);
        }
    }

    /// <summary>Takes <paramref name="permits"/> a caller used beyond what it acquired, into debt if need be (at most one full bucket).</summary>
    public void Charge(long permits)
    {
        lock (_lock)
        {
            _tokens = Math.Max(-_limit, _tokens - permits);
        }
    }

    public bool TryAcquire(int permits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permits);
        return AttemptAcquireCore(permits).IsAcquired;
    }

    ValueTask<bool> IRateLimitBucket.AcquireAsync(int permits, CancellationToken cancellationToken)
    {
        var pending = AcquireAsync(permits, cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            using var lease = pending.Result;
            return new ValueTask<bool>(lease.IsAcquired);
        }

        return AwaitAsync(pending);

        static async ValueTask<bool> AwaitAsync(ValueTask<RateLimitLease> pending)
        {
            using var lease = await pending.ConfigureAwait(false);
            return lease.IsAcquired;
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, _limit);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_queue.Count == 0 && _tokens >= permitCount)
            {
                _tokens -= permitCount;
                _successful++;
                return s_acquired;
            }

            _failed++;
            return s_refused;
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, _limit);
        Waiter waiter;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_queue.Count == 0 && _tokens >= permitCount)
            {
                _tokens -= permitCount;
                _successful++;
                return ValueTask.FromResult(s_acquired);
            }

            if (_queued + permitCount > _queueLimit)
            {
                _failed++;
                return ValueTask.FromResult(s_refused);
            }

            cancellationToken.ThrowIfCancellationRequested();
            waiter = new Waiter(permitCount);
            waiter.Node = _queue.AddLast(waiter);
            _queued += permitCount;
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.Registration = cancellationToken.Register(static state =>
            {
                var (bucket, w, token) = ((TimeProviderTokenBucket, Waiter, CancellationToken))state!;
                bucket.Cancel(w, token);
            }, (this, waiter, cancellationToken));
        }

        return new ValueTask<RateLimitLease>(waiter.Completion.Task);
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing)
        {
            return;
        }

        _timer.Dispose();
        List<Waiter> pending;
        lock (_lock)
        {
            _disposed = true;
            pending = [.. _queue];
            _queue.Clear();
            _queued = 0;
        }

        foreach (var waiter in pending)
        {
            waiter.Registration.Dispose();
            waiter.Completion.TrySetException(new ObjectDisposedException(nameof(TimeProviderTokenBucket)));
        }
    }

    private void Cancel(Waiter waiter, CancellationToken token)
    {
        lock (_lock)
        {
            if (waiter.Node?.List is null)
            {
                return;
            }

            _queue.Remove(waiter.Node);
            _queued -= waiter.Permits;
            _failed++;
        }

        waiter.Completion.TrySetCanceled(token);
    }

    private void Add(long permits)
    {
        List<Waiter>? granted = null;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _tokens = Math.Min(_limit, _tokens + permits);
            while (_queue.First is { } first && first.Value.Permits <= _tokens)
            {
                _tokens -= first.Value.Permits;
                _queued -= first.Value.Permits;
                _successful++;
                _queue.RemoveFirst();
                (granted ??= []).Add(first.Value);
            }
        }

        if (granted is null)
        {
            return;
        }

        foreach (var waiter in granted)
        {
            waiter.Registration.Dispose();
            waiter.Completion.TrySetResult(s_acquired);
        }
    }

    private sealed class Waiter(int permits)
    {
        public int Permits { get; } = permits;

        public TaskCompletionSource<RateLimitLease> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }

        public CancellationTokenRegistration Registration { get; set; }
    }

    private sealed class Lease(bool acquired) : RateLimitLease
    {
        public override bool IsAcquired { get; } = acquired;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
