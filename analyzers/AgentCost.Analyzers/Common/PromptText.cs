namespace AgentCost.Analyzers.Common;

/// <summary>What the prompt-layout rule and its fix read in prompt text.</summary>
internal static class PromptText
{
    /// <summary>Whether the text says something: has a letter or digit, not only punctuation and white space.</summary>
    public static bool HasWords(string text)
    {
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                return true;
            }
        }

        return false;
    }
}
