using AgentCost.Generators.Common;

namespace AgentCost.Generators.Model;

/// <summary>Everything the generated file holds, in the order it is written.</summary>
/// <param name="Descriptors">One method per descriptor, ordered by identity.</param>
/// <param name="Interceptors">The interceptors, ordered by descriptor and then by first call site.</param>
/// <param name="SuppressedDiagnostics">The union of the methods' suppressed diagnostics, ordered.</param>
internal sealed record InterceptorSet(
    EquatableArray<InterceptedMethod> Descriptors,
    EquatableArray<Interceptor> Interceptors,
    EquatableArray<string> SuppressedDiagnostics)
{
    public bool IsEmpty => Interceptors.IsEmpty;
}

/// <summary>One interceptor method and the call sites it replaces.</summary>
/// <param name="DescriptorIndex">The index of the method's descriptor in <see cref="InterceptorSet.Descriptors"/>.</param>
/// <param name="Method">The intercepted method, as the interceptor's signature needs it.</param>
/// <param name="Kind">Whether the interceptor replaces calls of the method or tool factory calls given it.</param>
/// <param name="Locations">The call sites, ordered by file and position.</param>
internal sealed record Interceptor(int DescriptorIndex, InterceptedMethod Method, InterceptionKind Kind, EquatableArray<CallLocation> Locations);
