using System.Net;
using System.Text.Json.Nodes;
using System.Web;
using Microsoft.Extensions.Time.Testing;
using SfOAuthGen.IntegrationTests.Infrastructure;
using SfOAuthGen.Runtime;
using SfOAuthGen.Samples.Integration;
using SfOAuthGen.Testing;

namespace SfOAuthGen.IntegrationTests;

/// <summary>
/// The client_credentials org (Integration) of this project's sfauth.json through its generated class, against a
/// cassette: Basic authentication, renewal, the generic login hosts it refuses, and a wrong secret. Every test ends by
/// searching everything printed for secrets.
/// </summary>
public class ClientCredentialsOrgTests : GeneratedOrgFlowTests
{
    [Fact]
    public async Task Client_credentials_org_gets_a_token_with_Basic_authentication_and_asks_again_to_renew()
    {
        var cassette = new Cassette().Add(ClientCredentialsSuccess("access_token")).Add(ClientCredentialsSuccess("access_token_2"));
        await using var server = await Secrets.StartServerAsync(Transcript, cassette);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var wire = new RequestCapture();
        using var http = new HttpClient(wire);
        using var client = IntegrationOrg.CreateClient(Secrets.Options(server, Transcript, clock, http));

        var token = await client.GetTokenAsync();
        clock.Advance(IntegrationOrg.Settings.SessionLifetime);
        var renewed = await client.GetTokenAsync();

        Assert.Equal(server.Secrets["access_token"], token.AccessToken);
        Assert.Equal(server.Secrets["access_token_2"], renewed.AccessToken);
        Assert.Equal("api", token.Scope);
        Assert.Null(token.RefreshToken);
        Assert.NotNull(token.Signature); // verified against the client secret, or GetTokenAsync would have thrown
        Assert.Equal(["Basic", "Basic"], wire.AuthorizationSchemes);   // "clientAuth": "basic" in the manifest
        Assert.All(wire.Forms, f => Assert.False(f.ContainsKey("client_secret")));
        Assert.All(wire.Forms, f => Assert.Equal("client_credentials", f["grant_type"]));
        server.AssertAllMatched(); // client id and secret pinned to this test's values, from the Basic header
        server.AssertAllUsed();
        Transcript.Add(token.ToString());
        AssertNoSecret(server);
    }

    public static TheoryData<string> GenericLoginHosts => ["https://login.salesforce.com", "https://test.salesforce.com"];

    [Theory]
    [MemberData(nameof(GenericLoginHosts))]
    public async Task Client_credentials_org_on_a_generic_login_host_is_refused_before_any_request(string loginUrl)
    {
        var settings = IntegrationOrg.Settings with { LoginUrl = new Uri(loginUrl) };
        using var network = new NoNetwork();
        using var http = new HttpClient(network);
        using var client = new SalesforceTokenClient(settings, new SalesforceTokenClientOptions { HttpClient = http, SecretResolver = Secrets });

        var exception = await Assert.ThrowsAsync<SalesforceConfigurationException>(async () => await client.GetTokenAsync());

        Assert.Equal("loginUrl", exception.Field);
        Assert.Equal("Integration", exception.OrgName);
        Assert.Contains("My Domain", exception.Message, StringComparison.Ordinal);
        Assert.Contains(new Uri(loginUrl).Host, exception.Message, StringComparison.Ordinal);
        Assert.Equal(0, network.Requests);
        Transcript.Add(exception);
        Transcript.AssertNoSecret(Credentials, Secrets.HeldAndIssued());
    }

    [Fact]
    public async Task Client_credentials_with_a_wrong_secret_gets_invalid_client_and_the_client_secret_hint()
    {
        var cassette = new Cassette()
            .Add(ClientCredentialsSuccess("access_token"))
            .Add(new Interaction(
                RequestPattern.Post().WithForm("grant_type", "client_credentials"),
                ResponseTemplate.FromJson(400, "{\"error\":\"invalid_client\",\"error_description\":\"invalid client Credentials\"}")).Repeating());
        Secrets.Set("SF_INT_CLIENT_SECRET", "wrong+" + Guid.NewGuid().ToString("N") + "/=");
        await using var server = await Secrets.StartServerAsync(Transcript, cassette);
        using var client = IntegrationOrg.CreateClient(Secrets.Options(server, Transcript));

        var exception = await Assert.ThrowsAsync<SalesforceAuthException>(async () => await client.GetTokenAsync());

        Assert.Equal("invalid_client", exception.Error);
        Assert.Equal("invalid client Credentials", exception.ErrorDescription);
        Assert.Equal(HttpStatusCode.BadRequest, exception.StatusCode);
        Assert.False(exception.IsTransient);
        Assert.Contains("clientSecret", exception.Hint, StringComparison.Ordinal);
        Assert.Equal(1, TokenRequests());
        Assert.Equal(["'client Credentials success (access_token)' (POST /services/oauth2/token)"], server.UnusedInteractions.Select(i => i.ToString()));
        Transcript.Add(exception);
        AssertNoSecret(server);
    }

    private static Interaction ClientCredentialsSuccess(string accessToken) => new Interaction(
        RequestPattern.Post()
            .WithForm("grant_type", "client_credentials")
            .WithForm("scope", "api")
            .WithForm("client_id", "{{secret:client_id}}")
            .WithForm("client_secret", "{{secret:client_secret}}"),
        ResponseTemplate.FromJson(200, new JsonObject
        {
            ["access_token"] = "{{secret:" + accessToken + "}}",
            ["id"] = "https://contoso.my.salesforce.com/id/00DFAKE00000001/005FAKE00000001",
            ["instance_url"] = "https://contoso.my.salesforce.com",
            ["issued_at"] = "1735689600000",
            ["scope"] = "api",
            ["signature"] = "{{signature}}",
            ["token_type"] = "Bearer",
        })).Named("client Credentials success (" + accessToken + ")");

    /// <summary>Records each request's Authorization scheme and form fields, then sends it.</summary>
    private sealed class RequestCapture() : DelegatingHandler(new SocketsHttpHandler { UseProxy = false })
    {
        private readonly List<(string? Scheme, Dictionary<string, string> Form)> seen = [];

        public string[] AuthorizationSchemes
        {
            get
            {
                lock (seen)
                {
                    return seen.Select(s => s.Scheme ?? "(none)").ToArray();
                }
            }
        }

        public Dictionary<string, string>[] Forms
        {
            get
            {
                lock (seen)
                {
                    return seen.Select(s => s.Form).ToArray();
                }
            }
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
            var form = HttpUtility.ParseQueryString(body);
            var fields = form.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => form[k]!, StringComparer.Ordinal);
            lock (seen)
            {
                seen.Add((request.Headers.Authorization?.Scheme, fields));
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>Stands in for the network where no request may be sent: counts attempts and sends nothing.</summary>
    private sealed class NoNetwork : HttpMessageHandler
    {
        private int requests;

        public int Requests => Volatile.Read(ref requests);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref requests);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        }
    }
}
