using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SfOAuthGen.Runtime.Tests.Infrastructure;

namespace SfOAuthGen.Runtime.Tests;

/// <summary>The JWT bearer flow: the assertion it signs and sends, its renewals, its key handling and error hints.</summary>
public class JwtBearerFlowTests
{
    private static readonly RSA Key = RSA.Create(2048);
    private static readonly string PrivatePem = Key.ExportPkcs8PrivateKeyPem();

    private static SalesforceOrgSettings Jwt(string? audience = null) => new()
    {
        Name = TestOrg.Name,
        LoginUrl = new Uri("https://test.salesforce.com"),
        Flow = SalesforceFlow.JwtBearer,
        ClientId = SecretReference.Literal(Secrets.ClientId),
        Username = SecretReference.Literal(Secrets.Username),
        PrivateKey = SecretReference.Literal(PrivatePem),
        Audience = audience,
    };

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s + new string('=', (4 - (s.Length % 4)) % 4));
    }

    [Fact]
    public async Task Jwt_bearer_sends_only_the_grant_and_an_RS256_assertion_with_the_documented_claims()
    {
        using var harness = new Harness(Jwt());

        await harness.Client.GetTokenAsync();

        var request = harness.Endpoint.Last;
        Assert.Null(request.Authorization);
        Assert.Equal(new[] { "assertion", "grant_type" }, request.FieldNames);
        Assert.Equal("urn:ietf:params:oauth:grant-type:jwt-bearer", request.Field("grant_type"));
        var parts = request.Field("assertion")!.Split('.');
        Assert.Equal(3, parts.Length);
        Assert.Equal("{\"alg\":\"RS256\"}", Encoding.UTF8.GetString(FromBase64Url(parts[0])));
        using var claims = JsonDocument.Parse(FromBase64Url(parts[1]));
        Assert.Equal(Secrets.ClientId, claims.RootElement.GetProperty("iss").GetString());
        Assert.Equal(Secrets.Username, claims.RootElement.GetProperty("sub").GetString());
        Assert.Equal("https://test.salesforce.com", claims.RootElement.GetProperty("aud").GetString());
        Assert.Equal((harness.Time.GetUtcNow() + TimeSpan.FromMinutes(3)).ToUnixTimeSeconds(), claims.RootElement.GetProperty("exp").GetInt64());
        Assert.True(Key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), FromBase64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.DoesNotContain(Secrets.ClientSecret, request.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jwt_bearer_audience_comes_from_the_setting_and_not_from_a_login_url_override()
    {
        using var withAudience = new Harness(Jwt("https://login.salesforce.com"));
        await withAudience.Client.GetTokenAsync();
        using (var claims = JsonDocument.Parse(FromBase64Url(withAudience.Endpoint.Last.Field("assertion")!.Split('.')[1])))
        {
            Assert.Equal("https://login.salesforce.com", claims.RootElement.GetProperty("aud").GetString());
        }

        var endpoint = new FakeTokenEndpoint();
        using var overridden = new SalesforceTokenClient(Jwt(), new SalesforceTokenClientOptions
        {
            HttpClient = new HttpClient(endpoint),
            LoginUrl = new Uri("http://127.0.0.1:9/"),
            IsolatedTokenState = true,
        });
        await overridden.GetTokenAsync();
        Assert.Equal("http://127.0.0.1:9/services/oauth2/token", endpoint.Last.Uri!.AbsoluteUri);
        using (var claims = JsonDocument.Parse(FromBase64Url(endpoint.Last.Field("assertion")!.Split('.')[1])))
        {
            Assert.Equal("https://test.salesforce.com", claims.RootElement.GetProperty("aud").GetString());
        }
    }

    [Fact]
    public async Task Jwt_bearer_renews_by_signing_a_new_assertion()
    {
        using var harness = new Harness(Jwt());
        await harness.Client.GetTokenAsync();
        var first = harness.Endpoint.Last.Field("assertion");

        harness.Time.Advance(TimeSpan.FromHours(2));
        await harness.Client.GetTokenAsync();

        Assert.Equal(2, harness.Endpoint.Count);
        Assert.Equal("urn:ietf:params:oauth:grant-type:jwt-bearer", harness.Endpoint.Last.Field("grant_type"));
        Assert.NotEqual(first, harness.Endpoint.Last.Field("assertion"));
    }

    [Fact]
    public async Task Jwt_bearer_reads_a_pem_whose_line_breaks_are_escaped()
    {
        using var harness = new Harness(Jwt() with { PrivateKey = SecretReference.Literal(PrivatePem.Replace("\n", "\\n", StringComparison.Ordinal)) });

        await harness.Client.GetTokenAsync();

        Assert.Equal(1, harness.Endpoint.Count);
    }

    [Fact]
    public async Task Jwt_bearer_with_a_key_that_is_not_a_pem_fails_without_quoting_it()
    {
        const string NotAKey = "-----BEGIN PRIVATE KEY-----\nWitnessNotReallyAKeyQQ==\n-----END PRIVATE KEY-----";
        using var harness = new Harness(Jwt() with { PrivateKey = SecretReference.Literal(NotAKey) });

        var ex = await Harness.Fails<SalesforceConfigurationException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.Equal("privateKey", ex.Field);
        Assert.Contains("PEM RSA private key", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("WitnessNotReallyAKey", ex.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, harness.Endpoint.Count);
    }

    [Theory]
    [InlineData("user hasn't approved this consumer", "pre-authorized")]
    [InlineData("Audience validation failed", "audience")]
    public async Task Jwt_bearer_errors_carry_their_hints(string description, string hint)
    {
        using var harness = new Harness(Jwt());
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Error("invalid_grant", description));

        var ex = await Harness.Fails<SalesforceAuthException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.Equal(SalesforceFlow.JwtBearer, ex.Flow);
        Assert.Equal(description, ex.ErrorDescription);
        Assert.Contains(hint, ex.Hint, StringComparison.Ordinal);
    }
}
