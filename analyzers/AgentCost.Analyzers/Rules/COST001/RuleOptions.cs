using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AgentCost.Analyzers.Rules;

/// <summary>The <c>.editorconfig</c> options of AgentCost's rules. Every key starts with <c>agentcost.</c>.</summary>
internal static class RuleOptions
{
    /// <summary>Methods that count as model calls, besides the known model APIs: <c>Namespace.Type.Method</c> or <c>Namespace.Type.*</c>, separated by commas.</summary>
    public const string ModelCallMethods = "agentcost.model_call_methods";

    /// <summary>Whether COST001 also reports loops that wait for a person every iteration.</summary>
    public const string IncludeInteractive = "agentcost.COST001.include_interactive";

    private static readonly ConcurrentDictionary<string, MethodList> s_parsed = new(StringComparer.Ordinal);

    public static MethodList GetModelCallMethods(AnalyzerOptions options, SyntaxTree tree)
        => options.AnalyzerConfigOptionsProvider.GetOptions(tree).TryGetValue(ModelCallMethods, out var value) && !string.IsNullOrWhiteSpace(value)
            ? s_parsed.GetOrAdd(value, static v => MethodList.Parse(v))
            : MethodList.Empty;

    public static bool GetBoolean(AnalyzerOptions options, SyntaxTree tree, string key)
        => options.AnalyzerConfigOptionsProvider.GetOptions(tree).TryGetValue(key, out var value)
            && bool.TryParse(value.Trim(), out var result)
            && result;

    /// <summary>Whether any file of the compilation names model-call methods.</summary>
    public static bool AnyModelCallMethods(AnalyzerOptions options, Compilation compilation)
    {
        foreach (var tree in compilation.SyntaxTrees)
        {
            if (!GetModelCallMethods(options, tree).IsEmpty)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>A parsed <c>agentcost.model_call_methods</c> value.</summary>
internal sealed class MethodList
{
    public static readonly MethodList Empty = new(ImmutableDictionary<string, ImmutableHashSet<string>>.Empty, ImmutableHashSet<string>.Empty);

    // Method name -> full names of the types that declare it; and types whose every method counts.
    private readonly ImmutableDictionary<string, ImmutableHashSet<string>> _methods;
    private readonly ImmutableHashSet<string> _wholeTypes;

    private MethodList(ImmutableDictionary<string, ImmutableHashSet<string>> methods, ImmutableHashSet<string> wholeTypes)
    {
        _methods = methods;
        _wholeTypes = wholeTypes;
    }

    public bool IsEmpty => _methods.IsEmpty && _wholeTypes.IsEmpty;

    public static MethodList Parse(string value)
    {
        var methods = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var wholeTypes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in value.Split(new[] { ',', ';' }, StringSplitOptions.RemoveEmptyEntries))
        {
            var entry = raw.Trim();
            if (entry.StartsWith("M:", StringComparison.Ordinal))
            {
                entry = entry.Substring(2);
            }

            var parenthesis = entry.IndexOf('(');
            if (parenthesis >= 0)
            {
                entry = entry.Substring(0, parenthesis);
            }

            var dot = entry.LastIndexOf('.');
            if (dot <= 0 || dot == entry.Length - 1)
            {
                continue;
            }

            var type = entry.Substring(0, dot).Replace("global::", string.Empty);
            var method = entry.Substring(dot + 1);
            if (method == "*")
            {
                wholeTypes.Add(type);
                continue;
            }

            if (!methods.TryGetValue(method, out var types))
            {
                methods.Add(method, types = new HashSet<string>(StringComparer.Ordinal));
            }

            types.Add(type);
        }

        return new MethodList(
            methods.ToImmutableDictionary(p => p.Key, p => p.Value.ToImmutableHashSet(StringComparer.Ordinal), StringComparer.Ordinal),
            wholeTypes.ToImmutableHashSet(StringComparer.Ordinal));
    }

    /// <summary>Whether the method is listed: declared by a listed type or one it derives from or implements, or an extension of one.</summary>
    public bool Contains(IMethodSymbol method)
    {
        if (IsEmpty)
        {
            return false;
        }

        method = method.ReducedFrom ?? method;
        _methods.TryGetValue(method.Name, out var types);
        if (types is null && _wholeTypes.IsEmpty)
        {
            return false;
        }

        if (Matches(method.ContainingType, types))
        {
            return true;
        }

        return method.IsExtensionMethod && method.Parameters.Length > 0 && method.Parameters[0].Type is INamedTypeSymbol extended
            && Matches(extended, types);
    }

    private bool Matches(INamedTypeSymbol? type, ImmutableHashSet<string>? types)
    {
        if (type is null)
        {
            return false;
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            if (Matches(FullName(current.OriginalDefinition), types))
            {
                return true;
            }
        }

        foreach (var @interface in type.AllInterfaces)
        {
            if (Matches(FullName(@interface.OriginalDefinition), types))
            {
                return true;
            }
        }

        return false;
    }

    private bool Matches(string fullName, ImmutableHashSet<string>? types)
    {
        if (types is not null && (types.Contains(fullName) || types.Contains(WithoutArity(fullName))))
        {
            return true;
        }

        return _wholeTypes.Contains(fullName) || _wholeTypes.Contains(WithoutArity(fullName));
    }

    private static string WithoutArity(string name)
    {
        var tick = name.IndexOf('`');
        return tick < 0 ? name : name.Substring(0, tick);
    }

    private static string FullName(INamedTypeSymbol type)
    {
        var name = type.MetadataName;
        if (type.ContainingType is { } containing)
        {
            return FullName(containing) + "." + name;
        }

        var @namespace = type.ContainingNamespace;
        return @namespace is null || @namespace.IsGlobalNamespace ? name : @namespace.ToDisplayString() + "." + name;
    }
}
