using System.Linq;
using AgentCost.Generators.Common;
using AgentCost.Generators.Model;

namespace AgentCost.Generators.Tools;

/// <summary>One <c>[AgentTool]</c> method, with everything its generated tool function needs.</summary>
/// <param name="Type">The type that declares the method.</param>
/// <param name="Method">The method as the runtime's entry points take it.</param>
/// <param name="ToolName">The tool's name, as <c>AIFunctionFactory.Create</c> would name it.</param>
/// <param name="Description">The tool's description; empty for none.</param>
/// <param name="Parameters">One entry per method parameter, in order.</param>
/// <param name="SchemaJson">The complete parameter schema, when every parameter's schema is known at compile time.</param>
/// <param name="ReturnSchema">The result's schema.</param>
/// <param name="FilePath">The declaring file, to order tools.</param>
/// <param name="Position">The declaration's position, to order tools.</param>
internal sealed record ToolMethod(
    ToolTypeKey Type,
    InterceptedMethod Method,
    string ToolName,
    string Description,
    EquatableArray<ToolParameter> Parameters,
    string? SchemaJson,
    ToolSchema? ReturnSchema,
    string FilePath,
    int Position);

/// <summary>The type that declares tools, and the class generated for it.</summary>
/// <param name="Namespace">The namespace, empty for the global namespace.</param>
/// <param name="ClassName">The generated class's name: the type's name (with its containing types') and <c>AgentTools</c>.</param>
/// <param name="TypeName">The type as C# source.</param>
/// <param name="IsPublic">Whether the type is visible outside its assembly; the generated class is as visible.</param>
/// <param name="IsStatic">Whether the type is a static class.</param>
internal sealed record ToolTypeKey(string Namespace, string ClassName, string TypeName, bool IsPublic, bool IsStatic);

/// <summary>All tools of one type, in declaration order.</summary>
internal sealed record ToolType(ToolTypeKey Key, EquatableArray<ToolMethod> Tools, EquatableArray<string> SuppressedDiagnostics)
{
    /// <summary>Whether <c>Create</c> takes an instance: some tool is an instance method.</summary>
    public bool HasInstanceTools => Tools.Any(t => t.Method.Kind == CallKind.Instance);
}

/// <summary>How a parameter of a tool is bound.</summary>
internal enum ToolBinding
{
    /// <summary>From the arguments the model sent, by name.</summary>
    Argument,

    /// <summary>The invocation's cancellation token.</summary>
    CancellationToken,

    /// <summary>The invocation's <c>AIFunctionArguments</c>.</summary>
    Arguments,

    /// <summary>The invocation's services, which may be null (the parameter has a default).</summary>
    OptionalServices,

    /// <summary>The invocation's services, which must be there.</summary>
    RequiredServices,
}

/// <summary>A parameter of a tool.</summary>
/// <param name="Binding">How it is bound.</param>
/// <param name="Name">The parameter's name in C#.</param>
/// <param name="SchemaName">The argument's name in the schema.</param>
/// <param name="ReaderType">The type the reader reads, as C# source without nullable reference annotations.</param>
/// <param name="Reader">The expression that creates the reader.</param>
/// <param name="DefaultValue">The C# expression of the default value; null for a required argument.</param>
/// <param name="Schema">The parameter's schema.</param>
/// <param name="IsRequired">Whether the schema lists the argument as required.</param>
internal sealed record ToolParameter(
    ToolBinding Binding,
    string Name,
    string SchemaName,
    string ReaderType,
    string Reader,
    string? DefaultValue,
    ToolSchema? Schema,
    bool IsRequired);

/// <summary>
/// A schema: JSON written at compile time, or, for types whose JSON contract the serializer options decide (records,
/// classes, dictionaries), what the runtime needs to describe the type as <c>AIFunctionFactory</c> does.
/// </summary>
/// <param name="Json">The schema's JSON text; null for a contract schema.</param>
/// <param name="ContractType">The type whose contract describes it, as C# source.</param>
/// <param name="Description">The description, for a contract schema.</param>
/// <param name="IsNullable">Whether a contract parameter is a nullable reference.</param>
/// <param name="HasDefaultValue">Whether a contract parameter has a (null) default.</param>
internal sealed record ToolSchema(string? Json, string ContractType, string? Description, bool IsNullable, bool HasDefaultValue)
{
    /// <summary>The C# expression of a contract parameter's default value, when it has one.</summary>
    public string? DefaultValue { get; init; }
}
