using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using AgentCost.CodeAnalysis;
using AgentCost.Generators.Common;
using AgentCost.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Emitter = AgentCost.Generators.InterceptorGenerator.Emitter;
using Parser = AgentCost.Generators.InterceptorGenerator.Parser;

namespace AgentCost.Generators.Tools;

/// <summary>
/// Turns an <c>[AgentTool]</c> method into the model of its generated tool function: the name, description and JSON
/// schema <c>AIFunctionFactory.Create</c> would give it, written at compile time, and a reader per parameter. Methods
/// the generated code cannot call, or whose parameters cannot be bound, yield nothing; the analyzers report them.
/// The schemas' text comes from <see cref="ToolSchemaWriter"/>, and the readers of scalar types from <see cref="ScalarType"/>.
/// </summary>
internal static class ToolParser
{
    // Reader types are declared where nullable annotations are disabled: a reader of 'string' serves 'string?' too.
    private static readonly SymbolDisplayFormat s_obliviousFormat = SymbolDisplayFormat.FullyQualifiedFormat;

    private static readonly SymbolDisplayFormat s_sourceFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private const string Readers = RuntimeTypes.ToolValueReaders;

    public static ToolMethod? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not IMethodSymbol method
            || method.MethodKind != MethodKind.Ordinary
            || method.IsGenericMethod
            || (method.IsStatic && (method.IsAbstract || method.IsVirtual))
            || (!method.IsStatic && method.ContainingType.TypeKind is not (TypeKind.Class or TypeKind.Interface))
            || IsInGenericType(method.ContainingType)
            || !IsNameable(method.ContainingType))
        {
            return null;
        }

        var compilation = context.SemanticModel.Compilation;
        var scan = new SymbolScan(compilation);
        if (!scan.IsUsable(method))
        {
            return null;
        }

        // A tool without policies still goes through the entry point: later policies reach it without a change here.
        var model = Parser.CreateMethodModel(method, PolicyReader.GetPolicies(method) ?? new Policies(null, null), scan);
        if (model is null)
        {
            return null;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var parameters = ImmutableArray.CreateBuilder<ToolParameter>(method.Parameters.Length);
        foreach (var parameter in method.Parameters)
        {
            if (CreateParameter(parameter) is not { } created)
            {
                return null;
            }

            parameters.Add(created);
        }

        var returnSchema = (ToolSchema?)null;
        if (model.ReturnKind.HasResult())
        {
            ReturnKinds.TryGetReturnKind(method.ReturnType, method.ReturnsVoid, out _, out var resultType);
            var description = ToolSymbols.GetDescription(method.GetReturnTypeAttributes());
            returnSchema = ToolSchemaWriter.Body(resultType!, markNullable: false) is { } body
                ? new ToolSchema(ToolSchemaWriter.Result(description, body), string.Empty, null, false, false)
                : new ToolSchema(null, resultType!.ToDisplayString(s_obliviousFormat), description, false, false);
        }

        var type = method.ContainingType;
        var attribute = context.Attributes.FirstOrDefault();
        var key = new ToolTypeKey(
            GetNamespace(type),
            GetClassName(type),
            type.ToDisplayString(s_sourceFormat),
            IsPublic(type),
            type.IsStatic);
        var location = context.TargetNode.GetLocation();
        var parameterModels = parameters.MoveToImmutable();
        return new ToolMethod(
            key,
            model,
            GetToolName(method, attribute),
            GetNamedString(attribute, "Description") ?? ToolSymbols.GetDescription(method.GetAttributes()) ?? string.Empty,
            parameterModels.ToEquatableArray(),
            ToolSchemaWriter.Function(parameterModels),
            returnSchema,
            location.SourceTree?.FilePath ?? string.Empty,
            location.SourceSpan.Start);
    }

    public static ImmutableArray<ToolType> Group(ImmutableArray<ToolMethod> tools, CancellationToken cancellationToken)
    {
        var byType = new Dictionary<ToolTypeKey, List<ToolMethod>>();
        foreach (var tool in tools)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!byType.TryGetValue(tool.Type, out var list))
            {
                byType.Add(tool.Type, list = new List<ToolMethod>());
            }

            list.Add(tool);
        }

        return byType
            .OrderBy(pair => pair.Key.Namespace, StringComparer.Ordinal)
            .ThenBy(pair => pair.Key.ClassName, StringComparer.Ordinal)
            .Select(pair => new ToolType(
                pair.Key,
                pair.Value
                    .OrderBy(t => t.FilePath, StringComparer.Ordinal)
                    .ThenBy(t => t.Position)
                    .ToEquatableArray(),
                pair.Value.SelectMany(t => t.Method.SuppressedDiagnostics).Distinct().OrderBy(id => id, StringComparer.Ordinal).ToEquatableArray()))
            .ToImmutableArray();
    }

    private static ToolParameter? CreateParameter(IParameterSymbol parameter)
    {
        var type = parameter.Type;
        var hasDefault = TryGetDefault(parameter, out var defaultValue);
        if (Symbols.IsType(type, "System.Threading", "CancellationToken"))
        {
            return Special(ToolBinding.CancellationToken);
        }

        if (Symbols.IsType(type, "Microsoft.Extensions.AI", "AIFunctionArguments"))
        {
            return Special(ToolBinding.Arguments);
        }

        if (Symbols.IsType(type, "System", "IServiceProvider"))
        {
            return Special(hasDefault ? ToolBinding.OptionalServices : ToolBinding.RequiredServices);
        }

        var schemaName = ToolSymbols.GetAttributeString(parameter.GetAttributes(), "Microsoft.Extensions.AI", "AIParameterNameAttribute") ?? parameter.Name;
        var description = ToolSymbols.GetDescription(parameter.GetAttributes());
        var isNullable = !type.IsValueType && parameter.NullableAnnotation == NullableAnnotation.Annotated;
        var isRequired = (!parameter.IsOptional && !hasDefault)
            || parameter.GetAttributes().Any(a => a.AttributeClass is { } c && Symbols.IsType(c, "System.ComponentModel.DataAnnotations", "RequiredAttribute"));
        var (readerType, reader) = CreateReader(type);

        string? defaultExpression = null;
        string? defaultJson = null;
        if (hasDefault)
        {
            defaultExpression = DefaultExpression(type, defaultValue);
            defaultJson = ToolSchemaWriter.DefaultJson(type, defaultValue);
            if (defaultExpression is null)
            {
                return null;
            }
        }

        ToolSchema schema;
        if (ToolSchemaWriter.Body(type, isNullable) is { } body)
        {
            if (hasDefault && defaultJson is null)
            {
                return null;
            }

            schema = new ToolSchema(ToolSchemaWriter.Parameter(parameter, description, body, defaultJson), string.Empty, null, false, false);
        }
        else
        {
            // Described at run time from the options' contract, its default written by the contract too.
            schema = new ToolSchema(null, type.ToDisplayString(s_obliviousFormat), description, isNullable, hasDefault) { DefaultValue = defaultExpression };
        }

        return new ToolParameter(ToolBinding.Argument, parameter.Name, schemaName, readerType, reader, defaultExpression, schema, isRequired);

        ToolParameter Special(ToolBinding binding)
            => new(binding, parameter.Name, parameter.Name, string.Empty, string.Empty, null, null, false);
    }

    private static (string Type, string Expression) CreateReader(ITypeSymbol type)
    {
        if (CompileTimeReader(type) is { } reader)
        {
            return reader;
        }

        var contract = type.ToDisplayString(s_obliviousFormat);
        return (contract, $"{Readers}.Contract<{contract}>()");
    }

    // A reader that needs nothing of the serializer options; null where their contract reads the type.
    private static (string Type, string Expression)? CompileTimeReader(ITypeSymbol type)
    {
        if (type is IArrayTypeSymbol { Rank: 1 } array)
        {
            return CompileTimeReader(array.ElementType) is { } item ? (item.Type + "[]", $"{Readers}.Array({item.Expression})") : null;
        }

        if (type is not INamedTypeSymbol named)
        {
            return null;
        }

        if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
        {
            return CompileTimeReader(named.TypeArguments[0]) is { } value ? (value.Type + "?", $"{Readers}.Nullable({value.Expression})") : null;
        }

        if (ToolSymbols.IsListLike(named))
        {
            return CompileTimeReader(named.TypeArguments[0]) is { } element
                ? ($"global::System.Collections.Generic.List<{element.Type}>", $"{Readers}.List({element.Expression})")
                : null;
        }

        var display = named.ToDisplayString(s_obliviousFormat);
        if (named.TypeKind == TypeKind.Enum && ToolSymbols.GetEnumMembers(named) is { } members)
        {
            var names = string.Join(", ", members.Select(m => Emitter.Literal(m.Name)));
            var values = string.Join(", ", members.Select(m => $"({display})({ToolSymbols.FormatInteger(m.Value)})"));
            return (display, $"{Readers}.Enum<{display}>(new string[] {{ {names} }}, new {display}[] {{ {values} }})");
        }

        return ScalarType.Find(named) is { } scalar ? (display, scalar.Reader) : null;
    }

    // The parameter's effective default as AIFunctionFactory reads it: [DefaultValue], the C# default, or null when optional.
    private static bool TryGetDefault(IParameterSymbol parameter, out object? value)
    {
        var attribute = parameter.GetAttributes().FirstOrDefault(a => a.AttributeClass is { } c && Symbols.IsType(c, "System.ComponentModel", "DefaultValueAttribute"));
        if (attribute is { ConstructorArguments.Length: 1 } && attribute.ConstructorArguments[0].Kind != TypedConstantKind.Array)
        {
            value = attribute.ConstructorArguments[0].Value;
            return true;
        }

        value = parameter.HasExplicitDefaultValue ? parameter.ExplicitDefaultValue : null;
        return parameter.HasExplicitDefaultValue || parameter.IsOptional;
    }

    private static string? DefaultExpression(ITypeSymbol type, object? value)
    {
        var target = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : type;
        switch (value)
        {
            case null:
                return "default!";
            case string text:
                return target.SpecialType == SpecialType.System_String ? Emitter.Literal(text) : null;
            case bool flag:
                return target.SpecialType == SpecialType.System_Boolean ? (flag ? "true" : "false") : null;
            case char c:
                return target.SpecialType == SpecialType.System_Char ? SymbolDisplay.FormatLiteral(c, quote: true) : null;
            case double d when double.IsNaN(d) || double.IsInfinity(d):
            case float f when float.IsNaN(f) || float.IsInfinity(f):
                return null;
            case decimal m:
                return target.SpecialType == SpecialType.System_Decimal ? m.ToString(CultureInfo.InvariantCulture) + "M" : null;
        }

        if (target.TypeKind == TypeKind.Enum || target.SpecialType is >= SpecialType.System_SByte and <= SpecialType.System_Double)
        {
            var literal = value is double or float
                ? ((IFormattable)value).ToString("R", CultureInfo.InvariantCulture)
                : ToolSymbols.FormatInteger(value);
            return $"({target.ToDisplayString(s_obliviousFormat)})({literal})";
        }

        return null;
    }

    // AIFunctionFactory's name: [AIFunctionName], else [DisplayName], else the method's name, sanitised, without Async.
    private static string GetToolName(IMethodSymbol method, AttributeData? attribute)
    {
        if (GetNamedString(attribute, "Name") is { } name && !string.IsNullOrWhiteSpace(name))
        {
            return name;
        }

        var attributes = method.GetAttributes();
        if ((ToolSymbols.GetAttributeString(attributes, "Microsoft.Extensions.AI", "AIFunctionNameAttribute")
            ?? ToolSymbols.GetAttributeString(attributes, "System.ComponentModel", "DisplayNameAttribute")) is { } declared)
        {
            return declared;
        }

        var text = Sanitize(method.Name);
        if (IsAsync(method.ReturnType))
        {
            var index = text.LastIndexOf("Async", StringComparison.Ordinal);
            if (index > 0 && (index + 5 == text.Length || text[index + 5] == '_'))
            {
                text = text.Substring(0, index) + text.Substring(index + 5);
            }
        }

        return text;
    }

    private static bool IsAsync(ITypeSymbol type)
        => type is INamedTypeSymbol { ContainingType: null } named
            && ((named.Name is "Task" or "ValueTask" && named.Arity <= 1 && Symbols.IsNamespace(named.ContainingNamespace, "System.Threading.Tasks"))
                || (named.Name == "IAsyncEnumerable" && named.Arity == 1 && Symbols.IsNamespace(named.ContainingNamespace, "System.Collections.Generic")));

    // Runs of characters other than ASCII letters and digits become one underscore.
    private static string Sanitize(string name)
    {
        var builder = new StringBuilder(name.Length);
        var inRun = false;
        foreach (var c in name)
        {
            if (c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9'))
            {
                builder.Append(c);
                inRun = false;
            }
            else if (!inRun)
            {
                builder.Append('_');
                inRun = true;
            }
        }

        return builder.ToString();
    }

    private static string? GetNamedString(AttributeData? attribute, string name)
        => attribute?.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value as string;

    // Broken or top-level code puts methods in types generated code cannot name (<invalid-global-code>, Program).
    private static bool IsNameable(INamedTypeSymbol? type)
    {
        for (; type is not null; type = type.ContainingType)
        {
            if (!type.CanBeReferencedByName || type.IsImplicitlyDeclared || type.IsScriptClass || type.IsFileLocal)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsInGenericType(INamedTypeSymbol? type)
    {
        for (; type is not null; type = type.ContainingType)
        {
            if (type.IsGenericType)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsPublic(INamedTypeSymbol? type)
    {
        for (; type is not null; type = type.ContainingType)
        {
            if (type.DeclaredAccessibility != Accessibility.Public)
            {
                return false;
            }
        }

        return true;
    }

    private static string GetNamespace(INamedTypeSymbol type)
        => type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : string.Empty;

    private static string GetClassName(INamedTypeSymbol type)
    {
        var name = type.Name;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            name = outer.Name + name;
        }

        return name + "AgentTools";
    }
}
