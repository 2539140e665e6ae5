using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using AgentCost.CodeAnalysis;
using AgentCost.Generators.Common;
using AgentCost.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using static AgentCost.CodeAnalysis.Symbols;
using static AgentCost.Generators.Common.PolicyReader;

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
            // The shared rules decide what is skipped, so that COST007 and COST008 report exactly these calls.
            var method = called.ReducedFrom is null ? called : called.GetConstructedReducedFrom();
            if (method is null
                || semanticModel.GetOperation(invocation, cancellationToken) is not IInvocationOperation operation
                || Interceptability.GetCallSiteProblem(operation).Exists)
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
                || Interceptability.IsInExpressionTree(operation)
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
                || Interceptability.GetReceiverProblem(method, reference.Instance).Exists)
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

        internal static InterceptedMethod? CreateMethodModel(IMethodSymbol method, Policies policies, SymbolScan scan)
        {
            // Only a result that can be stored is cached: T, Task<T> and ValueTask<T>. A non-generic task has no
            // result, a ValueTask can be awaited once, and an async stream is consumed lazily. Other policies also
            // apply to methods without a result.
            if (!ReturnKinds.TryGetReturnKind(method.ReturnType, method.ReturnsVoid, out var returnKind, out var resultType)
                || ((policies.Cache is not null || policies.SemanticCache is not null) && !returnKind.HasResult()))
            {
                return null;
            }

            // A semantic method's prompt is matched by embedding, not as part of the exact key.
            var semanticPrompt = policies.SemanticCache?.PromptParameter ?? -1;
            var parameters = ImmutableArray.CreateBuilder<ParameterModel>(method.Parameters.Length);
            foreach (var parameter in method.Parameters)
            {
                var isCancellationToken = IsType(parameter.Type, "System.Threading", "CancellationToken");
                var attributes = parameter.GetAttributes();
                parameters.Add(new ParameterModel(
                    parameter.Name,
                    parameter.Type.ToDisplayString(s_sourceFormat),
                    ToIdentity(parameter.Type),
                    IsCacheKey: !isCancellationToken
                        && parameter.Ordinal != semanticPrompt
                        && !attributes.Any(a => IsAgentCostType(a.AttributeClass, "NotCacheKeyAttribute")),
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
                policies.SemanticCache,
                scan.SuppressedDiagnostics.OrderBy(id => id, StringComparer.Ordinal).ToEquatableArray());
        }

        // Whether the method may return null where its return type says it does not, or may return a null task.
        private static bool MayReturnNull(IMethodSymbol method, ReturnKind returnKind) => returnKind switch
        {
            ReturnKind.ValueTask or ReturnKind.ValueTaskVoid or ReturnKind.Void => false,
            ReturnKind.Task or ReturnKind.TaskVoid when method.ReturnType.NullableAnnotation == NullableAnnotation.Annotated => true,
            _ => method.GetReturnTypeAttributes().Any(a => IsNullableAttribute(a, "MaybeNullAttribute")),
        };

        internal static string ToIdentity(ITypeSymbol type) => type.ToDisplayString(s_identityFormat).Replace("global::", string.Empty);

        private static string GetFileName(string path) => path.Substring(path.LastIndexOfAny(['/', '\\']) + 1);

        private static bool IsNullableAttribute(AttributeData attribute, string name)
            => attribute.AttributeClass is { } type && IsType(type, "System.Diagnostics.CodeAnalysis", name);

        private sealed class CallLocationComparer : IComparer<CallLocation>
        {
            public static readonly CallLocationComparer Instance = new();

            public int Compare(CallLocation? x, CallLocation? y)
            {
                var byPath = string.CompareOrdinal(x!.FilePath, y!.FilePath);
                return byPath != 0 ? byPath : x.Position.CompareTo(y.Position);
            }
        }
    }
}
