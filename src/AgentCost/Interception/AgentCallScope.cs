using AgentCost.Budgets;
using AgentCost.Hosting;
using AgentCost.Routing;

namespace AgentCost.Interception;

/// <summary>
/// The set-up every entry point of <see cref="AgentMethodInvoker"/> makes around one call: the method's token budget,
/// task and model route (those it has), opened in that order and closed in reverse; the runtime they and the cache
/// use, looked up once here; and the method context, entered only around the method's own run.
/// </summary>
/// <remarks>
/// A call with neither scopes nor cache never gets here: the entry points run it in the method context alone.
/// </remarks>
internal readonly struct AgentCallScope
{
    private readonly TokenBudgetScope? _budget;
    private readonly AgentTask? _task;
    private readonly ModelRouteScope? _route;

    private AgentCallScope(AgentCostRuntime? runtime, TokenBudgetScope? budget, AgentTask? task, ModelRouteScope? route)
    {
        Runtime = runtime;
        _budget = budget;
        _task = task;
        _route = route;
    }

    /// <summary>
    /// The runtime in effect when the call began, or <see langword="null"/> when the method has no budget, task or
    /// cache that would need one.
    /// </summary>
    public AgentCostRuntime? Runtime { get; }

    /// <summary>Opens the method's scopes for one call.</summary>
    /// <param name="method">The method.</param>
    /// <param name="args">The packed arguments: a route reads its prompt there.</param>
    public static AgentCallScope Open<TArgs>(AgentMethod method, TArgs args)
    {
        var runtime = RuntimeFor(method);
        var budget = method.Budget is { } policy ? TokenBudget.Begin(method.DisplayName, policy, runtime!.Tokenizers) : null;
        var task = method.TaskName is { } name ? AgentTask.Begin(name, runtime!.Spending) : null;
        var route = method.Route is { } routePolicy ? ModelRouting.Begin(method.DisplayName, routePolicy.Route, routePolicy.GetPrompt(args)) : null;
        return new AgentCallScope(runtime, budget, task, route);
    }

    /// <summary>
    /// The runtime a call of <paramref name="method"/> uses, looked up once per call, or <see langword="null"/> when
    /// nothing of the call needs one (no budget, task or cache).
    /// </summary>
    public static AgentCostRuntime? RuntimeFor(AgentMethod method)
        => method.Budget is not null || method.TaskName is not null || method.IsCached ? AgentCostRuntime.Current : null;

    /// <summary>Makes <paramref name="method"/> the current agent method until disposed: its model calls are charged to it.</summary>
    /// <remarks>
    /// Entered only around the run of the method, which keeps it across its own awaits; the caller's method is restored
    /// as soon as the run returns. A cache hit runs nothing and pays nothing for it.
    /// </remarks>
    public static AgentMethodScope EnterMethod(AgentMethod method) => new(method, AgentCallContext.Enter(method));

    /// <summary>Marks the call's task, if any, succeeded.</summary>
    public void Succeed() => _task?.Succeed();

    /// <summary>
    /// Ends the task and closes the route and the budget, for a synchronous method. It waits for the ledger as an awaited
    /// one does, so that a report taken after it returns has its task; only a ledger that stores in the background makes it block.
    /// </summary>
    public void Close()
    {
        try
        {
            if (_task is not null)
            {
                var pending = _task.EndAsync();
                if (!pending.IsCompletedSuccessfully)
                {
                    pending.AsTask().GetAwaiter().GetResult();
                }
            }
        }
        finally
        {
            CloseRouteAndBudget();
        }
    }

    /// <summary>Ends the task and closes the route and the budget, once the method's task has completed.</summary>
    public ValueTask CloseAsync()
    {
        if (_task is null)
        {
            CloseRouteAndBudget();
            return ValueTask.CompletedTask;
        }

        return EndTaskAndCloseAsync(this);

        static async ValueTask EndTaskAndCloseAsync(AgentCallScope scope)
        {
            try
            {
                await scope._task!.EndAsync().ConfigureAwait(false);
            }
            finally
            {
                scope.CloseRouteAndBudget();
            }
        }
    }

    private void CloseRouteAndBudget()
    {
        _route?.Dispose();
        _budget?.Dispose();
    }
}
