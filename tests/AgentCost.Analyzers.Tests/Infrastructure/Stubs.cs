namespace AgentCost.Analyzers.Tests.Infrastructure;

/// <summary>The shapes of the agent libraries' APIs that the rules recognise, with the libraries' own namespaces and names.</summary>
internal static class Stubs
{
    public const string Source = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;

        namespace OpenAI.Chat
        {
            public class ChatCompletion { public string Content { get; set; } = ""; }

            public class ChatClient
            {
                public virtual ChatCompletion CompleteChat(params string[] messages) => new();
                public virtual Task<ChatCompletion> CompleteChatAsync(params string[] messages) => Task.FromResult(new ChatCompletion());
                public virtual IEnumerable<string> CompleteChatStreaming(params string[] messages) => Array.Empty<string>();
            }
        }

        namespace Microsoft.SemanticKernel
        {
            public class FunctionResult { public override string ToString() => ""; }
            public class ChatMessageContent { public string? Content { get; set; } }
            public class KernelPlugin { }
            public class KernelPluginCollection : List<KernelPlugin> { }

            public sealed class Kernel
            {
                public KernelPluginCollection Plugins { get; } = new();
                public Task<FunctionResult> InvokeAsync(string pluginName, string functionName, CancellationToken cancellationToken = default) => Task.FromResult(new FunctionResult());
            }

            public static class KernelExtensions
            {
                public static Task<FunctionResult> InvokePromptAsync(this Kernel kernel, string prompt, CancellationToken cancellationToken = default) => Task.FromResult(new FunctionResult());
                public static KernelPlugin ImportPluginFromType<T>(this Kernel kernel, string? pluginName = null) => new();
                public static KernelPlugin ImportPluginFromObject(this Kernel kernel, object target, string? pluginName = null) => new();
            }

            public static class KernelPluginFactory
            {
                public static KernelPlugin CreateFromType<T>(string? pluginName = null) => new();
                public static KernelPlugin CreateFromObject(object target, string? pluginName = null) => new();
            }

            [AttributeUsage(AttributeTargets.Method)]
            public sealed class KernelFunctionAttribute : Attribute
            {
                public KernelFunctionAttribute() { }
                public KernelFunctionAttribute(string name) { }
            }
        }

        namespace Microsoft.SemanticKernel.ChatCompletion
        {
            public class ChatHistory : List<Microsoft.SemanticKernel.ChatMessageContent> { public void AddUserMessage(string text) { } }

            public interface IChatCompletionService
            {
                Task<IReadOnlyList<Microsoft.SemanticKernel.ChatMessageContent>> GetChatMessageContentsAsync(ChatHistory chatHistory, CancellationToken cancellationToken = default);
            }

            public static class ChatCompletionServiceExtensions
            {
                public static Task<Microsoft.SemanticKernel.ChatMessageContent> GetChatMessageContentAsync(this IChatCompletionService service, ChatHistory chatHistory, CancellationToken cancellationToken = default)
                    => Task.FromResult(new Microsoft.SemanticKernel.ChatMessageContent());
            }
        }

        namespace Microsoft.Agents.AI
        {
            public class AgentRunResponse { public string Text { get; set; } = ""; }

            public abstract class AIAgent
            {
                public Task<AgentRunResponse> RunAsync(string message, CancellationToken cancellationToken = default) => Task.FromResult(new AgentRunResponse());
                public IAsyncEnumerable<string> RunStreamingAsync(string message, CancellationToken cancellationToken = default) => throw new NotSupportedException();
            }
        }

        namespace ModelContextProtocol.Server
        {
            [AttributeUsage(AttributeTargets.Method)]
            public sealed class McpServerToolAttribute : Attribute { }

            [AttributeUsage(AttributeTargets.Class)]
            public sealed class McpServerToolTypeAttribute : Attribute { }
        }

        namespace Microsoft.Extensions.DependencyInjection
        {
            public interface IMcpServerBuilder { }

            public static class McpServerBuilderExtensions
            {
                public static IMcpServerBuilder WithTools<TToolType>(this IMcpServerBuilder builder) => builder;
            }
        }

        namespace Spectre.Console
        {
            public static class AnsiConsole
            {
                public static T Ask<T>(string prompt) => default!;
                public static bool Confirm(string prompt, bool defaultValue = true) => defaultValue;
            }
        }

        namespace MyCompany.Llm
        {
            public sealed class Gateway
            {
                public Task<string> SendAsync(string prompt) => Task.FromResult("");
            }
        }
        """;
}
