using System.Net;
using System.Text.RegularExpressions;

namespace SfOAuthGen.Testing.Tests;

/// <summary>The authorize endpoint's opt-in login form, driven with plain HTTP (the tool's tests drive it with Chromium).</summary>
public class LoginFormTests
{
    private static RecordedResponseServerOptions FormOptions() => new()
    {
        Authorization = new AuthorizationServerOptions { ClientId = AuthorizationServerTests.ClientId, ServesLoginForm = true },
    };

    private static string AuthorizeQuery(string state) =>
        $"response_type=code&client_id={AuthorizationServerTests.ClientId}&redirect_uri={Uri.EscapeDataString(AuthorizationServerTests.RedirectUri)}"
        + $"&code_challenge={AuthorizationServerTests.Challenge(AuthorizationServerTests.Verifier())}&code_challenge_method=S256&state={Uri.EscapeDataString(state)}";

    private static List<(string Name, string Value)> HiddenFields(string html) =>
        Regex.Matches(html, "<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">")
            .Select(m => (WebUtility.HtmlDecode(m.Groups[1].Value), WebUtility.HtmlDecode(m.Groups[2].Value))).ToList();

    [Fact]
    public async Task The_form_carries_the_authorize_request_and_a_right_login_redirects_to_the_app_with_a_code()
    {
        await using var server = await RecordedResponseServer.StartAsync(new Cassette(), FormOptions());
        using var http = TestSupport.Client(server);

        using var page = await http.GetAsync("/services/oauth2/authorize?" + AuthorizeQuery("s\"<t>&1"));
        var html = await page.Content.ReadAsStringAsync();
        var hidden = HiddenFields(html);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains(("state", "s\"<t>&1"), hidden);
        Assert.DoesNotContain("<t>", html, StringComparison.Ordinal); // encoded, not markup

        using var wrong = await http.PostAsync("/services/oauth2/authorize", TestSupport.Form([.. hidden, ("username", "mallory@example.com"), ("pw", "x")]));
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("check your username and password", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var login = await http.PostAsync("/services/oauth2/authorize", TestSupport.Form([.. hidden, ("username", "user@example.com"), ("pw", "secret"), ("Login", "Log In")]));
        Assert.Equal(HttpStatusCode.SeeOther, login.StatusCode);
        using var authorize = await http.GetAsync(login.Headers.Location);
        Assert.Equal(HttpStatusCode.Found, authorize.StatusCode);
        var location = authorize.Headers.Location!;
        Assert.Equal(AuthorizationServerTests.RedirectUri, location.GetLeftPart(UriPartial.Path));
        Assert.Contains("state=" + Uri.EscapeDataString("s\"<t>&1"), location.Query, StringComparison.Ordinal);
        Assert.Contains("code=aPrx", location.Query, StringComparison.Ordinal);
        Assert.Equal(["user@example.com"], server.Authorization!.FormLogins);
    }

    [Fact]
    public async Task Without_the_option_the_authorize_endpoint_redirects_at_once()
    {
        await using var server = await RecordedResponseServer.StartAsync(new Cassette(), AuthorizationServerTests.Options());
        using var http = TestSupport.Client(server);

        using var response = await http.GetAsync("/services/oauth2/authorize?" + AuthorizeQuery("st"));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
    }
}
