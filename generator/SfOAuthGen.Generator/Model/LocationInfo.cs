using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace SfOAuthGen.Generator.Model;

/// <summary>A position in <c>sfauth.json</c> that compares by value (a source <see cref="Location"/> would pin a syntax tree).</summary>
internal sealed record LocationInfo(string FilePath, TextSpan TextSpan, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, TextSpan, LineSpan);

    public static LocationInfo Create(string filePath, SourceText text, TextSpan span) =>
        new(filePath, span, text.Lines.GetLinePositionSpan(span));
}
