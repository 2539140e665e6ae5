using System.Collections.Concurrent;

namespace AgentCost.Spending;

/// <summary>
/// The spend budgets of <c>AgentCost:Spending:Budgets</c> — global, per model, per tenant and per method, each daily
/// and monthly — and which of them apply to a call.
/// </summary>
internal sealed class SpendBudgetSet
{
    private readonly SpendCalendar _calendar;
    private readonly ISpendBudgetStore _store;
    private readonly TimeProvider _time;
    private readonly decimal[] _thresholds;
    private readonly SpendBudget[] _global;
    private readonly ScopedBudgets _models;
    private readonly ScopedBudgets _tenants;
    private readonly ScopedBudgets _methods;
    private SpendBaseline? _baseline;

    // The budgets of the last model, method and tenant seen together: a flow makes call after call with the same ones.
    private Combination? _last;

    public SpendBudgetSet(SpendBudgetOptions? options, SpendCalendar calendar, ISpendBudgetStore store, TimeProvider time, decimal[] thresholds)
    {
        _calendar = calendar;
        _store = store;
        _time = time;
        _thresholds = thresholds;
        options ??= new SpendBudgetOptions();
        _global = Create(SpendScope.Global, null, options.Global, time.GetUtcNow());
        _models = new ScopedBudgets(this, SpendScope.Model, options.Models, StringComparer.OrdinalIgnoreCase);
        _tenants = new ScopedBudgets(this, SpendScope.Tenant, options.Tenants, StringComparer.Ordinal);
        _methods = new ScopedBudgets(this, SpendScope.Method, options.Methods, StringComparer.Ordinal);
        IsConfigured = _global.Length > 0 || _models.IsConfigured || _tenants.IsConfigured || _methods.IsConfigured;
    }

    /// <summary>Whether any spend budget is configured.</summary>
    public bool IsConfigured { get; }

    /// <summary>Every budget made so far: the configured ones and those <c>*</c> entries have made.</summary>
    public IEnumerable<SpendBudget> All => _global.Concat(_models.All).Concat(_tenants.All).Concat(_methods.All);

    /// <summary>The budgets a call of <paramref name="modelId"/> in <paramref name="method"/> for <paramref name="tenant"/> is charged to.</summary>
    public SpendBudget[] Applicable(string? modelId, string? method, string? tenant)
    {
        if (!IsConfigured)
        {
            return [];
        }

        var last = Volatile.Read(ref _last);
        if (last is not null && ReferenceEquals(last.Model, modelId) && ReferenceEquals(last.Method, method) && ReferenceEquals(last.Tenant, tenant))
        {
            return last.Budgets;
        }

        var model = modelId is null ? [] : _models.For(modelId);
        var byTenant = tenant is null ? [] : _tenants.For(tenant);
        var byMethod = method is null ? [] : _methods.For(method);
        if (model.Length + byTenant.Length + byMethod.Length == 0)
        {
            return _global;
        }

        SpendBudget[] budgets = [.. _global, .. model, .. byTenant, .. byMethod];
        Volatile.Write(ref _last, new Combination(modelId, method, tenant, budgets));
        return budgets;
    }

    /// <summary>Seeds every budget with what the ledger held when the monitor started, and those made later too.</summary>
    public void Seed(SpendBaseline baseline)
    {
        Volatile.Write(ref _baseline, baseline);
        foreach (var budget in All)
        {
            baseline.Seed(budget);
        }
    }

    private SpendBudget[] Create(SpendScope scope, string? key, SpendLimit? limit, DateTimeOffset now)
    {
        if (limit is null)
        {
            return [];
        }

        var budgets = new List<SpendBudget>(2);
        foreach (var period in (ReadOnlySpan<SpendPeriod>)[SpendPeriod.Day, SpendPeriod.Month])
        {
            if (limit.For(period) is { } amount)
            {
                var budget = new SpendBudget(scope, key, period, amount, _calendar, _store, now, _thresholds);
                Volatile.Read(ref _baseline)?.Seed(budget);
                budgets.Add(budget);
            }
        }

        return [.. budgets];
    }

    private sealed record Combination(string? Model, string? Method, string? Tenant, SpendBudget[] Budgets);

    /// <summary>The budgets of one scope: configured keys, and a budget per key for a <c>*</c> entry, made on first use.</summary>
    private sealed class ScopedBudgets
    {
        private readonly SpendBudgetSet _set;
        private readonly SpendScope _scope;
        private readonly Dictionary<string, SpendLimit> _limits;
        private readonly SpendLimit? _default;
        private readonly ConcurrentDictionary<string, SpendBudget[]> _budgets;

        public ScopedBudgets(SpendBudgetSet set, SpendScope scope, Dictionary<string, SpendLimit>? limits, StringComparer comparer)
        {
            _set = set;
            _scope = scope;
            _limits = new Dictionary<string, SpendLimit>(comparer);
            foreach (var (key, limit) in limits ?? [])
            {
                if (limit is not null && (limit.Daily is not null || limit.Monthly is not null))
                {
                    if (key == "*")
                    {
                        _default = limit;
                    }
                    else
                    {
                        _limits[key] = limit;
                    }
                }
            }

            _budgets = new ConcurrentDictionary<string, SpendBudget[]>(comparer);
            var now = set._time.GetUtcNow();
            foreach (var (key, limit) in _limits)
            {
                _budgets[key] = set.Create(scope, key, limit, now);
            }
        }

        public bool IsConfigured => _limits.Count > 0 || _default is not null;

        public IEnumerable<SpendBudget> All => _budgets.Values.SelectMany(static budgets => budgets);

        public SpendBudget[] For(string key)
        {
            if (!IsConfigured)
            {
                return [];
            }

            if (_budgets.TryGetValue(key, out var budgets))
            {
                return budgets;
            }

            if (_default is null)
            {
                return [];
            }

            return _budgets.GetOrAdd(key, static (key, self) => self._set.Create(self._scope, key, self._default, self._set._time.GetUtcNow()), this);
        }
    }
}
