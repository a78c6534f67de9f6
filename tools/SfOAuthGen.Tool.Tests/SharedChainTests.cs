using Microsoft.AspNetCore.DataProtection;
using SfOAuthGen.Runtime;
using SfOAuthGen.Testing;

namespace SfOAuthGen.Tool.Tests;

/// <summary>
/// <c>--token-store DIR</c>: the tool and a service on the same machine (a <see cref="SalesforceTokenClient"/> with a
/// <see cref="FileTokenStore"/> in DIR, as <c>AddFileTokenStore(DIR)</c> makes) continue one rotating refresh-token chain.
/// </summary>
public sealed class SharedChainTests
{
    [Fact]
    public async Task Token_and_a_service_sharing_the_file_store_alternate_refreshes_without_reusing_a_superseded_token()
    {
        await using var chain = await RotatingChain.StartAsync();
        using var service = chain.Service();

        var first = await service.GetTokenAsync();
        for (var round = 0; round < 3; round++)
        {
            // The tool renews with the refresh token the service rotated last...
            var renewed = await chain.Workspace.RunAsync(chain.Token("--renew"));
            Assert.Equal(SfAuthTool.Ok, renewed.Code);
            var toolGrant = chain.Authorization.Grants[^1];
            Assert.Contains("SF_ACCESS_TOKEN=" + toolGrant.AccessToken, renewed.Out, StringComparison.Ordinal);
            Assert.Contains("is kept in the file store", renewed.Error, StringComparison.Ordinal);

            // ...the service picks up the tool's token from the store without a request, then renews with the tool's rotation.
            var refreshes = chain.Authorization.Refreshes;
            Assert.Equal(toolGrant.AccessToken, (await service.RefreshAsync()).AccessToken);
            Assert.Equal(refreshes, chain.Authorization.Refreshes);
            await service.RefreshAsync();
            Assert.Equal(toolGrant.RefreshTokenIssued, chain.Authorization.Grants[^1].RefreshTokenSent);
        }

        // Without --renew the tool prints the service's valid token: no request at all.
        var adopted = await chain.Workspace.RunAsync(chain.Token());
        Assert.Contains("SF_ACCESS_TOKEN=" + service.CurrentToken!.AccessToken, adopted.Out, StringComparison.Ordinal);

        var grants = chain.Authorization.Grants;
        Assert.Equal(7, chain.Authorization.Refreshes);
        Assert.Equal(0, chain.Authorization.ReuseViolations);
        Assert.All(grants.Skip(1), (grant, i) => Assert.Equal(grants[i].RefreshTokenIssued, grant.RefreshTokenSent));
        Assert.NotEqual(first.AccessToken, service.CurrentToken.AccessToken);
        Assert.Equal($"{chain.Workspace.Variable}={chain.InitialRefreshToken}\n", File.ReadAllText(chain.Workspace.EnvFile)); // the chain's name stays
        Assert.DoesNotContain(grants[^1].RefreshTokenIssued!, adopted.Out + adopted.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_shared_store_the_tools_rotation_makes_the_services_next_refresh_a_reuse()
    {
        // Why the option exists: the tool writes its rotation to .env, the service still holds the token it superseded.
        await using var chain = await RotatingChain.StartAsync();
        using var service = chain.Service();
        await service.GetTokenAsync();
        File.WriteAllText(chain.Workspace.EnvFile, $"{chain.Workspace.Variable}={chain.Authorization.Grants[^1].RefreshTokenIssued}\n");

        Assert.Equal(SfAuthTool.Ok, (await chain.Workspace.RunAsync(chain.Token().SkipLast(2).ToArray())).Code);
        await Assert.ThrowsAsync<SalesforceAuthException>(async () => await service.RefreshAsync());

        Assert.Equal(1, chain.Authorization.ReuseViolations);
    }

    [Fact]
    public async Task Login_starts_the_chain_in_the_store_where_a_service_configured_with_the_new_token_picks_it_up()
    {
        await using var chain = await RotatingChain.StartAsync();

        var login = await SfAuthToolTests.LoginAsync(chain.Workspace, chain.Server, "Dev", null, "--token-store", chain.StoreDirectory);

        Assert.Equal(SfAuthTool.Ok, login.Code);
        Assert.Contains("Started its token chain in the file store", login.Out, StringComparison.Ordinal);
        var issued = Assert.Single(chain.Authorization.Grants);
        using var service = chain.Service(issued.RefreshTokenIssued!);
        Assert.Equal(issued.AccessToken, (await service.GetTokenAsync()).AccessToken);
        var token = await chain.Workspace.RunAsync(chain.Token());
        Assert.Contains("SF_ACCESS_TOKEN=" + issued.AccessToken, token.Out, StringComparison.Ordinal);
        Assert.Equal(0, chain.Authorization.Refreshes);
        Assert.DoesNotContain(issued.RefreshTokenIssued!, login.Out + login.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_revokes_the_chains_latest_rotation_and_deletes_its_state()
    {
        await using var chain = await RotatingChain.StartAsync();
        using (var service = chain.Service())
        {
            await service.GetTokenAsync();
            await service.RefreshAsync();
        }

        var current = chain.Authorization.Grants[^1].RefreshTokenIssued!;
        var revoke = await chain.Workspace.RunAsync(["revoke", .. chain.Token().Skip(1)]);

        Assert.Equal(SfAuthTool.Ok, revoke.Code);
        Assert.True(chain.Authorization.IsRevoked(current));
        Assert.Contains("Removed the chain's state from the file store", revoke.Out, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(chain.StoreDirectory, "*.json"));
        Assert.False(File.Exists(chain.Workspace.EnvFile) && File.ReadAllText(chain.Workspace.EnvFile).Contains(chain.Workspace.Variable, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData]
    [InlineData("--renew")]
    public async Task A_state_the_service_encrypted_stops_the_tool_with_exit_code_1_naming_the_store_and_nothing_sent(params string[] extra)
    {
        await using var chain = await RotatingChain.StartAsync();
        using (var service = chain.Service(protection: new EphemeralDataProtectionProvider()))
        {
            await service.GetTokenAsync();
        }

        var token = await chain.Workspace.RunAsync(chain.Token(extra));

        Assert.Equal(SfAuthTool.Refused, token.Code);
        Assert.Contains($"token store file store in {chain.StoreDirectory}", token.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, token.Out);
        Assert.Equal(1, chain.Authorization.Refreshes);
        Assert.Equal(0, chain.Authorization.ReuseViolations);
    }

    /// <summary>A rotating org on the loopback server, a workspace whose .env holds the chain's first refresh token, and a store directory.</summary>
    private sealed class RotatingChain : IAsyncDisposable
    {
        private RotatingChain(RecordedResponseServer server)
        {
            Server = server;
            InitialRefreshToken = server.Authorization!.IssueRefreshToken();
            Workspace.WriteManifest(Workspace.WebServerOrg());
            File.WriteAllText(Workspace.EnvFile, $"{Workspace.Variable}={InitialRefreshToken}\n");
        }

        public RecordedResponseServer Server { get; }

        public AuthorizationServer Authorization => Server.Authorization!;

        public Workspace Workspace { get; } = new();

        public string InitialRefreshToken { get; }

        public string StoreDirectory => Path.Combine(Workspace.Directory, "tokens");

        public static async Task<RotatingChain> StartAsync() => new(await RecordedResponseServer.StartAsync(new Cassette(), new RecordedResponseServerOptions
        {
            Authorization = new AuthorizationServerOptions { ClientId = Workspace.ClientId, RotateRefreshTokens = true },
        }));

        /// <summary><c>sfauth token Dev</c> against the server, through the store.</summary>
        public string[] Token(params string[] extra) =>
            ["token", "Dev", "--manifest", Workspace.Manifest, "--login-url", Server.BaseUri.AbsoluteUri, .. extra, "--token-store", StoreDirectory];

        /// <summary>A service of the same org (its settings as generated from the workspace's manifest) with its own store object on the directory.</summary>
        public SalesforceTokenClient Service(string? refreshToken = null, IDataProtectionProvider? protection = null) => new(
            new SalesforceOrgSettings
            {
                Name = "Dev",
                LoginUrl = Server.BaseUri,
                Flow = SalesforceFlow.WebServer,
                ClientId = SecretReference.Literal(Workspace.ClientId),
                RedirectUri = new Uri("http://127.0.0.1:1717/OauthRedirect"),
                Scope = "api refresh_token",
                RefreshToken = SecretReference.Literal(refreshToken ?? InitialRefreshToken),
            },
            new SalesforceTokenClientOptions { TokenStore = new FileTokenStore(StoreDirectory, protection), IsolatedTokenState = true, FailureBackoff = TimeSpan.Zero });

        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            Workspace.Dispose();
        }
    }
}
