using System.Text;

namespace AgentCost.Generators.Common;

/// <summary>
/// Writes indented C# with '\n' line endings whatever the platform, so the generated text is the same everywhere.
/// </summary>
internal sealed class SourceWriter
{
    private const int IndentSize = 4;

    private readonly StringBuilder _builder = new();
    private int _indent;

    public void Indent() => _indent++;

    public void Unindent() => _indent--;

    public void WriteLine()
    {
        _builder.Append('\n');
    }

    public void WriteLine(string line)
    {
        _builder.Append(' ', _indent * IndentSize).Append(line).Append('\n');
    }

    public void OpenBlock()
    {
        WriteLine("{");
        Indent();
    }

    public void CloseBlock(string suffix = "")
    {
        Unindent();
        WriteLine("}" + suffix);
    }

    public override string ToString() => _builder.ToString();
}
