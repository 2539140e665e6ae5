using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using AgentCost.Analyzers.Common;
using AgentCost.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AgentCost.Analyzers.Rules;

/// <summary>
/// Decides whether a loop has a bound of its own: a counter it steps and compares with a limit, a token-budget check,
/// a collection it drains, or the size of a collection it only grows compared with a limit that growth reaches, in its
/// condition or in a test that leaves the loop (<c>break</c>, <c>return</c>, <c>throw</c>, a failing <c>catch</c>
/// filter, a <c>ThrowIf…</c> guard).
/// </summary>
internal sealed class LoopBounds
{
    private static readonly ImmutableHashSet<string> s_budgetMembers =
        ImmutableHashSet.Create(StringComparer.Ordinal, "CanContinue", "Remaining", "AvailableForNextStep");

    private static readonly ImmutableHashSet<string> s_takeMethods = ImmutableHashSet.Create(
        StringComparer.Ordinal, "Dequeue", "TryDequeue", "Pop", "TryPop", "Take", "TryTake", "Remove", "RemoveAt", "RemoveFirst", "RemoveLast", "Clear");

    private static readonly ImmutableHashSet<string> s_putMethods = ImmutableHashSet.Create(
        StringComparer.Ordinal, "Enqueue", "TryEnqueue", "Push", "Add", "TryAdd", "AddRange", "Insert", "InsertRange", "AddFirst", "AddLast", "Post", "TryWrite", "WriteAsync");

    private static readonly ImmutableHashSet<string> s_drainTests = ImmutableHashSet.Create(
        StringComparer.Ordinal, "Count", "Length", "IsEmpty", "Any", "TryDequeue", "TryPop", "TryTake");

    // Calls that make a mutable collection longer every time (TryAdd may not; a set's Add may not either).
    private static readonly ImmutableHashSet<string> s_growMethods = ImmutableHashSet.Create(
        StringComparer.Ordinal, "Add", "AddRange", "Insert", "InsertRange", "Enqueue", "Push", "AddFirst", "AddLast", "AddMessages");

    // Calls that can make a collection shorter, besides every method whose name starts with Remove.
    private static readonly ImmutableHashSet<string> s_shrinkMethods = ImmutableHashSet.Create(
        StringComparer.Ordinal, "Clear", "Dequeue", "TryDequeue", "Pop", "TryPop", "Take", "TryTake", "TrimToSize", "SetCount");

    // Calls that return a longer copy of their receiver: x = x.Append(item), x = x.Add(item) on an immutable list.
    private static readonly ImmutableHashSet<string> s_appendMethods = ImmutableHashSet.Create(
        StringComparer.Ordinal, "Append", "Prepend", "Concat", "Add", "AddRange", "Insert", "InsertRange", "Enqueue", "Push");

    // Calls that copy a sequence into a collection of the same length.
    private static readonly ImmutableHashSet<string> s_copyMethods = ImmutableHashSet.Create(
        StringComparer.Ordinal, "ToList", "ToArray", "ToImmutableList", "ToImmutableArray", "AsEnumerable");

    private readonly ILoopOperation _loop;
    private readonly HashSet<ISymbol> _counters = new(SymbolEqualityComparer.Default);
    private readonly HashSet<ISymbol> _drained = new(SymbolEqualityComparer.Default);
    private readonly HashSet<ISymbol> _grown = new(SymbolEqualityComparer.Default);

    // What the loop assigns, passes by reference or shrinks, anywhere in it (lambdas included).
    private readonly HashSet<ISymbol> _changed = new(SymbolEqualityComparer.Default);

