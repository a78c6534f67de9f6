using Microsoft.CodeAnalysis.Text;

namespace SfOAuthGen.Generator.Tests;

/// <summary>
/// Diagnostics point at characters, whatever the manifest's bytes. An ASCII manifest takes a shortcut (byte offset =
/// character offset, no per-byte map); one with other characters maps the reader's UTF-8 offsets back.
/// </summary>
public class ManifestOffsetTests
{
    [Theory]
    [InlineData("ascii")]
    [InlineData("é中😀 ü")]
    public void A_value_error_points_at_the_value_after_any_characters(string before)
    {
        var manifest = "{ \"$schema\": \"" + before + "\", \"orgs\": { \"Alpha\": { \"loginUrl\": \"https://a.example\", \"flow\": \"nope\", \"clientId\": \"env:A\" } } }";

        var diagnostic = Assert.Single(GeneratorHarness.Run(manifest).Diagnostics);

        Assert.Equal(new LinePosition(0, manifest.IndexOf("\"nope\"", StringComparison.Ordinal)), diagnostic.Location.GetLineSpan().StartLinePosition);
    }

    [Theory]
    [InlineData("ascii")]
    [InlineData("é中😀 ü")]
    public void A_syntax_error_points_at_the_character_where_the_json_breaks(string before)
    {
        var manifest = "{ \"$schema\": \"" + before + "\",\n  \"orgs\": x }";

        var diagnostic = Assert.Single(GeneratorHarness.Run(manifest).Diagnostics);

        Assert.Equal(new LinePosition(1, "  \"orgs\": ".Length), diagnostic.Location.GetLineSpan().StartLinePosition);
    }

    [Fact]
    public void A_syntax_error_after_other_characters_on_its_line_points_at_the_character()
    {
        var manifest = "{ \"$schema\": \"é中😀\", \"orgs\": x }";

        var diagnostic = Assert.Single(GeneratorHarness.Run(manifest).Diagnostics);

        Assert.Equal(new LinePosition(0, manifest.IndexOf(" x", StringComparison.Ordinal) + 1), diagnostic.Location.GetLineSpan().StartLinePosition);
    }
}
