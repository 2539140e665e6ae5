using System.Globalization;
using System.Text;

namespace AgentCost.Generators.Common;

/// <summary>
/// Writes JSON text as System.Text.Json writes it with its default encoder, so that a schema written at compile time
/// has the very text <c>AIFunctionFactory</c>'s schema has: HTML-sensitive characters, non-ASCII characters and control
/// characters escaped as <c>\uXXXX</c> (upper-case hex), <c>\\</c>, <c>\n</c>, <c>\r</c>, <c>\t</c>, <c>\b</c>, <c>\f</c> short.
/// </summary>
internal static class JsonText
{
    public static string String(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case '\b':
                    builder.Append("\\b");
                    break;
                case '\f':
                    builder.Append("\\f");
                    break;
                default:
                    if (c < 0x20 || c > 0x7E || c is '"' or '&' or '\'' or '+' or '<' or '>' or '`')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }
}
