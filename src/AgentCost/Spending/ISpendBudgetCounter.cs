namespace AgentCost.Spending;

/// <summary>
/// The counters of one spend budget in one period (<see cref="SpendBudgetPeriod"/>), from an
/// <see cref="ISpendBudgetStore"/>. Every amount is in units of 10⁻¹⁰ US dollars
/// (<see cref="SpendBudgetPeriod.UnitsPerDollar"/>): whole numbers that a store can add atomically.
/// </summary>
/// <remarks>
/// <para>The monitor calls these on the path of every model call inside a budget: an in-process store answers without
/// locks or allocations; a remote one answers from a round trip or a lease it holds.</para>
/// <para>Each reservation has an id, unique in this process for the life of the store (a store shared by processes
/// qualifies it with its own instance). The monitor reserves, then settles or releases, once per reservation, and never
/// reserves again under the id of a reservation it released; a store
/// that may see a repeated request (a retry after a timeout) makes <see cref="Settle"/> and <see cref="Release"/>
/// idempotent by that id.</para>
/// </remarks>
public interface ISpendBudgetCounter
{
    /// <summary>What settled calls cost in the period.</summary>
    long Spent { get; }

    /// <summary>
    /// What settled calls cost plus what calls in flight reserved: the figure a reservation is checked against. When
    /// <see cref="TryReserve"/> refuses, the next read shows why (at least the limit less the units refused).
    /// </summary>
    long Committed { get; }

    /// <summary>Calls settled in the period.</summary>
    long Calls { get; }

    /// <summary>
    /// Reserves <paramref name="units"/> if the committed amount stays within <see cref="SpendBudgetPeriod.LimitUnits"/>.
    /// </summary>
    /// <param name="reservationId">The reservation.</param>
    /// <param name="units">The call's worst case; more than 0.</param>
    /// <returns>
    /// Whether it was reserved. Never <see langword="true"/> when the reservation would take <see cref="Committed"/>
    /// above the limit, whatever else reserves at the same time; <see langword="false"/> too when the store cannot be
    /// reached or cannot tell.
    /// </returns>
    bool TryReserve(long reservationId, long units);

    /// <summary>Gives back a reservation unused: the call was not made or the provider did no work.</summary>
    /// <param name="reservationId">The reservation.</param>
    /// <param name="units">What it reserved.</param>
    void Release(long reservationId, long units);

    /// <summary>
    /// Replaces a reservation by the call's actual cost, which is charged in full, even beyond the reservation or the
    /// limit (the provider has done the work), and counts the call.
    /// </summary>
    /// <param name="reservationId">The reservation.</param>
    /// <param name="reserved">What it reserved; 0 for a call recorded after the fact.</param>
    /// <param name="actual">What the call cost.</param>
    void Settle(long reservationId, long reserved, long actual);

    /// <summary>
    /// Completes when room may have been freed: a reservation was next settled or released. It may complete early (the
    /// caller looks again); it must not miss a settlement made after it was asked for.
    /// </summary>
    /// <returns>The task to wait on.</returns>
    Task WhenFreed();

    /// <summary>
    /// Adds the spend the ledger recorded in this period before the process started. Called once, when the monitor
    /// loads its budgets; a store shared with processes that already counted that spend ignores it.
    /// </summary>
    /// <param name="units">The cost recorded.</param>
    /// <param name="calls">The calls recorded.</param>
    void Seed(long units, long calls);
}
