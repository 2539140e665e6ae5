
namespace AgentCost.RateLimiting;

/// <summary>
/// The requests-per-minute and tokens-per-minute limits of one deployment: two token buckets on the
/// <see cref="System.Threading.RateLimiting"/> abstractions, replenished by a <see cref="TimeProvider"/> timer (so a
/// fake clock drives them in tests), with a bounded queue and a bounded wait.
/// </summary>
/// <remarks>
/// A bucket of limit <c>L</c> per minute starts full and refills every second, by shares that add up to exactly
/// <c>L</c> in every minute (<c>⌊(i+1)·L/60⌋ − ⌊i·L/60⌋</c> in second <c>i</c>). A call acquires one request and its worst-case tokens (counted prompt plus clamped output);
/// after the call <see cref="Lease.Settle"/> settles to the actual usage: unused tokens go back to the bucket, over-use
/// is charged to it (into debt of at most one bucket), so the next calls wait for it.
/// <para>The buckets come from an <see cref="IRateLimitBucketStore"/>: in this process unless another store is given.</para>
/// </remarks>
public sealed class DeploymentRateLimiter : IDisposable
{
    private readonly IRateLimitBucket? _requests;
    private readonly IRateLimitBucket? _tokens;
    private readonly TimeProvider _time;
    private readonly int _queueLimit;
    private readonly TimeSpan _waitTimeout;
    private int _waiting;

    /// <summary>Creates the limiter.</summary>
    /// <param name="deployment">The deployment's name, for errors.</param>
    /// <param name="requestsPerMinute">Requests per minute; <see langword="null"/> for none.</param>
    /// <param name="tokensPerMinute">Tokens per minute; <see langword="null"/> for none.</param>
    /// <param name="queueLimit">How many calls may wait at a time.</param>
    /// <param name="waitTimeout">How long a call may wait.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for the system clock.</param>
    /// <param name="bucketStore">Where the buckets are kept; <see langword="null"/> for this process (<see cref="InMemoryRateLimitBucketStore"/>).</param>
    public DeploymentRateLimiter(
        string deployment, int? requestsPerMinute, int? tokensPerMinute, int queueLimit, TimeSpan waitTimeout, TimeProvider? timeProvider = null, IRateLimitBucketStore? bucketStore = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(deployment);
        ArgumentOutOfRangeException.ThrowIfNegative(queueLimit);
        Deployment = deployment;
        RequestsPerMinute = requestsPerMinute;
        TokensPerMinute = tokensPerMinute;
        _time = timeProvider ?? TimeProvider.System;
        _queueLimit = queueLimit;
        _waitTimeout = waitTimeout;
        var store = bucketStore ?? InMemoryRateLimitBucketStore.Instance;
        _requests = Create(store, "RequestsPerMinute", requestsPerMinute, queueLimit);
        _tokens = Create(store, "TokensPerMinute", tokensPerMinute, int.MaxValue);
    }

    /// <summary>The deployment.</summary>
    public string Deployment { get; }

    /// <summary>Requests per minute, or <see langword="null"/>.</summary>
    public int? RequestsPerMinute { get; }

    /// <summary>Tokens per minute, or <see langword="null"/>.</summary>
    public int? TokensPerMinute { get; }

    /// <summary>Request permits available now (<see cref="int.MaxValue"/> without a limit).</summary>
    public long AvailableRequests => _requests?.AvailablePermits ?? int.MaxValue;

    /// <summary>Token permits available now (<see cref="int.MaxValue"/> without a limit).</summary>
    public long AvailableTokens => _tokens?.AvailablePermits ?? int.MaxValue;

