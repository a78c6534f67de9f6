using System.Net;
using System.Text;
using System.Text.Json;
using SfOAuthGen.IntegrationTests.Infrastructure;

namespace SfOAuthGen.IntegrationTests;

/// <summary>The leak search the other tests rely on finds a secret in each encoding it could travel in.</summary>
public class SecretScanTests
{
    public static TheoryData<string> Encodings => ["raw", "url", "form", "json", "base64", "basic"];

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Finds_a_password_hidden_in_each_encoding(string encoding)
    {
        var credentials = Credentials.Create();
        var value = credentials.Password;
        var hidden = encoding switch
        {
            "raw" => value,
            "url" => Uri.EscapeDataString(value),
            "form" => WebUtility.UrlEncode(value),
            "json" => JsonSerializer.Serialize(value),
            "base64" => Convert.ToBase64String(Encoding.UTF8.GetBytes(value)),
            _ => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials.ClientId + ":" + value)),
        };

        var found = SecretScan.Find("prefix " + hidden + " suffix", [("password", value)], credentials.ClientId);

        Assert.NotEmpty(found);
        Assert.All(found, f => Assert.StartsWith("password (", f, StringComparison.Ordinal));
        Assert.Empty(SecretScan.Find("prefix suffix", credentials.Secrets(), credentials.ClientId));
    }
}
