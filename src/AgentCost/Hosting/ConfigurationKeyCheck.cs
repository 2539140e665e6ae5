using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using AgentCost.Caching;
using AgentCost.Routing;
using AgentCost.Spending;
using AgentCost.Tokens;
using Microsoft.Extensions.Configuration;

namespace AgentCost.Hosting;

/// <summary>
/// Walks the <c>AgentCost</c> configuration section against the settings types and reports every key the binder would
/// silently ignore — <c>Spending:Budgets:Global:Dialy</c> leaves spend uncapped — with its full path and the key it
/// most likely meant. Keys of dictionary-valued sections (model ids, tenants, methods, tiers) are free; what is below
/// them is checked.
/// </summary>
internal static class ConfigurationKeyCheck
{
    // Sections that another package reads once it is registered; named in the failure when it is not.
    private static readonly Dictionary<string, string> s_readByPackages = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Ledger"] = "it is read by services.AddAgentCostSqliteLedger() (package AgentCost.Sqlite), which was not called",
    };

    /// <summary>Adds a failure for every key under <paramref name="section"/> that no setting reads.</summary>
    /// <param name="section">The <c>AgentCost</c> section.</param>
    /// <param name="extensions">Sections other packages registered under it.</param>
    /// <param name="failures">Where failures are added.</param>
    public static void Check(IConfiguration section, IEnumerable<AgentCostSectionRegistration> extensions, List<string> failures)
    {
        var root = (ObjectShape)ShapeOf(typeof(AgentCostOptions));
        foreach (var extension in extensions)
        {
            root = root.With(extension.Path.Split(':', StringSplitOptions.RemoveEmptyEntries), ShapeOf(extension.OptionsType));
        }

        WalkMembers(AgentCostConfiguration.PathOf(section), section, root, failures, atRoot: true);
    }

    private static void Walk(IConfigurationSection section, Shape shape, List<string> failures)
    {
        switch (shape)
        {
            case ValueShape:
                foreach (var child in section.GetChildren())
                {
                    failures.Add($"{child.Path} is not an AgentCost setting: {section.Path} is a single value and has no keys below it.");
                }

                return;
            case DictionaryShape dictionary:
                CheckNoValueOnSection(section, failures);
                foreach (var child in section.GetChildren())
                {
                    Walk(child, dictionary.Value, failures);
                }

                return;
            case ListShape list:
                CheckNoValueOnSection(section, failures);
                foreach (var child in section.GetChildren())
                {
                    if (int.TryParse(child.Key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
                    {
                        Walk(child, list.Item, failures);
                    }
                    else
                    {
                        failures.Add($"{child.Path} is not an AgentCost setting: {section.Path} is a list, whose keys are 0, 1, 2, ...");
                    }
                }

                return;
            case ObjectShape obj:
                CheckNoValueOnSection(section, failures);
                WalkMembers(section.Path, section, obj, failures, atRoot: false);
                return;
        }
    }

    private static void WalkMembers(string path, IConfiguration section, ObjectShape shape, List<string> failures, bool atRoot)
    {
        foreach (var child in section.GetChildren())
        {
            if (shape.Members.TryGetValue(child.Key, out var member))
            {
                Walk(child, member, failures);
            }
            else
            {
                failures.Add(Unknown(path, child, shape, atRoot));
            }
        }
    }

    private static string Unknown(string parentPath, IConfigurationSection child, ObjectShape shape, bool atRoot)
    {
        var message = $"{child.Path} is not an AgentCost setting, so it would be ignored";
        if (atRoot && s_readByPackages.TryGetValue(child.Key, out var readBy))
        {
            return $"{message}: {readBy}.";
        }

        return Suggest(child.Key, shape.Members.Keys) is { } suggestion
            ? $"{message}. Did you mean {parentPath}:{suggestion}?"
            : $"{message}. The keys of {parentPath} are: {string.Join(", ", shape.Members.Keys.Order(StringComparer.Ordinal))}.";
    }

    private static void CheckNoValueOnSection(IConfigurationSection section, List<string> failures)
    {
        if (!string.IsNullOrEmpty(section.Value))
        {
            failures.Add($"{section.Path} is a section, not a value: the value '{section.Value}' set on it would be ignored; set the keys below it.");
        }
    }

    /// <summary>The known key nearest to <paramref name="key"/>, when it is near enough to be a typo of it.</summary>
    internal static string? Suggest(string key, IEnumerable<string> known)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            var distance = Distance(key.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        // One edit in a short key, about a third of a long one: closer than two real keys are to each other.
        return best is not null && bestDistance <= Math.Max(1, best.Length / 3) ? best : null;
    }

    // Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours each cost one.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    // The settings types are kept whole under trimming so that their properties can be read here.
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(AgentCostOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(ResultCacheOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(TokenOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(PricingOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(ModelPrice))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(LongContextPrice))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(SpendingOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(SpendBudgetOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(SpendLimit))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(RoutingOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(ModelTierOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(ModelDeploymentOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(HeuristicClassifierOptions))]
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "The settings types are kept by the DynamicDependency attributes above; an extension's type is annotated where it is registered.")]
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "As above: property types are settings types or collections of them.")]
    private static Shape ShapeOf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
            || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Guid) || type == typeof(Uri))
        {
            return ValueShape.Instance;
        }

        if (type.IsArray)
        {
            return new ListShape(ShapeOf(type.GetElementType()!));
        }

        if (type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type))
        {
            var arguments = type.GetGenericArguments();
            return arguments.Length == 2
                ? new DictionaryShape(ShapeOf(arguments[1]))
                : new ListShape(ShapeOf(arguments[0]));
        }

        var members = new Dictionary<string, Shape>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            // The binder sets writable properties and fills read-only collections.
            if (property.GetIndexParameters().Length == 0 && (property.CanWrite || typeof(IEnumerable).IsAssignableFrom(property.PropertyType)))
            {
                members[property.Name] = ShapeOf(property.PropertyType);
            }
        }

        return new ObjectShape(members);
    }

    private abstract class Shape;

    private sealed class ValueShape : Shape
    {
        public static ValueShape Instance { get; } = new();
    }

    private sealed class DictionaryShape(Shape value) : Shape
    {
        public Shape Value { get; } = value;
    }

    private sealed class ListShape(Shape item) : Shape
    {
        public Shape Item { get; } = item;
    }

    private sealed class ObjectShape(Dictionary<string, Shape> members) : Shape
    {
        public Dictionary<string, Shape> Members { get; } = members;

        /// <summary>A copy with <paramref name="shape"/> at <paramref name="path"/>, creating the sections on the way.</summary>
        public ObjectShape With(ReadOnlySpan<string> path, Shape shape)
        {
            var members = new Dictionary<string, Shape>(Members, StringComparer.OrdinalIgnoreCase);
            if (path.Length == 1)
            {
                members[path[0]] = shape;
            }
            else if (path.Length > 1)
            {
                var inner = members.TryGetValue(path[0], out var existing) && existing is ObjectShape section ? section : new ObjectShape(new(StringComparer.OrdinalIgnoreCase));
                members[path[0]] = inner.With(path[1..], shape);
            }

            return new ObjectShape(members);
        }
    }
}