    /// <summary>
    /// Waits, within the queue limit and the wait timeout, for one request and <paramref name="tokens"/> tokens.
    /// </summary>
    /// <param name="tokens">The call's worst case: counted prompt plus output limit (clamped to the bucket).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The lease; settle it after the call.</returns>
    /// <exception cref="RateLimitExceededException">The queue is full or the wait timed out.</exception>
    public ValueTask<Lease> AcquireAsync(int tokens, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        if (TokensPerMinute is int tpm)
        {
            tokens = Math.Min(tokens, tpm);
        }

        // The common case takes both permits at once: no timeout, no linked token, no state machine.
        if (!TryAcquireNow(_requests, 1))
        {
            return WaitAsync(tokens, requestAcquired: false, cancellationToken);
        }

        if (tokens > 0 && !TryAcquireNow(_tokens, tokens))
        {
            return WaitAsync(tokens, requestAcquired: true, cancellationToken);
        }

        return ValueTask.FromResult(new Lease(this, _tokens is null ? 0 : tokens));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _requests?.Dispose();
        _tokens?.Dispose();
    }

    private static bool TryAcquireNow(IRateLimitBucket? bucket, int permits) => bucket is null || bucket.TryAcquire(permits);

    private async ValueTask<Lease> WaitAsync(int tokens, bool requestAcquired, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_waitTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        if (!requestAcquired && _requests is not null)
        {
            await AcquireFromAsync(_requests, 1, "RequestsPerMinute", RequestsPerMinute!.Value, linked.Token, timeout, cancellationToken).ConfigureAwait(false);
        }

        if (_tokens is not null && tokens > 0)
        {
            try
            {
                await AcquireFromAsync(_tokens, tokens, "TokensPerMinute", TokensPerMinute!.Value, linked.Token, timeout, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // The request permit was taken for a call that will not be made.
                _requests?.Return(1);
                throw;
            }
        }

        return new Lease(this, _tokens is null ? 0 : tokens);
    }

    private async ValueTask AcquireFromAsync(IRateLimitBucket bucket, int permits, string limit, int limitValue, CancellationToken token, CancellationTokenSource timeout, CancellationToken caller)
    {
        if (bucket.TryAcquire(permits))
        {
            return;
        }

        if (Interlocked.Increment(ref _waiting) > _queueLimit)
        {
            Interlocked.Decrement(ref _waiting);
            throw new RateLimitExceededException(Deployment, limit, limitValue, permits, $"the queue of {_queueLimit} waiting calls is full");
        }

        try
        {
            if (!await bucket.AcquireAsync(permits, token).ConfigureAwait(false))
            {
                throw new RateLimitExceededException(Deployment, limit, limitValue, permits, "the limiter's queue is full");
            }
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested && timeout.IsCancellationRequested)
        {
            throw new RateLimitExceededException(Deployment, limit, limitValue, permits, $"no capacity within the wait timeout of {_waitTimeout}");
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    private void Settle(int acquired, int actual)
    {
        if (_tokens is null)
        {
            return;
        }

        if (actual > acquired)
        {
            // Over-use is charged, into debt: the next calls wait for it to be replenished.
            _tokens.Charge(actual - acquired);
        }
        else
        {
            _tokens.Return(acquired - actual);
        }
    }

    private IRateLimitBucket? Create(IRateLimitBucketStore store, string limit, int? perMinute, int queueLimit)
    {
        if (perMinute is not int permits)
        {
            return null;
        }

        return store.GetBucket(new RateLimitBucketOptions
        {
            Deployment = Deployment,
            Limit = limit,
            PermitLimit = permits,
            Window = TimeSpan.FromMinutes(1),
            ReplenishmentsPerWindow = 60,
            QueueLimit = queueLimit,
            TimeProvider = _time,
        });
    }

    /// <summary>What one call acquired; settle it to the actual usage after the call.</summary>
    public sealed class Lease
    {
        private readonly DeploymentRateLimiter _owner;
        private int _settled;

        internal Lease(DeploymentRateLimiter owner, int tokens)
        {
            _owner = owner;
            Tokens = tokens;
        }

        /// <summary>The tokens acquired.</summary>
        public int Tokens { get; }

        /// <summary>Settles the lease to the tokens the call actually used (once; later calls are ignored).</summary>
        /// <param name="actualTokens">Prompt plus output tokens the provider reported; the acquired figure when unknown.</param>
        public void Settle(int? actualTokens)
        {
            if (Interlocked.Exchange(ref _settled, 1) == 0)
            {
                _owner.Settle(Tokens, actualTokens ?? Tokens);
            }
        }
    }
}
