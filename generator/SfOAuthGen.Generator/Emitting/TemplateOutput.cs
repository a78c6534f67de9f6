using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Text;
using Scriban.Runtime;

namespace SfOAuthGen.Generator;

/// <summary>
/// Where a template writes one file: a character buffer kept from file to file, turned straight into the file's
/// <see cref="SourceText"/>. Scriban's own output is a StringBuilder whose text would be copied into a string first.
/// </summary>
internal sealed class TemplateOutput : IScriptOutput
{
    private const int InitialCapacity = 8 * 1024;

    // A rare very large file (the registrations of thousands of orgs) should not stay in memory with the idle output.
    private const int LargestKeptCapacity = 64 * 1024;

    private char[] _buffer = new char[InitialCapacity];
    private int _length;

    public void Write(string text, int offset, int count)
    {
        if (_buffer.Length - _length < count)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }

        text.CopyTo(offset, _buffer, _length, count);
        _length += count;
    }

    public ValueTask WriteAsync(string text, int offset, int count, CancellationToken cancellationToken)
    {
        Write(text, offset, count);
        return default;
    }

    /// <summary>The text written since the last <see cref="Clear"/>.</summary>
    public SourceText ToSourceText() => AsciiSourceText.From(_buffer, _length);

    /// <summary>Empties the output, keeping its buffer unless a very large file grew it.</summary>
    public void Clear()
    {
        _length = 0;
        if (_buffer.Length > LargestKeptCapacity)
        {
            _buffer = new char[InitialCapacity];
        }
    }
}
