namespace AgentCost.Analyzers.Tests.Infrastructure;

/// <summary>Wraps members in a compilable file with the usings agent code has.</summary>
public static class Sources
{
    public const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.ComponentModel;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using AgentCost;
        using AgentCost.Budgets;
        using Microsoft.Extensions.AI;

        """;

    /// <summary>A class <c>Agent</c> with a chat client field <c>_chat</c> and the given members.</summary>
    public static string Agent(string members) => Usings + $$"""
        namespace Sample;

        public partial class Agent
        {
            private readonly IChatClient _chat = null!;

        {{Indent(members)}}
        }
        """;

    /// <summary>A class <c>Tools</c> with the given members, and any other declarations after it.</summary>
    public static string Tools(string members, string after = "") => Usings + $$"""
        namespace Sample;

        public class Tools
        {
        {{Indent(members)}}
        }
        {{after}}
        """;

    private static string Indent(string text)
        => string.Join("\n", text.Replace("\r\n", "\n").Split('\n').Select(line => line.Length == 0 ? line : "    " + line));
}
