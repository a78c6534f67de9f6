using System.Text;
using SfOAuthGen.Runtime.Tests.Infrastructure;

namespace SfOAuthGen.Runtime.Tests;

public class FlowFormTests
{
    public static TheoryData<string> Passwords => new()
    {
        Secrets.Password,
        "a+b&c=d%e f",
        "\u00fcber\u6f22\u5b57\ud83d\udd11",
    };

    [Theory]
    [MemberData(nameof(Passwords))]
    public async Task Password_flow_in_the_body_sends_every_field_with_the_security_token_appended(string password)
    {
        using var harness = new Harness(TestOrg.Password() with { Password = SecretReference.Literal(password) });

        await harness.Client.GetTokenAsync();

        var request = harness.Endpoint.Last;
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("https://test.salesforce.com/services/oauth2/token", request.Uri!.AbsoluteUri);
        Assert.Equal("application/x-www-form-urlencoded", request.ContentType);
        Assert.Null(request.Authorization);
        Assert.Equal(new[] { "client_id", "client_secret", "grant_type", "password", "username" }, request.FieldNames);
        Assert.Equal("password", request.Field("grant_type"));
        Assert.Equal(Secrets.Username, request.Field("username"));
        Assert.Equal(password + Secrets.SecurityToken, request.Field("password"));
        Assert.Equal(Secrets.ClientId, request.Field("client_id"));
        Assert.Equal(Secrets.ClientSecret, request.Field("client_secret"));
    }

    [Theory]
    [MemberData(nameof(Passwords))]
    public async Task Password_flow_with_basic_auth_sends_the_client_credentials_only_in_the_header(string password)
    {
        using var harness = new Harness(TestOrg.Password(ClientAuthentication.Basic) with { Password = SecretReference.Literal(password) });

        await harness.Client.GetTokenAsync();

        var request = harness.Endpoint.Last;
        Assert.Equal("Basic", request.Authorization!.Scheme);
        Assert.Equal(Secrets.ClientId + ":" + Secrets.ClientSecret, request.BasicCredentials);
        Assert.Equal(new[] { "grant_type", "password", "username" }, request.FieldNames);
        Assert.Equal(password + Secrets.SecurityToken, request.Field("password"));
    }

    [Fact]
    public async Task Reserved_characters_are_percent_encoded_on_the_wire()
    {
        using var harness = new Harness(TestOrg.Password() with { Password = SecretReference.Literal("+&=%"), SecurityToken = null });

        await harness.Client.GetTokenAsync();

        var body = harness.Endpoint.Last.Body;
        var raw = body.Split('&').Single(p => p.StartsWith("password=", StringComparison.Ordinal));
        Assert.Equal("password=%2B%26%3D%25", raw);
    }

    [Fact]
    public async Task Without_a_security_token_the_password_is_sent_as_is()
    {
        using var harness = new Harness(TestOrg.Password() with { SecurityToken = null });

        await harness.Client.GetTokenAsync();

        Assert.Equal(Secrets.Password, harness.Endpoint.Last.Field("password"));
    }

    [Theory]
    [InlineData(ClientAuthentication.Body)]
    [InlineData(ClientAuthentication.Basic)]
    public async Task Refresh_flow_sends_every_field(ClientAuthentication auth)
    {
        using var harness = new Harness(TestOrg.Refresh(auth));

        await harness.Client.GetTokenAsync();

        var request = harness.Endpoint.Last;
        Assert.Equal("refresh_token", request.Field("grant_type"));
        Assert.Equal(Secrets.RefreshToken, request.Field("refresh_token"));
        Assert.Equal("json", request.Field("format"));
        if (auth == ClientAuthentication.Body)
        {
            Assert.Null(request.Authorization);
            Assert.Equal(new[] { "client_id", "client_secret", "format", "grant_type", "refresh_token" }, request.FieldNames);
            Assert.Equal(Secrets.ClientId, request.Field("client_id"));
            Assert.Equal(Secrets.ClientSecret, request.Field("client_secret"));
        }
        else
        {
            Assert.Equal(Secrets.ClientId + ":" + Secrets.ClientSecret, request.BasicCredentials);
            Assert.Equal(new[] { "format", "grant_type", "refresh_token" }, request.FieldNames);
        }
    }

    [Theory]
    [InlineData(ClientAuthentication.Body)]
    [InlineData(ClientAuthentication.Basic)]
    public async Task Refresh_flow_for_a_public_app_sends_the_client_id_in_the_body_and_no_secret(ClientAuthentication auth)
    {
        using var harness = new Harness(TestOrg.Refresh(auth) with { ClientSecret = null });

        await harness.Client.GetTokenAsync();

        var request = harness.Endpoint.Last;
        Assert.Null(request.Authorization);
        Assert.Equal(new[] { "client_id", "format", "grant_type", "refresh_token" }, request.FieldNames);
    }

    [Fact]
    public async Task Basic_credentials_are_not_form_encoded_before_base64()
    {
        using var harness = new Harness(TestOrg.Password(ClientAuthentication.Basic));

        await harness.Client.GetTokenAsync();

        var expected = Convert.ToBase64String(Encoding.UTF8.GetBytes(Secrets.ClientId + ":" + Secrets.ClientSecret));
        Assert.Equal(expected, harness.Endpoint.Last.Authorization!.Parameter);
    }

    [Theory]
    [InlineData("https://example.my.salesforce.com/", "https://example.my.salesforce.com/services/oauth2/token")]
    [InlineData("https://example.my.site.com/partners", "https://example.my.site.com/partners/services/oauth2/token")]
    [InlineData("http://127.0.0.1:5123", "http://127.0.0.1:5123/services/oauth2/token")]
    public async Task The_token_endpoint_is_under_the_login_url(string loginUrl, string endpoint)
    {
        using var harness = new Harness(TestOrg.Password() with { LoginUrl = new Uri(loginUrl) });

        await harness.Client.GetTokenAsync();

        Assert.Equal(endpoint, harness.Endpoint.Last.Uri!.AbsoluteUri);
        Assert.Equal(endpoint, harness.Client.TokenEndpoint.AbsoluteUri);
    }
}
