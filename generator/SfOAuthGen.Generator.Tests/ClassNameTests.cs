using SfOAuthGen.Generator.Parsing;
using SfOAuthGen.Vocabulary;

namespace SfOAuthGen.Generator.Tests;

/// <summary>How org keys become class names: PascalCase words of letters and digits, then <c>Org</c>.</summary>
public class ClassNameTests
{
    [Theory]
    [InlineData("Sandbox", "SandboxOrg")]
    [InlineData("sandbox", "SandboxOrg")]
    [InlineData("dev-hub", "DevHubOrg")]
    [InlineData("dev_hub", "DevHubOrg")]
    [InlineData("my.org v2", "MyOrgV2Org")]
    [InlineData("class", "ClassOrg")]
    [InlineData("2024sandbox", "_2024sandboxOrg")]
    [InlineData("uat-2024", "Uat2024Org")]
    [InlineData("Ünïcødé", "ÜnïcødéOrg")]
    [InlineData("prodEU", "ProdEUOrg")]
    public void Key_maps_to_class_name(string key, string expected)
    {
        Assert.Equal(expected, ManifestNames.ToClassName(key));
    }

    [Theory]
    [InlineData("")]
    [InlineData("--")]
    [InlineData("___")]
    [InlineData(" . ")]
    [InlineData("\u200B")]
    public void Key_without_letters_or_digits_has_no_class_name(string key)
    {
        Assert.Null(ManifestNames.ToClassName(key));
    }

    [Fact]
    public void Key_whose_class_name_would_be_too_long_has_none()
    {
        Assert.NotNull(ManifestNames.ToClassName(new string('a', ManifestNames.MaxClassNameLength - 3)));
        Assert.Null(ManifestNames.ToClassName(new string('a', ManifestNames.MaxClassNameLength - 2)));
    }

    [Theory]
    [InlineData("pasword", "password")]
    [InlineData("LoginURL", "loginUrl")]
    [InlineData("clientsecret", "clientSecret")]
    [InlineData("colour", null)]
    public void Closest_name_is_suggested_only_when_close(string typo, string? expected)
    {
        Assert.Equal(expected, ManifestNames.ClosestName(typo, ManifestVocabulary.OrgProperties));
    }
}
