using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using AgentCost.Generators.Common;
using AgentCost.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AgentCost.Generators;

public sealed partial class InterceptorGenerator
{
    /// <summary>
    /// Turns an invocation into a call site model, or into nothing when the call is not one the generator can
    /// intercept, and gathers the call sites into the model of the generated file. It never reports: the analyzers
    /// explain why an annotated call is not intercepted.
    /// </summary>
    internal static class Parser
    {
        // Source text needs nullable annotations: an interceptor whose signature differs in nullability from the
        // intercepted method draws a warning.
        private static readonly SymbolDisplayFormat s_sourceFormat = SymbolDisplayFormat.FullyQualifiedFormat
            .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

        // The runtime's identity of a method ignores nullable annotations, so that all call sites share one descriptor.
        private static readonly SymbolDisplayFormat s_identityFormat = SymbolDisplayFormat.FullyQualifiedFormat;

        public static CallSite? Parse(GeneratorSyntaxContext context, CancellationToken cancellationToken)
        {
            var invocation = (InvocationExpressionSyntax)context.Node;
            if (GetNameSyntax(invocation.Expression) is not { } name)
            {
                return null;
            }

            var semanticModel = context.SemanticModel;
            if (semanticModel.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol called
                || GetCacheSettings((called.ReducedFrom ?? called).OriginalDefinition) is not { } cache)
            {
                return null;
            }

            // An extension method called as x.M() is modelled as M(x): one interceptor and descriptor for both forms.
            var method = called.ReducedFrom is null ? called : called.GetConstructedReducedFrom();
            if (method is null
                || method.MethodKind != MethodKind.Ordinary
                || invocation.Expression is MemberAccessExpressionSyntax { Expression: BaseExpressionSyntax }
                || semanticModel.GetOperation(invocation, cancellationToken) is not IInvocationOperation operation
                || IsInExpressionTree(operation)
                || !HasInterceptableReceiver(method, operation))
            {
                return null;
            }

            var scan = new SymbolScan(semanticModel.Compilation);
            if (!scan.IsUsable(method))
            {
                return null;
            }

            var model = CreateMethodModel(method, cache, scan);
            if (model is null)
            {
                return null;
            }

            var interceptable = semanticModel.GetInterceptableLocation(invocation, cancellationToken);
            if (interceptable is null)
            {
                return null;
            }

            var filePath = invocation.SyntaxTree.FilePath;
            var position = name.GetLocation().GetLineSpan().StartLinePosition;
            var display = $"{GetFileName(filePath)}({position.Line + 1},{position.Character + 1})";
            return new CallSite(model, new CallLocation(interceptable, filePath, name.SpanStart, display));
        }

        public static InterceptorSet Group(ImmutableArray<CallSite> sites, CancellationToken cancellationToken)
        {
            if (sites.IsEmpty)
            {
                return new InterceptorSet(
                    EquatableArray<InterceptedMethod>.Empty,
                    EquatableArray<Interceptor>.Empty,
                    EquatableArray<string>.Empty);
            }

            // Call sites with equal models share an interceptor; models with equal identities (differing only in
            // nullable annotations) share a descriptor.
            var locationsByMethod = new Dictionary<InterceptedMethod, List<CallLocation>>();
            foreach (var site in sites)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!locationsByMethod.TryGetValue(site.Method, out var locations))
                {
                    locationsByMethod.Add(site.Method, locations = new List<CallLocation>());
                }

                locations.Add(site.Location);
            }

            var interceptors = locationsByMethod
                .Select(pair => (Method: pair.Key, Locations: pair.Value.OrderBy(l => l, CallLocationComparer.Instance).ToList()))
                .OrderBy(entry => entry.Method.Identity, StringComparer.Ordinal)
                .ThenBy(entry => entry.Locations[0], CallLocationComparer.Instance)
                .ToList();

            var descriptors = new List<InterceptedMethod>();
            var descriptorIndexes = new Dictionary<string, int>(StringComparer.Ordinal);
            var result = ImmutableArray.CreateBuilder<Interceptor>(interceptors.Count);
            foreach (var (method, locations) in interceptors)
            {
                if (!descriptorIndexes.TryGetValue(method.Identity, out var index))
                {
                    index = descriptors.Count;
                    descriptorIndexes.Add(method.Identity, index);
                    descriptors.Add(method);
                }

                result.Add(new Interceptor(index, method, locations.ToEquatableArray()));
            }

