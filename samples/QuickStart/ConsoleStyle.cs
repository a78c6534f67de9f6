namespace SfOAuthGen.QuickStart;

/// <summary>Readable output: colour on a terminal that supports it, plain text when redirected or NO_COLOR is set.</summary>
internal sealed class ConsoleStyle
{
    private readonly TextWriter _out;
    private readonly TextWriter _error;
    private readonly bool _colour;

    public ConsoleStyle(TextWriter stdout, TextWriter stderr)
    {
        _out = stdout;
        _error = stderr;
        _colour = ReferenceEquals(stdout, Console.Out)
            && !Console.IsOutputRedirected
            && Environment.GetEnvironmentVariable("NO_COLOR") is null
            && Environment.GetEnvironmentVariable("TERM") is not "dumb";
    }

    public void Title(string text) => _out.WriteLine(Paint("1", text));

    public void Line(string text) => _out.WriteLine(text);

    public void Step(int number, string text)
    {
        _out.WriteLine();
        _out.WriteLine(Paint("1;36", $"Step {number}: {text}"));
    }

    public void Sent(string text) => _out.WriteLine("  " + Paint("33", "→ ") + text);

    public void Received(string text) => _out.WriteLine("  " + Paint("32", "← ") + text);

    public void Field(string name, string value) => _out.WriteLine($"    {Paint("2", name.PadRight(14))}{value}");

    public void Note(string text) => _out.WriteLine("  " + Paint("2", text));

    public void Success(string text)
    {
        _out.WriteLine();
        _out.WriteLine(Paint("1;32", text));
    }

    public void Failure(string text) => _error.WriteLine(Paint("1;31", "Failed: ") + text);

    private string Paint(string code, string text) => _colour ? $"\u001b[{code}m{text}\u001b[0m" : text;
}
