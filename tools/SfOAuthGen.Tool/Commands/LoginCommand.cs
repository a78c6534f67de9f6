using System.CommandLine;
using System.Globalization;
using System.Net.Sockets;
using SfOAuthGen.Runtime;
using SfOAuthGen.Vocabulary;

namespace SfOAuthGen.Tool.Commands;

/// <summary><c>sfauth login &lt;Org&gt;</c>: the web-server flow with PKCE in the user's browser; stores the refresh token.</summary>
internal sealed class LoginCommand : ToolCommand
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(300);

    private readonly Option<string> _redirectUri = Value("--redirect-uri", "URL", "listen on this loopback URL instead of the org's redirectUri (port 0: any free port)");
    private readonly Option<bool> _noBrowser = Flag("--no-browser", "do not try to open a browser; only print the URL");
    private readonly Option<string> _timeout = Value("--timeout", "SECONDS", "how long to wait for the browser (default 300)");
    private readonly Option<bool> _showSecrets = Flag("--show-secrets", "print the refresh token in full");

    public LoginCommand(ToolOutput output)
        : base("login", "log in with the browser (web-server flow + PKCE) and store the org's refresh token", """
            Runs the web-server flow with PKCE for <Org>: prints (and opens) the authorize URL, listens on the org's loopback
            redirectUri, exchanges the code and stores the refresh token where the org's refreshToken reference points
            (env:NAME -> the env file, config:Key -> the user-secrets file, file:path -> that file). Prints the refresh token
            masked unless --show-secrets. With --token-store, the new chain's first state also goes to that token store,
            where a service configured with the new refresh token picks it up.
            """, output, sharesChain: true)
    {
        Options.Add(_redirectUri);
        Options.Add(_noBrowser);
        Options.Add(_timeout);
        Options.Add(_showSecrets);
    }

    protected override async Task<int> RunAsync(ToolContext context, ParseResult arguments, CancellationToken cancellationToken)
    {
        var orgName = arguments.GetRequiredValue(OrgArgument);
        var settings = context.Settings(orgName);
        var reference = StorableReference(orgName, settings);
        var timeout = Timeout(arguments.GetValue(_timeout));
        using var listener = StartListener(orgName, RedirectUri(orgName, settings, arguments.GetValue(_redirectUri)));

        // The exchange stays out of the token store: the chain is keyed by the refresh token it is about to issue.
        using var client = context.Client(settings with { Flow = SalesforceFlow.WebServer, RedirectUri = listener.RedirectUri }, throughChainStore: false);
        var request = await client.CreateAuthorizationRequestAsync(cancellationToken).ConfigureAwait(false);
        await Output.Stdout.WriteLineAsync($"Open this URL in a browser to log in to '{orgName}':\n  {request.Url.AbsoluteUri}").ConfigureAwait(false);
        await Output.Stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (!arguments.GetValue(_noBrowser))
        {
            await Output.Stderr.WriteLineAsync(SystemBrowser.TryOpen(request.Url) ? "(opened your browser)" : "(could not open a browser: open the URL yourself)").ConfigureAwait(false);
        }

        var code = await WaitForCodeAsync(listener, request, timeout, cancellationToken).ConfigureAwait(false);
        if (code is null)
        {
            return SfAuthTool.LoginIncomplete;
        }

        var token = await client.ExchangeAuthorizationCodeAsync(code, request.CodeVerifier, cancellationToken).ConfigureAwait(false);
        if (token.RefreshToken is null)
        {
            return await Output.ErrorAsync(
                $"Salesforce issued no refresh token for '{orgName}'; add the 'refresh_token' (offline_access) scope to the connected app (and to \"scope\" in sfauth.json), then log in again.",
                SfAuthTool.LoginIncomplete).ConfigureAwait(false);
        }

        await StoreAsync(context, settings, client.LoginUrl, reference, token, arguments.GetValue(_showSecrets), cancellationToken).ConfigureAwait(false);
        return SfAuthTool.Ok;
    }

    /// <summary>The org's refreshToken reference, which the login writes to; only the flows that use one log in.</summary>
    private static SecretReference StorableReference(string orgName, SalesforceOrgSettings settings)
    {
        if (settings.Flow is not (SalesforceFlow.WebServer or SalesforceFlow.RefreshToken))
        {
            throw new UsageException(
                $"org '{orgName}' uses the {SalesforceFlowNames.NameOf(settings.Flow)} flow, which needs no browser login; 'sfauth token {orgName}' gets a token. (Set \"flow\": \"web_server\" to log in with a browser.)");
        }

        var reference = settings.RefreshToken ?? throw new SalesforceConfigurationException(
            orgName, "refreshToken",
            $"Salesforce org '{orgName}': sfauth login stores the refresh token where 'refreshToken' points, and it is not set; add for example \"refreshToken\": \"env:SF_{orgName.ToUpperInvariant()}_REFRESH_TOKEN\" to the org in sfauth.json.");
        return SecretStore.IsWritable(reference)
            ? reference
            : throw new SalesforceConfigurationException(
                orgName, "refreshToken", $"Salesforce org '{orgName}': 'refreshToken' is a literal; sfauth login needs a reference to store into (env:NAME, config:Key or file:path).");
    }

    private static TimeSpan Timeout(string? text) =>
        text is null
            ? DefaultTimeout
            : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
                ? TimeSpan.FromSeconds(seconds)
                : throw new UsageException($"--timeout must be a positive number of seconds, not '{text}'.");

    private static Uri RedirectUri(string orgName, SalesforceOrgSettings settings, string? given) =>
        given is not null
            ? (Uri.TryCreate(given, UriKind.Absolute, out var uri) ? uri : throw new UsageException($"--redirect-uri must be an absolute URL, not '{given}'."))
            : settings.RedirectUri ?? throw new SalesforceConfigurationException(
                orgName, "redirectUri", $"Salesforce org '{orgName}': sfauth login needs 'redirectUri', a loopback callback URL registered on the connected app (such as http://localhost:1717/OauthRedirect).");

    private static LoopbackRedirectListener StartListener(string orgName, Uri redirect)
    {
        try
        {
            return LoopbackRedirectListener.Start(redirect);
        }
        catch (ArgumentException ex)
        {
            throw new SalesforceConfigurationException(orgName, "redirectUri", $"Salesforce org '{orgName}': {ex.Message}");
        }
        catch (SocketException ex)
        {
            throw new IOException($"cannot listen on {redirect} ({ex.SocketErrorCode}): is another login running, or the port in use?", ex);
        }
    }

    /// <summary>The authorization code from the redirect, or null (reported) when none came in time or Salesforce refused.</summary>
    private async Task<string?> WaitForCodeAsync(LoopbackRedirectListener listener, SalesforceAuthorizationRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await Output.Stderr.WriteLineAsync($"Waiting for Salesforce to redirect to {listener.RedirectUri} (up to {timeout.TotalSeconds:0} s; Ctrl+C to stop)...").ConfigureAwait(false);
        Uri callback;
        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            wait.CancelAfter(timeout);
            try
            {
                callback = await listener.WaitAsync(request.State, wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await Output.ErrorAsync($"no redirect arrived within {timeout.TotalSeconds:0} s; run the login again (and check the connected app's callback URL is {listener.RedirectUri}).", 0).ConfigureAwait(false);
                return null;
            }
        }

        try
        {
            return request.ReadCode(callback);
        }
        catch (SalesforceAuthException ex)
        {
            await Output.ErrorAsync(ex.Message, 0).ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>Stores the new refresh token where the org's reference points and, with --token-store, starts the chain there.</summary>
    private async Task StoreAsync(ToolContext context, SalesforceOrgSettings settings, Uri loginUrl, SecretReference reference, SalesforceToken token, bool showSecrets, CancellationToken cancellationToken)
    {
        var refreshToken = token.RefreshToken!;
        var where = context.Store.Store(reference, refreshToken);
        var shown = showSecrets ? refreshToken : Mask(refreshToken);
        await Output.Stdout.WriteLineAsync($"Logged in to '{settings.Name}' ({token.InstanceUrl.GetLeftPart(UriPartial.Authority)}).").ConfigureAwait(false);
        await Output.Stdout.WriteLineAsync($"Stored the refresh token {shown} as {reference} in {where}.").ConfigureAwait(false);
        if (context.Chains is { } chains && await chains.StartChainAsync(settings, loginUrl, token, refreshToken, cancellationToken).ConfigureAwait(false))
        {
            await Output.Stdout.WriteLineAsync($"Started its token chain in the {chains.Description}.").ConfigureAwait(false);
        }

        if (reference.Kind == SecretReferenceKind.Environment && Environment.GetEnvironmentVariable(reference.Name) is { Length: > 0 })
        {
            await Output.Stderr.WriteLineAsync($"note: {reference.Name} is also set in the environment, which takes precedence over {where}.").ConfigureAwait(false);
        }
    }
}