            var suppressed = locationsByMethod.Keys
                .SelectMany(method => method.SuppressedDiagnostics)
                .Distinct()
                .OrderBy(id => id, StringComparer.Ordinal);

            return new InterceptorSet(
                descriptors.ToEquatableArray(),
                result.ToImmutable().ToEquatableArray(),
                suppressed.ToEquatableArray());
        }

        private static SimpleNameSyntax? GetNameSyntax(ExpressionSyntax expression) => expression switch
        {
            MemberAccessExpressionSyntax memberAccess => memberAccess.Name,
            MemberBindingExpressionSyntax memberBinding => memberBinding.Name,
            SimpleNameSyntax simpleName => simpleName,
            _ => null,
        };

        private static CacheSettings? GetCacheSettings(IMethodSymbol method)
        {
            var attribute = method.GetAttributes().FirstOrDefault(a => IsAgentCostType(a.AttributeClass, "CachedAttribute"));
            if (attribute is null)
            {
                return null;
            }

            int ttlSeconds = 0, version = 0;
            foreach (var argument in attribute.NamedArguments)
            {
                switch (argument.Key)
                {
                    case "TtlSeconds" when argument.Value.Value is int value:
                        ttlSeconds = value;
                        break;
                    case "Version" when argument.Value.Value is int value:
                        version = value;
                        break;
                }
            }

            // A negative TTL fails the descriptor's constructor, and with it every interceptor of the file.
            return ttlSeconds < 0 ? null : new CacheSettings(ttlSeconds, version);
        }

        // Expression trees are not lowered through interceptors: the call would stay a call to the method itself.
        private static bool IsInExpressionTree(IOperation operation)
        {
            for (var current = operation.Parent; current is not null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation { Parent: IConversionOperation { Type: { } type } }
                    && IsExpressionTreeType(type))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsExpressionTreeType(ITypeSymbol type)
        {
            for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
            {
                if (current.Name == "LambdaExpression" && IsNamespace(current.ContainingNamespace, "System.Linq.Expressions"))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool HasInterceptableReceiver(IMethodSymbol method, IInvocationOperation operation)
        {
            var containingType = method.ContainingType;
            if (method.IsStatic)
            {
                // A static abstract or virtual interface member is only callable through a type parameter.
                return !method.IsAbstract && !method.IsVirtual
                    && containingType.TypeKind is TypeKind.Class or TypeKind.Struct or TypeKind.Interface;
            }

            // A value-type receiver would be copied into the interceptor, losing mutations and identity; a
            // type-parameter receiver may be one.
            return containingType.TypeKind is TypeKind.Class or TypeKind.Interface
                && operation.Instance?.Type is { IsValueType: false, TypeKind: not TypeKind.TypeParameter };
        }

        private static InterceptedMethod? CreateMethodModel(IMethodSymbol method, CacheSettings cache, SymbolScan scan)
        {
            if (!TryGetReturnKind(method.ReturnType, out var returnKind))
            {
                return null;
            }

            var parameters = ImmutableArray.CreateBuilder<ParameterModel>(method.Parameters.Length);
            foreach (var parameter in method.Parameters)
            {
                var isCancellationToken = IsType(parameter.Type, "System.Threading", "CancellationToken");
                var attributes = parameter.GetAttributes();
                parameters.Add(new ParameterModel(
                    parameter.Name,
                    parameter.Type.ToDisplayString(s_sourceFormat),
                    ToIdentity(parameter.Type),
                    IsCacheKey: !isCancellationToken && !attributes.Any(a => IsAgentCostType(a.AttributeClass, "NotCacheKeyAttribute")),
                    isCancellationToken,
                    DisallowsNull: attributes.Any(a => IsNullableAttribute(a, "DisallowNullAttribute"))));
            }

            var name = method.Name;
            var typeArguments = string.Empty;
            if (method.IsGenericMethod)
            {
                name += "<" + string.Join(", ", method.TypeArguments.Select(ToIdentity)) + ">";
                typeArguments = "<" + string.Join(", ", method.TypeArguments.Select(t => t.ToDisplayString(s_sourceFormat))) + ">";
            }

            var kind = method.IsExtensionMethod ? CallKind.Extension : method.IsStatic ? CallKind.Static : CallKind.Instance;
            return new InterceptedMethod(
                ToIdentity(method.ContainingType),
                name,
                method.ContainingType.ToDisplayString(s_sourceFormat),
                Identifiers.Escape(method.Name),
                typeArguments,
                kind,
                returnKind,
                method.ReturnType.ToDisplayString(s_sourceFormat),
                MayReturnNull(method, returnKind),
                parameters.MoveToImmutable().ToEquatableArray(),
                cache,
                scan.SuppressedDiagnostics.OrderBy(id => id, StringComparer.Ordinal).ToEquatableArray());
        }

        // Only a result that can be stored is cached: T, Task<T> and ValueTask<T>. A non-generic task has no
        // result, a ValueTask can be awaited once, and an async stream is consumed lazily.
        private static bool TryGetReturnKind(ITypeSymbol type, out ReturnKind kind)
        {
            kind = ReturnKind.Value;
            if (type is not INamedTypeSymbol named)
            {
                return true;
            }

            if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
            {
                return !IsTaskLike(named.TypeArguments[0]);
            }

            if (IsNamespace(named.ContainingNamespace, "System.Threading.Tasks") && named.Arity == 1 && named.ContainingType is null)
            {
                switch (named.Name)
                {
                    case "Task":
                        kind = ReturnKind.Task;
                        return true;
                    case "ValueTask":
                        kind = ReturnKind.ValueTask;
                        return true;
                }
            }

            return !IsTaskLike(named)
                && !(named.Arity == 1
                    && named.Name is "IAsyncEnumerable" or "IAsyncEnumerator"
                    && IsNamespace(named.ContainingNamespace, "System.Collections.Generic"));
        }

        // Whether the method may return null where its return type says it does not, or may return a null task.
        private static bool MayReturnNull(IMethodSymbol method, ReturnKind returnKind) => returnKind switch
        {
            ReturnKind.ValueTask => false,
            ReturnKind.Task when method.ReturnType.NullableAnnotation == NullableAnnotation.Annotated => true,
            _ => method.GetReturnTypeAttributes().Any(a => IsNullableAttribute(a, "MaybeNullAttribute")),
        };

        // Task, ValueTask, either generic form and any type derived from Task.
        private static bool IsTaskLike(ITypeSymbol type)
        {
            for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
            {
                if (current.Name is "Task" or "ValueTask"
                    && current.ContainingType is null
                    && IsNamespace(current.ContainingNamespace, "System.Threading.Tasks"))
                {
                    return true;
                }
            }

            return false;
        }

        private static string ToIdentity(ITypeSymbol type) => type.ToDisplayString(s_identityFormat).Replace("global::", string.Empty);

        private static string GetFileName(string path) => path.Substring(path.LastIndexOfAny(['/', '\\']) + 1);

        private static bool IsNullableAttribute(AttributeData attribute, string name)
            => attribute.AttributeClass is { } type && IsType(type, "System.Diagnostics.CodeAnalysis", name);

        private static bool IsAgentCostType(INamedTypeSymbol? type, string name)
            => type is not null && type.Name == name && IsNamespace(type.ContainingNamespace, "AgentCost");

        private static bool IsType(ITypeSymbol type, string @namespace, string name)
            => type is INamedTypeSymbol { Arity: 0, ContainingType: null } named
                && named.Name == name
                && IsNamespace(named.ContainingNamespace, @namespace);

        // Compares from the innermost namespace outwards without building display strings.
        private static bool IsNamespace(INamespaceSymbol? symbol, string name)
        {
            var end = name.Length;
            while (symbol is { IsGlobalNamespace: false })
            {
                var start = name.LastIndexOf('.', end - 1) + 1;
                if (end - start != symbol.Name.Length || string.CompareOrdinal(name, start, symbol.Name, 0, end - start) != 0)
                {
                    return false;
                }

                symbol = symbol.ContainingNamespace;
                end = start - 1;
                if (end < 0)
                {
                    return symbol is { IsGlobalNamespace: true };
                }
            }

            return false;
        }

        private sealed class CallLocationComparer : IComparer<CallLocation>
        {
            public static readonly CallLocationComparer Instance = new();

            public int Compare(CallLocation? x, CallLocation? y)
            {
                var byPath = string.CompareOrdinal(x!.FilePath, y!.FilePath);
                return byPath != 0 ? byPath : x.Position.CompareTo(y.Position);
            }
        }

        /// <summary>
        /// Checks that generated code in another file of the compilation can name a method and every type of its
        /// signature, and collects the obsolete and experimental diagnostics that naming them reports.
        /// </summary>
        private sealed class SymbolScan(Compilation compilation)
        {
            private readonly HashSet<ISymbol> _scanned = new(SymbolEqualityComparer.Default);

            public HashSet<string> SuppressedDiagnostics { get; } = new(StringComparer.Ordinal);

            public bool IsUsable(IMethodSymbol method)
            {
                if (method.IsVararg || method.ReturnsByRef || method.ReturnsByRefReadonly || method.ReturnsVoid
                    || !compilation.IsSymbolAccessibleWithin(method, compilation.Assembly)
                    || !IsUsable(method.ContainingType)
                    || !IsUsable(method.ReturnType)
                    || !ScanAttributes(method.OriginalDefinition))
                {
                    return false;
                }

                foreach (var typeArgument in method.TypeArguments)
                {
                    if (!IsUsable(typeArgument))
                    {
                        return false;
                    }
                }

                foreach (var parameter in method.Parameters)
                {
                    if (parameter.RefKind != RefKind.None || !IsUsable(parameter.Type))
                    {
                        return false;
                    }
                }

                return true;
            }

            private bool IsUsable(ITypeSymbol type) => type switch
            {
                IArrayTypeSymbol array => IsUsable(array.ElementType),
                INamedTypeSymbol named => IsUsable(named),
                // Type parameters, dynamic, pointers, function pointers and error types cannot be named here or
                // cannot be packed into a tuple.
                _ => false,
            };

            private bool IsUsable(INamedTypeSymbol type)
            {
                if (type.TypeKind == TypeKind.Error
                    || type.IsAnonymousType
                    || type.IsFileLocal
                    || type.IsRefLikeType
                    || type.IsUnboundGenericType
                    || !compilation.IsSymbolAccessibleWithin(type, compilation.Assembly)
                    || !ScanAttributes(type.OriginalDefinition))
                {
                    return false;
                }

                if (type.ContainingType is { } containingType && !IsUsable(containingType))
                {
                    return false;
                }

                foreach (var typeArgument in type.TypeArguments)
                {
                    if (!IsUsable(typeArgument))
                    {
                        return false;
                    }
                }

                return true;
            }

            // Generated code that names an obsolete or experimental API draws the same diagnostic as the user's
            // call did, in a file the user cannot annotate: the emitter suppresses those diagnostics.
            private bool ScanAttributes(ISymbol symbol)
            {
                if (!_scanned.Add(symbol))
                {
                    return true;
                }

                foreach (var attribute in symbol.GetAttributes())
                {
                    var type = attribute.AttributeClass;
                    if (type is null)
                    {
                        continue;
                    }

                    if (IsType(type, "System", "ObsoleteAttribute"))
                    {
                        var arguments = attribute.ConstructorArguments;
                        if (arguments.Length == 2 && arguments[1].Value is true)
                        {
                            return false;
                        }

                        var diagnosticId = attribute.NamedArguments.FirstOrDefault(a => a.Key == "DiagnosticId").Value.Value as string;
                        if (!Suppress(diagnosticId ?? (arguments.Length == 0 ? "CS0612" : "CS0618")))
                        {
                            return false;
                        }
                    }
                    else if (IsType(type, "System.Diagnostics.CodeAnalysis", "ExperimentalAttribute")
                        && !Suppress(attribute.ConstructorArguments.FirstOrDefault().Value as string))
                    {
                        return false;
                    }
                }

                // An experimental assembly or module makes every API in it experimental.
                return symbol is not (INamedTypeSymbol or IMethodSymbol)
                    || ((symbol.ContainingModule is not { } module || ScanAttributes(module))
                        && (symbol.ContainingAssembly is not { } assembly || ScanAttributes(assembly)));
            }

            private bool Suppress(string? diagnosticId)
            {
                // A diagnostic id that a pragma cannot name cannot be suppressed.
                if (diagnosticId is null || !SyntaxFacts.IsValidIdentifier(diagnosticId))
                {
                    return false;
                }

                SuppressedDiagnostics.Add(diagnosticId);
                return true;
            }
        }
    }
}
