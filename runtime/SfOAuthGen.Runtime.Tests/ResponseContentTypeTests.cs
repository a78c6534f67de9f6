using System.Net;
using System.Text;
using SfOAuthGen.Runtime.Tests.Infrastructure;

namespace SfOAuthGen.Runtime.Tests;

/// <summary>
/// The token endpoint's Content-Type is read from the raw header when it is Salesforce's own; every other value goes
/// through the typed header, so a declared charset and an HTML media type keep their meaning.
/// </summary>
public class ResponseContentTypeTests
{
    private const string Description = "authentification échouée";

    [Fact]
    public async Task Salesforces_own_content_type_is_read_as_utf8_json()
    {
        using var harness = new Harness();
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Raw(
            HttpStatusCode.BadRequest, Encoding.UTF8.GetBytes($$"""{"error":"invalid_grant","error_description":"{{Description}}"}"""), "application/json;charset=UTF-8"));

        var ex = await Harness.Fails<SalesforceAuthException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.Equal("invalid_grant", ex.Error);
        Assert.Equal(Description, ex.ErrorDescription);
    }

    [Fact]
    public async Task A_declared_latin1_charset_is_decoded_as_latin1()
    {
        using var harness = new Harness();
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Raw(
            HttpStatusCode.BadRequest, Encoding.Latin1.GetBytes($$"""{"error":"invalid_grant","error_description":"{{Description}}"}"""), "application/json; charset=ISO-8859-1"));

        var ex = await Harness.Fails<SalesforceAuthException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.Equal(Description, ex.ErrorDescription);
    }

    [Fact]
    public async Task A_token_shaped_body_served_as_html_is_refused_as_html()
    {
        using var harness = new Harness();
        var body = JsonBody(Responses.Body());
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Raw(HttpStatusCode.OK, body, "text/html;charset=UTF-8"));

        var ex = await Harness.Fails<SalesforceAuthException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.Contains("HTML", ex.Message, StringComparison.Ordinal);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task A_success_with_salesforces_content_type_and_length_gives_the_token()
    {
        using var harness = new Harness();
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Raw(HttpStatusCode.OK, JsonBody(Responses.Body()), "application/json;charset=UTF-8"));

        var token = await harness.Client.GetTokenAsync();

        Assert.Equal(Secrets.AccessToken, token.AccessToken);
        Assert.Equal(Responses.InstanceUrl, token.InstanceUrl.ToString().TrimEnd('/'));
    }

    private static byte[] JsonBody(object body) => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(body);

    // The header exactly as a server writes it (no typed parsing on the way in), with its Content-Length.
    private static HttpResponseMessage Raw(HttpStatusCode status, byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        Assert.True(content.Headers.TryAddWithoutValidation("Content-Type", contentType));
        Assert.True(content.Headers.TryAddWithoutValidation("Content-Length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return new HttpResponseMessage(status) { Content = content };
    }
}
