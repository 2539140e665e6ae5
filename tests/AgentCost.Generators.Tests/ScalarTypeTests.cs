using System.Reflection;
using AgentCost.Generators.Tests.Infrastructure;
using AgentCost.Generators.Tools;
using AgentCost.Interception;

namespace AgentCost.Generators.Tests;

/// <summary>
/// The table of scalar types is what tools bind and describe at compile time: each row names a reader the runtime
/// has, and a tool with parameters and a result of that type gets, from the row, the schemas <c>AIFunctionFactory</c>
/// writes for them — the type itself, its nullable form and its default value.
/// </summary>
public sealed class ScalarTypeTests
{
    [Fact]
    public void Every_scalar_type_names_a_reader_of_that_type()
    {
        foreach (var scalar in ScalarType.All)
        {
            var reader = typeof(ToolValueReaders).GetProperty(scalar.Name, BindingFlags.Public | BindingFlags.Static);
            Assert.True(reader is not null, $"ToolValueReaders has no reader {scalar.Name}.");
            var type = typeof(object).Assembly.GetType("System." + scalar.Name) ?? typeof(Uri).Assembly.GetType("System." + scalar.Name);
            Assert.True(type is not null, $"System.{scalar.Name} is not a type.");
            Assert.Equal(typeof(ToolValueReader<>).MakeGenericType(type), reader.PropertyType);
            Assert.Equal(type.IsValueType, scalar.DefaultJson is not null);
            Assert.Equal("global::AgentCost.Interception.ToolValueReaders." + scalar.Name, scalar.Reader);
        }
    }

    [Fact]
    public async Task Every_scalar_type_is_described_at_compile_time_as_the_factory_describes_it()
    {
        var compilation = GeneratorHarness.CreateCompilation(Source);

        // Every row is bound by its own reader and described by JSON written at compile time, not by the contract.
        var generated = GeneratorHarness.Run(compilation).AllGeneratedText;
        Assert.DoesNotContain("Contract<", generated);
        foreach (var scalar in ScalarType.All)
        {
            Assert.Contains(scalar.Reader + ";", generated);
        }

        var output = await ProgramRunner.GenerateAndRunAsync(compilation);

        // The differences, in full, when there are any.
        Assert.True(output == $"{ScalarType.All.Count} tools, all described as the factory describes them", output);
    }

    private static string Source => """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using AgentCost;
        using Microsoft.Extensions.AI;

        public sealed class Scalars
        {
        """ + string.Concat(ScalarType.All.Select(Tool)) + """
        }

        public static class Program
        {
            public static Task<string> Run()
            {
                var scalars = new Scalars();
                var functions = ScalarsAgentTools.Create(scalars);
                var differences = new List<string>();
                foreach (var function in functions)
                {
                    var factory = AIFunctionFactory.Create(typeof(Scalars).GetMethod(function.Name)!, scalars);
                    if (function.JsonSchema.GetRawText() != factory.JsonSchema.GetRawText()
                        || function.ReturnJsonSchema?.GetRawText() != factory.ReturnJsonSchema?.GetRawText())
                    {
                        differences.Add($"{function.Name}: {function.JsonSchema.GetRawText()} {function.ReturnJsonSchema?.GetRawText()}"
                            + $" but the factory writes {factory.JsonSchema.GetRawText()} {factory.ReturnJsonSchema?.GetRawText()}");
                    }
                }

                return Task.FromResult(differences.Count == 0
                    ? $"{functions.Length} tools, all described as the factory describes them"
                    : string.Join(Environment.NewLine, differences));
            }
        }
        """;

    // A value type also comes as a nullable parameter and with its default value; a reference type as a nullable one.
    private static string Tool(ScalarType scalar) => scalar.DefaultJson is null
        ? $"""
            [AgentTool]
            public System.{scalar.Name} Take{scalar.Name}(System.{scalar.Name} value, System.{scalar.Name}? maybe = null) => value;

        """
        : $"""
            [AgentTool]
            public System.{scalar.Name} Take{scalar.Name}(System.{scalar.Name} value, System.{scalar.Name}? maybe = null, System.{scalar.Name} zero = default) => value;

        """;
}
