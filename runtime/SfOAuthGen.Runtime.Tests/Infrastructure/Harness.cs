using Microsoft.Extensions.Time.Testing;

namespace SfOAuthGen.Runtime.Tests.Infrastructure;

internal static class TestOrg
{
    public const string Name = "Witness";

    public static SalesforceOrgSettings Password(ClientAuthentication auth = ClientAuthentication.Body) => new()
    {
        Name = Name,
        LoginUrl = new Uri("https://test.salesforce.com"),
        Flow = SalesforceFlow.Password,
        ClientAuthentication = auth,
        ClientId = SecretReference.Literal(Secrets.ClientId),
        ClientSecret = SecretReference.Literal(Secrets.ClientSecret),
        Username = SecretReference.Literal(Secrets.Username),
        Password = SecretReference.Literal(Secrets.Password),
        SecurityToken = SecretReference.Literal(Secrets.SecurityToken),
        SessionLifetime = TimeSpan.FromHours(2),
        RenewalMargin = TimeSpan.FromMinutes(5),
    };

    public static SalesforceOrgSettings Refresh(ClientAuthentication auth = ClientAuthentication.Body) => new()
    {
        Name = Name,
        LoginUrl = new Uri("https://test.salesforce.com"),
        Flow = SalesforceFlow.RefreshToken,
        ClientAuthentication = auth,
        ClientId = SecretReference.Literal(Secrets.ClientId),
        ClientSecret = SecretReference.Literal(Secrets.ClientSecret),
        RefreshToken = SecretReference.Literal(Secrets.RefreshToken),
    };
}

/// <summary>A token client wired to a fake endpoint and a fake clock.</summary>
internal sealed class Harness : IDisposable
{
    public Harness(SalesforceOrgSettings? settings = null, TimeSpan? failureBackoff = null, TimeSpan? requestTimeout = null, ISecretResolver? resolver = null)
    {
        Settings = settings ?? TestOrg.Password();
        Client = new SalesforceTokenClient(Settings, new SalesforceTokenClientOptions
        {
            HttpClient = new HttpClient(Endpoint),
            TimeProvider = Time,
            FailureBackoff = failureBackoff ?? TimeSpan.FromSeconds(5),
            RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(30),
            SecretResolver = resolver,
            IsolatedTokenState = true, // tests run in parallel with the same settings: each sees only its own tokens
        });
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    public FakeTokenEndpoint Endpoint { get; } = new();

    public SalesforceOrgSettings Settings { get; }

    public SalesforceTokenClient Client { get; }

    /// <summary>Awaits <paramref name="action"/>'s failure, records it for the leak check, and returns it.</summary>
    public static async Task<T> Fails<T>(Func<Task> action)
        where T : Exception
    {
        var ex = await Assert.ThrowsAsync<T>(action);
        Secrets.Observe(ex);
        return ex;
    }

    public void Dispose() => Client.Dispose();
}
