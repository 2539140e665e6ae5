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
            if (semanticModel.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol called)
            {
                return null;
            }

            if (GetPolicies((called.ReducedFrom ?? called).OriginalDefinition) is not { } policies)
            {
                // A method group of an annotated method handed to AIFunctionFactory.Create is a call site too: the
                // factory's function is invoked by reflection, where no call of the method exists to intercept.
                return name.Identifier.ValueText == "Create" && GetToolFactoryKind(called) is { } factoryKind
                    ? ParseToolFactory(invocation, name, factoryKind, semanticModel, cancellationToken)
                    : null;
            }

            // An extension method called as x.M() is modelled as M(x): one interceptor and descriptor for both forms.
            var method = called.ReducedFrom is null ? called : called.GetConstructedReducedFrom();
            if (method is null
                || method.MethodKind != MethodKind.Ordinary
                || invocation.Expression is MemberAccessExpressionSyntax { Expression: BaseExpressionSyntax }
                || semanticModel.GetOperation(invocation, cancellationToken) is not IInvocationOperation operation
                || IsInExpressionTree(operation)
                || !HasInterceptableReceiver(method, operation.Instance))
            {
                return null;
            }

            return CreateCallSite(invocation, name, method, policies, InterceptionKind.Call, semanticModel, cancellationToken);
        }

        // AIFunctionFactory.Create(Delegate, string?, string?, JsonSerializerOptions?) or Create(Delegate, AIFunctionFactoryOptions?).
        private static InterceptionKind? GetToolFactoryKind(IMethodSymbol called)
        {
            if (!called.IsStatic
                || called.ContainingType is not { Name: "AIFunctionFactory" } factory
                || !IsNamespace(factory.ContainingNamespace, "Microsoft.Extensions.AI")
                || called.Parameters.Length == 0
                || !IsType(called.Parameters[0].Type, "System", "Delegate"))
            {
                return null;
            }

            var parameters = called.Parameters;
            if (parameters.Length == 4
                && parameters[1].Type.SpecialType == SpecialType.System_String
                && parameters[2].Type.SpecialType == SpecialType.System_String
                && IsType(parameters[3].Type, "System.Text.Json", "JsonSerializerOptions"))
            {
                return InterceptionKind.ToolFactory;
            }

            return parameters.Length == 2 && IsType(parameters[1].Type, "Microsoft.Extensions.AI", "AIFunctionFactoryOptions")
                ? InterceptionKind.ToolFactoryWithOptions
                : null;
        }

        private static CallSite? ParseToolFactory(
            InvocationExpressionSyntax invocation,
            SimpleNameSyntax name,
            InterceptionKind kind,
            SemanticModel semanticModel,
            CancellationToken cancellationToken)
        {
            if (semanticModel.GetOperation(invocation, cancellationToken) is not IInvocationOperation operation
                || IsInExpressionTree(operation)
                || operation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0) is not { } argument)
            {
                return null;
            }

            // The method group, possibly converted to Delegate: tools.SearchAsync, Tools.Add, new Func<...>(tools.M).
            var value = argument.Value;
            while (value is IConversionOperation { IsImplicit: true } or IConversionOperation { Operand: IDelegateCreationOperation })
            {
                value = ((IConversionOperation)value).Operand;
            }

            if (value is not IDelegateCreationOperation { Target: IMethodReferenceOperation reference })
            {
                return null;
            }

            // A lambda that forwards to the method is not handled here: its call is an ordinary call site. An extension
            // method group binds its receiver as the delegate's target, which the factory does not model; a base.M group
            // binds non-virtually, which generated code cannot.
            var method = reference.Method;
            if (method.MethodKind != MethodKind.Ordinary
                || method.IsExtensionMethod
                || method.ReducedFrom is not null
                || reference.Instance?.Syntax is BaseExpressionSyntax
                || (method.IsStatic ? reference.Instance is not null : reference.Instance is null)
                || GetPolicies(method.OriginalDefinition) is not { } policies
                || !HasInterceptableReceiver(method, reference.Instance))
            {
                return null;
            }

            return CreateCallSite(invocation, name, method, policies, kind, semanticModel, cancellationToken);
        }

        private static CallSite? CreateCallSite(
            InvocationExpressionSyntax invocation,
            SimpleNameSyntax name,
            IMethodSymbol method,
            Policies policies,
            InterceptionKind kind,
            SemanticModel semanticModel,
            CancellationToken cancellationToken)
        {
            var scan = new SymbolScan(semanticModel.Compilation);
            if (!scan.IsUsable(method))
            {
                return null;
            }

            var model = CreateMethodModel(method, policies, scan);
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
            return new CallSite(model, kind, new CallLocation(interceptable, filePath, name.SpanStart, display));
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
            var locationsByMethod = new Dictionary<(InterceptedMethod Method, InterceptionKind Kind), List<CallLocation>>();
            foreach (var site in sites)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!locationsByMethod.TryGetValue((site.Method, site.Kind), out var locations))
                {
                    locationsByMethod.Add((site.Method, site.Kind), locations = new List<CallLocation>());
                }

                locations.Add(site.Location);
            }

            var interceptors = locationsByMethod
                .Select(pair => (pair.Key.Method, pair.Key.Kind, Locations: pair.Value.OrderBy(l => l, CallLocationComparer.Instance).ToList()))
                .OrderBy(entry => entry.Method.Identity, StringComparer.Ordinal)
                .ThenBy(entry => entry.Locations[0], CallLocationComparer.Instance)
                .ToList();

            var descriptors = new List<InterceptedMethod>();
            var descriptorIndexes = new Dictionary<string, int>(StringComparer.Ordinal);
            var result = ImmutableArray.CreateBuilder<Interceptor>(interceptors.Count);
            foreach (var (method, kind, locations) in interceptors)
            {
                if (!descriptorIndexes.TryGetValue(method.Identity, out var index))
                {
                    index = descriptors.Count;
                    descriptorIndexes.Add(method.Identity, index);
                    descriptors.Add(method);
                }

                result.Add(new Interceptor(index, method, kind, locations.ToEquatableArray()));
            }

            var suppressed = locationsByMethod.Keys
                .SelectMany(key => key.Method.SuppressedDiagnostics)
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

        /// <summary>The AgentCost policies a method's attributes set, or null when it has none (or an invalid one).</summary>
        internal static Policies? GetPolicies(IMethodSymbol method)
        {
            CacheSettings? cache = null;
            BudgetSettings? budget = null;
            TaskSettings? task = null;
            RouteSettings? route = null;
            foreach (var attribute in method.GetAttributes())
            {
                if (IsAgentCostType(attribute.AttributeClass, "CachedAttribute"))
                {
                    cache = GetCacheSettings(attribute);
                    if (cache is null)
                    {
                        return null;
                    }
                }
                else if (IsAgentCostType(attribute.AttributeClass, "TokenBudgetAttribute"))
                {
                    budget = GetBudgetSettings(attribute);
                    if (budget is null)
                    {
                        return null;
                    }
                }
                else if (IsAgentCostType(attribute.AttributeClass, "AgentTaskAttribute"))
                {
                    var name = attribute.ConstructorArguments.FirstOrDefault().Value as string
                        ?? attribute.NamedArguments.FirstOrDefault(a => a.Key == "Name").Value.Value as string;
                    task = new TaskSettings(name);
                }
                else if (IsAgentCostType(attribute.AttributeClass, "RouteModelAttribute"))
                {
                    route = GetRouteSettings(attribute, method);
                }
            }

            return cache is null && budget is null && task is null && route is null ? null : new Policies(cache, budget, task, route);
        }

        private static RouteSettings GetRouteSettings(AttributeData attribute, IMethodSymbol method)
        {
            string? tier = null, minTier = null, maxTier = null;
            foreach (var argument in attribute.NamedArguments)
            {
                switch (argument.Key)
                {
                    case "Tier":
                        tier = argument.Value.Value as string;
                        break;
                    case "MinTier":
                        minTier = argument.Value.Value as string;
                        break;
                    case "MaxTier":
                        maxTier = argument.Value.Value as string;
                        break;
                }
            }

            return new RouteSettings(tier, minTier, maxTier, GetPromptParameter(method));
        }

        // The parameter marked [Prompt], else the only parameter of a prompt type; -1 when there is none or the choice is
        // ambiguous (an analyzer reports that as an error): the route then classifies the first model call's messages.
        internal static int GetPromptParameter(IMethodSymbol method)
        {
            int marked = -1, markedCount = 0, candidate = -1, candidates = 0;
            for (var i = 0; i < method.Parameters.Length; i++)
            {
                var parameter = method.Parameters[i];
                var isPrompt = IsPromptType(parameter.Type);
                if (parameter.GetAttributes().Any(a => IsAgentCostType(a.AttributeClass, "PromptAttribute")))
                {
                    markedCount++;
                    marked = isPrompt ? i : -1;
                }

                if (isPrompt)
                {
                    candidates++;
                    candidate = i;
                }
            }

            return markedCount switch
            {
                1 => marked,
                0 when candidates == 1 => candidate,
                _ => -1,
            };
        }

        // string, or a type that is or implements IEnumerable<Microsoft.Extensions.AI.ChatMessage>.
        internal static bool IsPromptType(ITypeSymbol type)
        {
            if (type.SpecialType == SpecialType.System_String)
            {
                return true;
            }

            if (IsChatMessageSequence(type))
            {
                return true;
            }

            foreach (var implemented in type.AllInterfaces)
            {
                if (IsChatMessageSequence(implemented))
                {
                    return true;
                }
            }

            return false;

            static bool IsChatMessageSequence(ITypeSymbol candidate)
                => candidate is INamedTypeSymbol { Name: "IEnumerable", Arity: 1, ContainingType: null } named
                    && IsNamespace(named.ContainingNamespace, "System.Collections.Generic")
                    && IsType(named.TypeArguments[0], "Microsoft.Extensions.AI", "ChatMessage");
        }

        private static CacheSettings? GetCacheSettings(AttributeData attribute)
        {
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

        // Invalid values are reported by the runtime when the scope opens, naming the method; broken code yields nothing.
        private static BudgetSettings? GetBudgetSettings(AttributeData attribute)
        {
            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not int total)
            {
                return null;
            }

            int? reserve = null, minStep = null, overflow = null;
            foreach (var argument in attribute.NamedArguments)
            {
                switch (argument.Key)
                {
                    case "FinalAnswerReserve" when argument.Value.Value is int value:
                        reserve = value;
                        break;
                    case "MinStepTokens" when argument.Value.Value is int value:
                        minStep = value;
                        break;
                    case "OverflowPolicy" when argument.Value.Value is int value:
                        overflow = value;
                        break;
                }
            }

            return new BudgetSettings(total, reserve, minStep, overflow);
        }

        // Expression trees are not lowered through interceptors: the call would stay a call to the method itself.
        internal static bool IsInExpressionTree(IOperation operation)
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

        private static bool HasInterceptableReceiver(IMethodSymbol method, IOperation? instance)
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
                && instance?.Type is { IsValueType: false, TypeKind: not TypeKind.TypeParameter };
        }

        internal static InterceptedMethod? CreateMethodModel(IMethodSymbol method, Policies policies, SymbolScan scan)
        {
            // Only a result that can be stored is cached: T, Task<T> and ValueTask<T>. A non-generic task has no
            // result, a ValueTask can be awaited once, and an async stream is consumed lazily. Other policies also
            // apply to methods without a result.
            if (!TryGetReturnKind(method.ReturnType, method.ReturnsVoid, out var returnKind, out var resultType)
                || (policies.Cache is not null && !returnKind.HasResult()))
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
                method.ReturnsVoid ? "void" : method.ReturnType.ToDisplayString(s_sourceFormat),
                resultType?.ToDisplayString(s_sourceFormat) ?? string.Empty,
                MayReturnNull(method, returnKind),
                parameters.MoveToImmutable().ToEquatableArray(),
                policies.Cache,
                policies.Budget,
                policies.Task,
                policies.Route,
                scan.SuppressedDiagnostics.OrderBy(id => id, StringComparer.Ordinal).ToEquatableArray());
        }

        internal static bool TryGetReturnKind(ITypeSymbol type, bool returnsVoid, out ReturnKind kind, out ITypeSymbol? resultType)
        {
            kind = ReturnKind.Value;
            resultType = type;
            if (returnsVoid)
            {
                kind = ReturnKind.Void;
                resultType = null;
                return true;
            }

            if (type is not INamedTypeSymbol named)
            {
                return true;
            }

            if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
            {
                return !IsTaskLike(named.TypeArguments[0]);
            }

            if (IsNamespace(named.ContainingNamespace, "System.Threading.Tasks") && named.ContainingType is null && named.Arity <= 1)
            {
                switch (named.Name)
                {
                    case "Task":
                        kind = named.Arity == 1 ? ReturnKind.Task : ReturnKind.TaskVoid;
                        resultType = named.Arity == 1 ? named.TypeArguments[0] : null;
                        return true;
                    case "ValueTask":
                        kind = named.Arity == 1 ? ReturnKind.ValueTask : ReturnKind.ValueTaskVoid;
                        resultType = named.Arity == 1 ? named.TypeArguments[0] : null;
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
            ReturnKind.ValueTask or ReturnKind.ValueTaskVoid or ReturnKind.Void => false,
            ReturnKind.Task or ReturnKind.TaskVoid when method.ReturnType.NullableAnnotation == NullableAnnotation.Annotated => true,
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

        internal static string ToIdentity(ITypeSymbol type) => type.ToDisplayString(s_identityFormat).Replace("global::", string.Empty);

        private static string GetFileName(string path) => path.Substring(path.LastIndexOfAny(['/', '\\']) + 1);

        private static bool IsNullableAttribute(AttributeData attribute, string name)
            => attribute.AttributeClass is { } type && IsType(type, "System.Diagnostics.CodeAnalysis", name);

        internal static bool IsAgentCostType(INamedTypeSymbol? type, string name)
            => type is not null && type.Name == name && IsNamespace(type.ContainingNamespace, "AgentCost");

        internal static bool IsType(ITypeSymbol type, string @namespace, string name)
            => type is INamedTypeSymbol { Arity: 0, ContainingType: null } named
                && named.Name == name
                && IsNamespace(named.ContainingNamespace, @namespace);

        // Compares from the innermost namespace outwards without building display strings.
        internal static bool IsNamespace(INamespaceSymbol? symbol, string name)
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
        internal sealed class SymbolScan(Compilation compilation)
        {
            private readonly HashSet<ISymbol> _scanned = new(SymbolEqualityComparer.Default);

            public HashSet<string> SuppressedDiagnostics { get; } = new(StringComparer.Ordinal);

            public bool IsUsable(IMethodSymbol method)
            {
                if (method.IsVararg || method.ReturnsByRef || method.ReturnsByRefReadonly
                    || !compilation.IsSymbolAccessibleWithin(method, compilation.Assembly)
                    || !IsUsable(method.ContainingType)
                    || (!method.ReturnsVoid && !IsUsable(method.ReturnType))
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
