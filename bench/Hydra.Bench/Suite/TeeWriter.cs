using System.Text;

namespace Hydra.Bench.Suite;

/// <summary>Writes every line to two writers (the console and the report file).</summary>
internal sealed class TeeWriter(TextWriter first, TextWriter second) : TextWriter
{
    public override Encoding Encoding => first.Encoding;
    public override void Write(char value)
    {
        first.Write(value);
        second.Write(value);
    }
    public override void Write(string? value)
    {
        first.Write(value);
        second.Write(value);
    }
    public override void WriteLine(string? value)
    {
        first.WriteLine(value);
        second.WriteLine(value);
        first.Flush();
    }
}