    private LoopBounds(ILoopOperation loop)
    {
        _loop = loop;
        var taken = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        var put = new HashSet<ISymbol>(SymbolEqualityComparer.Default);

        var grown = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        var changed = _changed;
        foreach (var operation in loop.Descendants())
        {
            switch (operation)
            {
                case IIncrementOrDecrementOperation step:
                    AddCounter(step.Target);
                    break;
                case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } compound
                    when IsNumeric(compound.Target.Type):
                    AddCounter(compound.Target);
                    break;
                case ISimpleAssignmentOperation { Value: IBinaryOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } sum } assignment
                    when IsNumeric(assignment.Target.Type)
                        && OperationTree.ReferencedSymbol(assignment.Target) is { } target
                        && (SymbolEqualityComparer.Default.Equals(OperationTree.ReferencedSymbol(sum.LeftOperand), target)
                            || SymbolEqualityComparer.Default.Equals(OperationTree.ReferencedSymbol(sum.RightOperand), target)):
                    _counters.Add(target);
                    break;
                case IInvocationOperation invocation:
                    var method = invocation.TargetMethod;
                    if (method.Name is "Increment" or "Decrement" or "Add"
                        && Symbols.IsTypeOfAnyArity(method.ContainingType, "System.Threading", "Interlocked")
                        && invocation.Arguments.Length > 0)
                    {
                        AddCounter(invocation.Arguments[0].Value);
                    }
                    else if (Receiver(invocation) is { } receiver)
                    {
                        if (s_takeMethods.Contains(method.Name))
                        {
                            taken.Add(receiver);
                        }
                        else if (s_putMethods.Contains(method.Name))
                        {
                            put.Add(receiver);
                        }

                        // LINQ's Take and an immutable list's Add return a copy and leave the receiver as it was.
                        if ((s_shrinkMethods.Contains(method.Name) || method.Name.StartsWith("Remove", StringComparison.Ordinal)) && !ReturnsCopy(invocation))
                        {
                            changed.Add(receiver);
                        }
                        else if (s_growMethods.Contains(method.Name) && !ReturnsCopy(invocation) && !IsInFunction(invocation))
                        {
                            grown.Add(receiver);
                        }
                    }

                    break;

                // x = x.Append(item).ToList() grows x; any other assignment replaces it.
                case ISimpleAssignmentOperation assignment when OperationTree.ReferencedSymbol(assignment.Target) is { } target:
                    if (IsAppendOf(assignment.Value, target) && !IsInFunction(assignment))
                    {
                        grown.Add(target);
                    }
                    else
                    {
                        changed.Add(target);
                    }

                    break;
                case ICompoundAssignmentOperation or ICoalesceAssignmentOperation:
                    if (OperationTree.ReferencedSymbol(((IAssignmentOperation)operation).Target) is { } assigned)
                    {
                        changed.Add(assigned);
                    }

                    break;
                case IDeconstructionAssignmentOperation deconstruction:
                    foreach (var element in OperationTree.SelfAndDescendantsInBody(deconstruction.Target))
                    {
                        if (OperationTree.ReferencedSymbol(element) is { } deconstructed)
                        {
                            changed.Add(deconstructed);
                        }
                    }

                    break;

                // Passed by ref or out: the callee may replace it.
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument
                    when OperationTree.ReferencedSymbol(argument.Value) is { } passed:
                    changed.Add(passed);
                    break;
            }
        }

        foreach (var symbol in taken)
        {
            if (!put.Contains(symbol))
            {
                _drained.Add(symbol);
            }
        }

        // A collection declared in the body starts empty every iteration.
        foreach (var symbol in grown)
        {
            if (!changed.Contains(symbol) && IsGrowableCollection(symbol) && !IsDeclaredInLoop(symbol))
            {
                _grown.Add(symbol);
            }
        }
    }

    /// <summary>Whether the loop has a bound of its own.</summary>
    public static bool IsBounded(ILoopOperation loop) => new LoopBounds(loop).IsBounded();

    private bool IsBounded()
    {
        var condition = _loop switch
        {
            IWhileLoopOperation { ConditionIsUntil: false } whileLoop => whileLoop.Condition,
            IForLoopOperation forLoop => forLoop.Condition,
            _ => null,
        };

        // The loop goes on while its condition holds: it ends when the condition is false.
        if (condition is not null && ExitsWhen(condition, whenTrue: false))
        {
            return true;
        }

        foreach (var operation in OperationTree.SelfAndDescendantsInBody(_loop.Body))
        {
            switch (operation)
            {
                case IConditionalOperation conditional:
                    if ((ContainsExit(conditional.WhenTrue) && ExitsWhen(conditional.Condition, whenTrue: true))
                        || (conditional.WhenFalse is { } whenFalse && ContainsExit(whenFalse) && ExitsWhen(conditional.Condition, whenTrue: false)))
                    {
                        return true;
                    }

                    break;

                // A retry filter: when it fails, the exception leaves the loop.
                case ICatchClauseOperation { Filter: { } filter } when IsBoundTest(filter) || ExitsWhen(filter, whenTrue: false):
                    return true;

                // ArgumentOutOfRangeException.ThrowIfGreaterThan(step, maxSteps) and the like.
                case IInvocationOperation invocation when invocation.TargetMethod.Name.StartsWith("ThrowIf", StringComparison.Ordinal):
                    foreach (var argument in invocation.Arguments)
                    {
                        if (IsCounter(argument.Value) || IsBoundTest(argument.Value))
                        {
                            return true;
                        }
                    }

                    if (IsGrowthGuard(invocation))
                    {
                        return true;
                    }

                    break;
            }
        }

        return false;
    }

    // Whether the condition is sure to become `whenTrue` because of a bound.
    private bool ExitsWhen(IOperation condition, bool whenTrue)
    {
        condition = OperationTree.Unwrap(condition);
        switch (condition)
        {
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } negation:
                return ExitsWhen(negation.Operand, !whenTrue);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.And } conjunction when IsBoolean(conjunction):
                return whenTrue
                    ? ExitsWhen(conjunction.LeftOperand, true) && ExitsWhen(conjunction.RightOperand, true)
                    : ExitsWhen(conjunction.LeftOperand, false) || ExitsWhen(conjunction.RightOperand, false);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr or BinaryOperatorKind.Or } disjunction when IsBoolean(disjunction):
                return whenTrue
                    ? ExitsWhen(disjunction.LeftOperand, true) || ExitsWhen(disjunction.RightOperand, true)
                    : ExitsWhen(disjunction.LeftOperand, false) && ExitsWhen(disjunction.RightOperand, false);
            default:
                return IsBoundTest(condition) || (_grown.Count > 0 && GrowthMakes(condition) == whenTrue);
        }
    }

    // What a comparison of a grown collection's size with a limit becomes as the collection grows, and stays:
    // messages.Count < 50 becomes false, messages.Count >= 50 true; null for anything else. Equality is not a bound: a
    // collection that grows by more than one item a step can pass the limit without ever equalling it.
    private bool? GrowthMakes(IOperation condition)
    {
        switch (condition)
        {
            case IBinaryOperation { OperatorMethod: null } binary when IsRelational(binary.OperatorKind):
                if (IsGrownSize(binary.LeftOperand, out var left) && IsLimit(binary.RightOperand, left))
                {
                    return binary.OperatorKind is BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual;
                }

                if (IsGrownSize(binary.RightOperand, out var right) && IsLimit(binary.LeftOperand, right))
                {
                    return binary.OperatorKind is BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual;
                }

                return null;
            case IIsPatternOperation pattern when IsGrownSize(pattern.Value, out var size):
                return GrowthMakes(pattern.Pattern, size);
            default:
                return null;
        }
    }

    // messages.Count is >= 50, is not < 50.
    private bool? GrowthMakes(IPatternOperation pattern, ISymbol size) => pattern switch
    {
        IRelationalPatternOperation relational when IsRelational(relational.OperatorKind) && IsLimit(relational.Value, size)
            => (bool?)(relational.OperatorKind is BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual),
        INegatedPatternOperation negated => GrowthMakes(negated.Pattern, size) is { } value ? !value : null,
        _ => null,
    };

    // ArgumentOutOfRangeException.ThrowIfGreaterThan(messages.Count, 50), ThrowIfLessThan(50, messages.Count).
    private bool IsGrowthGuard(IInvocationOperation invocation)
    {
        // The value, the other, and the caller's argument expression.
        if (_grown.Count == 0 || invocation.Arguments.Length < 2)
        {
            return false;
        }

        IOperation? value = null, other = null;
        foreach (var argument in invocation.Arguments)
        {
            switch (argument.Parameter?.Ordinal)
            {
                case 0:
                    value = argument.Value;
                    break;
                case 1:
                    other = argument.Value;
                    break;
            }
        }

        if (value is null || other is null)
        {
            return false;
        }

        switch (invocation.TargetMethod.Name)
        {
            case "ThrowIfGreaterThan" or "ThrowIfGreaterThanOrEqual":
                return IsGrownSize(value, out var measured) && IsLimit(other, measured);
            case "ThrowIfLessThan" or "ThrowIfLessThanOrEqual":
                return IsGrownSize(other, out var compared) && IsLimit(value, compared);
            default:
                return false;
        }
    }

    // x.Count, x.Length or x.Count() (no predicate) of a collection the loop only grows.
    private bool IsGrownSize(IOperation operand, out ISymbol symbol)
    {
        symbol = null!;
        var instance = OperationTree.Unwrap(operand) switch
        {
            IPropertyReferenceOperation { Property.Name: "Count" or "Length" or "LongLength", Arguments.IsEmpty: true } property => property.Instance,
            IInvocationOperation { TargetMethod.Name: "Count" or "LongCount" } invocation
                when invocation.Instance is null && invocation.TargetMethod.IsExtensionMethod && invocation.Arguments.Length == 1
                => invocation.Arguments[0].Value,
            IInvocationOperation { TargetMethod.Name: "Count" or "LongCount", Arguments.IsEmpty: true } invocation => invocation.Instance,
            _ => null,
        };
        if (OperationTree.ReferencedSymbol(instance) is { } collection && _grown.Contains(collection))
        {
            symbol = collection;
            return true;
        }

        return false;
    }

    // A limit that growth reaches: nothing in it is the collection, or anything else the loop changes or declares.
    private bool IsLimit(IOperation limit, ISymbol collection)
    {
        foreach (var operation in OperationTree.SelfAndDescendantsInBody(limit))
        {
            if (OperationTree.ReferencedSymbol(operation) is { } symbol
                && (SymbolEqualityComparer.Default.Equals(symbol, collection) || _grown.Contains(symbol) || _counters.Contains(symbol)
                    || _changed.Contains(symbol) || IsDeclaredInLoop(symbol)))
            {
                return false;
            }
        }

        return true;
    }

    // A local declared in the loop (not in a for loop's initializer, which runs once).
    private bool IsDeclaredInLoop(ISymbol symbol)
    {
        if (symbol is not ILocalSymbol local)
        {
            return false;
        }

        var loopSyntax = _loop.Syntax;
        foreach (var reference in local.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree != loopSyntax.SyntaxTree || !loopSyntax.Span.Contains(reference.Span))
            {
                continue;
            }

            if (_loop is IForLoopOperation forLoop)
            {
                foreach (var before in forLoop.Before)
                {
                    if (before.Syntax.Span.Contains(reference.Span))
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        return false;
    }

    // Whether the operation runs in a lambda or local function of the loop, which may never run.
    private bool IsInFunction(IOperation operation)
    {
        for (var parent = operation.Parent; parent is not null && parent != _loop; parent = parent.Parent)
        {
            if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return true;
            }
        }

        return false;
    }

    // x.Append(item), x.Add(item) (immutable), x.Concat(more), optionally copied (.ToList(), .ToArray()), or [.. x, item].
    private static bool IsAppendOf(IOperation value, ISymbol target)
    {
        value = OperationTree.Unwrap(value);
        if (value is ICollectionExpressionOperation collection)
        {
            var spread = false;
            foreach (var element in collection.Elements)
            {
                if (element is ISpreadOperation { Operand: var operand } && SymbolEqualityComparer.Default.Equals(OperationTree.ReferencedSymbol(operand), target))
                {
                    spread = true;
                }
            }

            return spread && collection.Elements.Length > 1;
        }

        while (value is IInvocationOperation copy && s_copyMethods.Contains(copy.TargetMethod.Name) && CallReceiver(copy) is { } copied)
        {
            value = OperationTree.Unwrap(copied);
        }

        return value is IInvocationOperation append
            && s_appendMethods.Contains(append.TargetMethod.Name)
            && SymbolEqualityComparer.Default.Equals(OperationTree.ReferencedSymbol(CallReceiver(append)), target);
    }

    // Whether the call returns its receiver's kind of collection (LINQ's Take, an immutable list's Add): a new one.
    private static bool ReturnsCopy(IInvocationOperation invocation)
    {
        var returned = invocation.TargetMethod.ReturnType;
        if (invocation.TargetMethod.ReturnsVoid || CallReceiver(invocation) is not { } receiver || OperationTree.Unwrap(receiver).Type is not { } type)
        {
            return false;
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, returned))
            {
                return true;
            }
        }

        foreach (var @interface in type.AllInterfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(@interface, returned))
            {
                return true;
            }
        }

        return false;
    }

    // A local, parameter or field holding an array or a collection, not a string, and not a set (whose Add may add nothing).
    private static bool IsGrowableCollection(ISymbol symbol)
    {
        var type = symbol switch
        {
            ILocalSymbol local => local.Type,
            IParameterSymbol parameter => parameter.Type,
            IFieldSymbol field => field.Type,
            _ => null,
        };
        if (type is null || type.SpecialType == SpecialType.System_String)
        {
            return false;
        }

        if (type is IArrayTypeSymbol)
        {
            return true;
        }

        if (!IsEnumerable(type))
        {
            return false;
        }

        foreach (var @interface in type.AllInterfaces)
        {
            if (IsSet(@interface))
            {
                return false;
            }
        }

        return !IsSet(type);
    }

    private static bool IsSet(ITypeSymbol type)
        => Symbols.IsTypeOfAnyArity(type, "System.Collections.Generic", "ISet") || Symbols.IsTypeOfAnyArity(type, "System.Collections.Generic", "IReadOnlySet")
            || Symbols.IsTypeOfAnyArity(type, "System.Collections.Immutable", "IImmutableSet");

    private static bool IsEnumerable(ITypeSymbol type)
    {
        if (type is IArrayTypeSymbol || type.SpecialType is SpecialType.System_Collections_IEnumerable or SpecialType.System_Collections_Generic_IEnumerable_T
            || type.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)
        {
            return true;
        }

        foreach (var @interface in type.AllInterfaces)
        {
            if (@interface.SpecialType == SpecialType.System_Collections_IEnumerable)
            {
                return true;
            }
        }

        return false;
    }

    private static IOperation? CallReceiver(IInvocationOperation invocation)
        => invocation.Instance ?? (invocation.TargetMethod.IsExtensionMethod && invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null);

    // A comparison of a counter, a token-budget check, or a test of a collection the loop drains.
    private bool IsBoundTest(IOperation test)
    {
        foreach (var operation in OperationTree.SelfAndDescendantsInBody(test))
        {
            switch (operation)
            {
                case IBinaryOperation binary when IsComparison(binary.OperatorKind)
                    && (IsCounter(binary.LeftOperand) || IsCounter(binary.RightOperand)):
                    return true;
                case IIsPatternOperation pattern when IsCounter(pattern.Value):
                    return true;
                case IPropertyReferenceOperation property when s_budgetMembers.Contains(property.Property.Name)
                    || (s_drainTests.Contains(property.Property.Name) && IsDrained(property.Instance)):
                    return true;
                case IInvocationOperation invocation when s_budgetMembers.Contains(invocation.TargetMethod.Name)
                    || (s_drainTests.Contains(invocation.TargetMethod.Name) && Receiver(invocation) is { } receiver && _drained.Contains(receiver)):
                    return true;
                case IFieldReferenceOperation field when s_budgetMembers.Contains(field.Field.Name):
                    return true;
            }
        }

        return false;
    }

    private bool IsCounter(IOperation operand)
    {
        operand = OperationTree.Unwrap(operand);
        if (operand is IIncrementOrDecrementOperation step)
        {
            operand = step.Target;
        }

        return OperationTree.ReferencedSymbol(operand) is { } symbol && _counters.Contains(symbol);
    }

    private bool IsDrained(IOperation? instance) => OperationTree.ReferencedSymbol(instance) is { } symbol && _drained.Contains(symbol);

    // Whether running the operation can leave the loop: a break out of it, a return, or a throw nothing in the loop catches.
    private bool ContainsExit(IOperation operation)
    {
        foreach (var descendant in OperationTree.SelfAndDescendantsInBody(operation))
        {
            switch (descendant)
            {
                case IBranchOperation { BranchKind: BranchKind.Break } branch
                    when SymbolEqualityComparer.Default.Equals(branch.Target, _loop.ExitLabel):
                    return true;
                case IReturnOperation { Kind: OperationKind.Return or OperationKind.YieldBreak }:
                    return true;
                case IThrowOperation when !IsCaughtInLoop(descendant):
                    return true;
            }
        }

        return false;
    }

    // A throw inside a try of the loop whose catch takes every exception does not leave the loop.
    private bool IsCaughtInLoop(IOperation operation)
    {
        var child = operation;
        for (var parent = operation.Parent; parent is not null && parent != _loop; child = parent, parent = parent.Parent)
        {
            if (parent is ITryOperation tryOperation && tryOperation.Body == child)
            {
                foreach (var clause in tryOperation.Catches)
                {
                    if (clause.Filter is null
                        && (clause.ExceptionType.SpecialType == SpecialType.System_Object || Symbols.IsTypeOfAnyArity(clause.ExceptionType, "System", "Exception")))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private void AddCounter(IOperation target)
    {
        if (OperationTree.ReferencedSymbol(target) is { } symbol)
        {
            _counters.Add(symbol);
        }
    }

    private static ISymbol? Receiver(IInvocationOperation invocation)
        => invocation.Instance is { } instance
            ? OperationTree.ReferencedSymbol(instance)
            : invocation.TargetMethod.IsExtensionMethod && invocation.Arguments.Length > 0
                ? OperationTree.ReferencedSymbol(invocation.Arguments[0].Value)
                : null;

    private static bool IsRelational(BinaryOperatorKind kind) => kind is BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual
        or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual;

    private static bool IsComparison(BinaryOperatorKind kind) => kind is BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual
        or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual or BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals;

    private static bool IsBoolean(IOperation operation) => operation.Type?.SpecialType == SpecialType.System_Boolean;

    private static bool IsNumeric(ITypeSymbol? type)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
        }

        return type?.SpecialType is SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16
            or SpecialType.System_UInt16 or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64
            or SpecialType.System_UInt64 or SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Decimal
            or SpecialType.System_IntPtr or SpecialType.System_UIntPtr;
    }
}
