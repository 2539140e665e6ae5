using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AgentCost.Analyzers.Common;

/// <summary>
/// Decides whether a loop has a bound of its own: a counter it steps and compares with a limit, a token-budget check,
/// or a collection it drains, in its condition or in a test that leaves the loop (<c>break</c>, <c>return</c>,
/// <c>throw</c>, a failing <c>catch</c> filter, a <c>ThrowIf…</c> guard).
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

    private readonly ILoopOperation _loop;
    private readonly HashSet<ISymbol> _counters = new(SymbolEqualityComparer.Default);
    private readonly HashSet<ISymbol> _drained = new(SymbolEqualityComparer.Default);

    private LoopBounds(ILoopOperation loop)
    {
        _loop = loop;
        var taken = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        var put = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
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
                        && Names.IsType(method.ContainingType, "System.Threading", "Interlocked")
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
                    }

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
                case ICatchClauseOperation { Filter: { } filter } when IsBoundTest(filter):
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
                return IsBoundTest(condition);
        }
    }

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
                        && (clause.ExceptionType.SpecialType == SpecialType.System_Object || Names.IsType(clause.ExceptionType, "System", "Exception")))
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
