using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace AgentCost.ChatClients;

/// <summary>
/// What the call layer's semantic cache may look up, and in which partition: the rules of
/// <see cref="SemanticCachingChatClient"/> on requests and responses.
/// </summary>
internal static class SemanticCacheRequest
{
    /// <summary>
    /// The text matched by similarity: the last message's, when the request is cacheable; otherwise
    /// <see langword="null"/> and the request goes to the model untouched.
    /// </summary>
    public static string? SemanticPrompt(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        if (messages.Count == 0 || !AreCacheable(options))
        {
            return null;
        }

        var last = messages[^1];
        if (last.Role != ChatRole.User || last.Contents.Count == 0)
        {
            return null;
        }

        foreach (var content in last.Contents)
        {
            if (content is not TextContent)
            {
                return null;
            }
        }

        var text = last.Text;
        return string.IsNullOrWhiteSpace(text) ? null : text;
    }

    /// <summary>
    /// Whether a response may be kept: text only from the assistant, and neither tool calls, nor an error, nor a
    /// filtered answer.
    /// </summary>
    public static bool IsStorable(ChatResponse response)
    {
        if (response.FinishReason == ChatFinishReason.ToolCalls || response.FinishReason == ChatFinishReason.ContentFilter || response.Messages.Count == 0)
        {
            return false;
        }

        var hasText = false;
        foreach (var message in response.Messages)
        {
            if (message.Role != ChatRole.Assistant)
            {
                return false;
            }

            foreach (var content in message.Contents)
            {
                if (content is not TextContent text)
                {
                    return false;
                }

                hasText |= text.Text.Length > 0;
            }
        }

        return hasText;
    }

    /// <summary>
    /// The partition of a request: a SHA-256 of the model, the tenant, every message but the last, the instructions,
    /// the tools, the response format and every other setting that changes the answer. Requests that differ in any of
    /// them never share an entry.
    /// </summary>
    public static string Partition(IReadOnlyList<ChatMessage> messages, ChatOptions? options, string? modelId, string? tenant)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, "agentcost.semantic.v1");
        Append(hash, modelId);
        Append(hash, tenant);
        Append(hash, options?.Instructions);

        var messageType = AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(ChatMessage));
        Append(hash, (messages.Count - 1).ToString(CultureInfo.InvariantCulture));
        for (var i = 0; i < messages.Count - 1; i++)
        {
            // Only what the model reads: ids and timestamps of earlier turns do not change the answer.
            var message = messages[i];
            var normalised = new ChatMessage(message.Role, message.Contents) { AuthorName = message.AuthorName };
            Append(hash, JsonSerializer.SerializeToUtf8Bytes(normalised, messageType));
        }

        AppendTools(hash, options?.Tools);
        AppendResponseFormat(hash, options?.ResponseFormat);
        if (options is not null)
        {
            Append(hash, string.Create(
                CultureInfo.InvariantCulture,
                $"{options.MaxOutputTokens}|{options.TopP:R}|{options.TopK}|{options.FrequencyPenalty:R}|{options.PresencePenalty:R}|{options.Seed}|{options.AllowMultipleToolCalls}|{options.Reasoning?.Effort}|{options.Reasoning?.Output}"));
            Append(hash, options.ToolMode switch
            {
                null => null,
                RequiredChatToolMode required => "required:" + required.RequiredFunctionName,
                var mode => mode.GetType().FullName,
            });
            Append(hash, options.StopSequences is { } stops ? string.Join('\u0001', stops) : null);
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private static bool AreCacheable(ChatOptions? options)
    {
        if (options is null)
        {
            return true;
        }

        // A sampled answer is one of many; state kept by the provider (a conversation, a background response) or a
        // raw request the layer cannot read could change the answer without changing the partition.
        if (options.Temperature is { } temperature && temperature != 0f)
        {
            return false;
        }

        if (options.ConversationId is not null || options.ContinuationToken is not null || options.AllowBackgroundResponses is not null || options.RawRepresentationFactory is not null)
        {
            return false;
        }

        if (options.AdditionalProperties is { Count: > 0 } properties)
        {
            foreach (var property in properties)
            {
                if (property.Key != SemanticCachingChatClient.BypassKey || property.Value is true)
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static void AppendTools(IncrementalHash hash, IList<AITool>? tools)
    {
        Append(hash, (tools?.Count ?? 0).ToString(CultureInfo.InvariantCulture));
        if (tools is null)
        {
            return;
        }

        foreach (var tool in tools)
        {
            Append(hash, tool.GetType().FullName);
            Append(hash, tool.Name);
            Append(hash, tool.Description);
            if (tool is AIFunctionDeclaration function)
            {
                Append(hash, function.JsonSchema.GetRawText());
                Append(hash, function.ReturnJsonSchema?.GetRawText());
            }
        }
    }

    private static void AppendResponseFormat(IncrementalHash hash, ChatResponseFormat? format)
    {
        switch (format)
        {
            case null:
                Append(hash, (string?)null);
                break;
            case ChatResponseFormatJson json:
                Append(hash, "json");
                Append(hash, json.Schema?.GetRawText());
                Append(hash, json.SchemaName);
                Append(hash, json.SchemaDescription);
                break;
            default:
                Append(hash, format.GetType().FullName);
                break;
        }
    }

    // Length-prefixed, with null apart from empty, so that no two sequences of values hash the same bytes.
    private static void Append(IncrementalHash hash, string? value)
        => Append(hash, value is null ? null : Encoding.UTF8.GetBytes(value));

    private static void Append(IncrementalHash hash, byte[]? bytes)
    {
        Span<byte> length = stackalloc byte[sizeof(int)];
        BinaryPrimitives.WriteInt32LittleEndian(length, bytes?.Length ?? -1);
        hash.AppendData(length);
        if (bytes is not null)
        {
            hash.AppendData(bytes);
        }
    }
}
