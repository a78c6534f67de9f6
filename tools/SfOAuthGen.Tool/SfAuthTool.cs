using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using SfOAuthGen.Runtime;
using SfOAuthGen.Vocabulary;

namespace SfOAuthGen.Tool;

/// <summary>
/// <c>sfauth</c>: logs in to a Salesforce org with the web-server flow (PKCE) and stores its refresh token, prints fresh
/// access tokens, revokes, and checks <c>sfauth.json</c>. Reads the manifest at run time; does not use the generator.
/// </summary>
public static class SfAuthTool
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>Salesforce refused the request, or it could not be completed (network, timeout, maintenance).</summary>
    public const int Refused = 1;

    /// <summary>The command line is wrong: unknown command or option, missing argument, unknown org.</summary>
    public const int Usage = 2;

    /// <summary>The manifest or an org's configuration is wrong: invalid JSON, a missing field, an unresolved reference.</summary>
    public const int Configuration = 3;

    /// <summary>The browser login did not complete: timed out, access denied, no refresh token issued.</summary>
    public const int LoginIncomplete = 4;

    /// <summary>Cancelled (Ctrl+C).</summary>
    public const int Cancelled = 130;

    private const string CommonOptions = """
          --manifest PATH          the manifest (default ./sfauth.json)
          --login-url URL          use this login URL instead of the org's (a sandbox host, a test server)
          --env-file PATH          the environment file env:NAME references are read from and stored in (default .env beside the manifest)
          --secrets-file PATH      the user-secrets JSON file config:Key references use
          --user-secrets-id ID     use dotnet user-secrets' file for this id (default: <UserSecretsId> of a project beside the manifest)
          -h, --help               show help
        """;

    private static readonly Dictionary<string, (string Usage, string Text, string[] Options, string[] Flags)> Commands = new(StringComparer.Ordinal)
    {
        ["login"] = (
            "sfauth login <Org> [options]",
            """
            Runs the web-server flow with PKCE for <Org>: prints (and opens) the authorize URL, listens on the org's loopback
            redirectUri, exchanges the code and stores the refresh token where the org's refreshToken reference points
            (env:NAME -> the env file, config:Key -> the user-secrets file, file:path -> that file). Prints the refresh token
            masked unless --show-secrets.

              --redirect-uri URL       listen on this loopback URL instead of the org's redirectUri (port 0: any free port)
              --no-browser             do not try to open a browser; only print the URL
              --timeout SECONDS        how long to wait for the browser (default 300)
              --show-secrets           print the refresh token in full
            """,
            ["--manifest", "--login-url", "--env-file", "--secrets-file", "--user-secrets-id", "--redirect-uri", "--timeout"],
            ["--no-browser", "--show-secrets"]),
        ["token"] = (
            "sfauth token <Org> [options]",
            """
            Gets a fresh access token for <Org> with its configured flow and prints it with the instance URL, as
            SF_INSTANCE_URL=... and SF_ACCESS_TOKEN=... lines (for curl: export $(sfauth token <Org> | xargs)).
            Printing the access token is this command's purpose: it is a credential, keep the output private.
            A rotated refresh token is stored back where the org's reference points.
            """,
            ["--manifest", "--login-url", "--env-file", "--secrets-file", "--user-secrets-id"],
            []),
        ["revoke"] = (
            "sfauth revoke <Org> [options]",
            """
            Revokes <Org>'s stored refresh token at /services/oauth2/revoke (which ends its access tokens too) and removes it
            from where the org's refreshToken reference points.
            """,
            ["--manifest", "--login-url", "--env-file", "--secrets-file", "--user-secrets-id"],
            []),
        ["check"] = (
            "sfauth check [<Org>] [options]",
            """
            Validates the manifest and reports, for each org (or only <Org>), its flow, missing required fields and whether
            each secret reference resolves. Never prints a secret value. Exit code 3 when anything is wrong.
            """,
            ["--manifest", "--env-file", "--secrets-file", "--user-secrets-id"],
            []),
    };

    /// <summary>The text <c>sfauth --help</c> prints.</summary>
    public static string Help => $"""
        sfauth — Salesforce OAuth for the orgs in sfauth.json

        Usage:
          sfauth login <Org>     log in with the browser (web-server flow + PKCE) and store the org's refresh token
          sfauth token <Org>     print a fresh access token and the instance URL
          sfauth revoke <Org>    revoke the org's refresh token and remove it from its store
          sfauth check [<Org>]   validate sfauth.json and report which references are unresolved

        Run 'sfauth <command> --help' for a command's options.

        Exit codes: 0 success, 1 Salesforce refused or could not be reached, 2 usage error, 3 manifest or configuration
        error, 4 browser login not completed, 130 cancelled.
        """;

    /// <summary>Runs the tool with <paramref name="args"/>; returns the exit code.</summary>
    /// <param name="args">The command line, without the program name.</param>
    /// <param name="stdout">Where results go.</param>
    /// <param name="stderr">Where errors and progress notes go.</param>
    /// <param name="cancellationToken">Stops waiting (Ctrl+C).</param>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await stdout.WriteLineAsync(Help).ConfigureAwait(false);
            return args.Length == 0 ? Usage : Ok;
        }

        if (!Commands.TryGetValue(args[0], out var command))
        {
            return await UsageErrorAsync(stderr, $"unknown command '{args[0]}'; use login, token, revoke or check.").ConfigureAwait(false);
        }

        if (!TryParse(args.AsSpan(1), command.Options, command.Flags, out var parsed, out var problem))
        {
            return await UsageErrorAsync(stderr, problem!, args[0]).ConfigureAwait(false);
        }

        if (parsed.Flags.Contains("--help"))
        {
            await stdout.WriteLineAsync($"Usage: {command.Usage}\n\n{command.Text}\nCommon options:\n{CommonOptions}").ConfigureAwait(false);
            return Ok;
        }

        var orgName = parsed.Positional.FirstOrDefault();
        if (parsed.Positional.Count > 1 || (orgName is null && args[0] != "check"))
        {
            return await UsageErrorAsync(stderr, orgName is null ? "name the org (as in sfauth.json)." : "give one org only.", args[0]).ConfigureAwait(false);
        }

        try
        {
            var context = Context.Create(parsed);
            return args[0] switch
            {
                "login" => await LoginAsync(context, orgName!, parsed, stdout, stderr, cancellationToken).ConfigureAwait(false),
                "token" => await TokenAsync(context, orgName!, stdout, stderr, cancellationToken).ConfigureAwait(false),
                "revoke" => await RevokeAsync(context, orgName!, stdout, cancellationToken).ConfigureAwait(false),
                _ => await CheckAsync(context, orgName, stdout, stderr, cancellationToken).ConfigureAwait(false),
            };
        }
        catch (UsageException ex)
        {
            return await UsageErrorAsync(stderr, ex.Message, args[0]).ConfigureAwait(false);
        }
        catch (ManifestException ex)
        {
            await stderr.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            return Configuration;
        }
        catch (SalesforceConfigurationException ex)
        {
            await stderr.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            return Configuration;
        }
        catch (SalesforceAuthException ex)
        {
            await stderr.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            return Refused;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("cancelled.").ConfigureAwait(false);
            return Cancelled;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or System.Text.Json.JsonException)
        {
            await stderr.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            return Configuration;
        }
    }

    private static async Task<int> LoginAsync(Context context, string orgName, Parsed parsed, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var settings = context.Settings(orgName);
        if (settings.Flow is not (SalesforceFlow.WebServer or SalesforceFlow.RefreshToken))
        {
            throw new UsageException(
                $"org '{orgName}' uses the {SalesforceFlowNames.NameOf(settings.Flow)} flow, which needs no browser login; 'sfauth token {orgName}' gets a token. (Set \"flow\": \"web_server\" to log in with a browser.)");
        }

        var reference = settings.RefreshToken ?? throw new SalesforceConfigurationException(
            orgName, "refreshToken",
            $"Salesforce org '{orgName}': sfauth login stores the refresh token where 'refreshToken' points, and it is not set; add for example \"refreshToken\": \"env:SF_{orgName.ToUpperInvariant()}_REFRESH_TOKEN\" to the org in sfauth.json.");
        if (!SecretStore.IsWritable(reference))
        {
            throw new SalesforceConfigurationException(
                orgName, "refreshToken", $"Salesforce org '{orgName}': 'refreshToken' is a literal; sfauth login needs a reference to store into (env:NAME, config:Key or file:path).");
        }

        var timeout = TimeSpan.FromSeconds(300);
        if (parsed.Options.TryGetValue("--timeout", out var timeoutText))
        {
            timeout = double.TryParse(timeoutText, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
                ? TimeSpan.FromSeconds(seconds)
                : throw new UsageException($"--timeout must be a positive number of seconds, not '{timeoutText}'.");
        }

        var redirect = parsed.Options.TryGetValue("--redirect-uri", out var redirectText)
            ? (Uri.TryCreate(redirectText, UriKind.Absolute, out var given) ? given : throw new UsageException($"--redirect-uri must be an absolute URL, not '{redirectText}'."))
            : settings.RedirectUri ?? throw new SalesforceConfigurationException(
                orgName, "redirectUri", $"Salesforce org '{orgName}': sfauth login needs 'redirectUri', a loopback callback URL registered on the connected app (such as http://localhost:1717/OauthRedirect).");

        LoopbackRedirectListener listener;
        try
        {
            listener = LoopbackRedirectListener.Start(redirect);
        }
        catch (ArgumentException ex)
        {
            throw new SalesforceConfigurationException(orgName, "redirectUri", $"Salesforce org '{orgName}': {ex.Message}");
        }
        catch (SocketException ex)
        {
            throw new IOException($"cannot listen on {redirect} ({ex.SocketErrorCode}): is another login running, or the port in use?", ex);
        }

        using (listener)
        {
            settings = settings with { Flow = SalesforceFlow.WebServer, RedirectUri = listener.RedirectUri };
            using var client = context.Client(settings);
            var request = await client.CreateAuthorizationRequestAsync(cancellationToken).ConfigureAwait(false);
            await stdout.WriteLineAsync($"Open this URL in a browser to log in to '{orgName}':\n  {request.Url.AbsoluteUri}").ConfigureAwait(false);
            await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (!parsed.Flags.Contains("--no-browser"))
            {
                await stderr.WriteLineAsync(TryOpenBrowser(request.Url) ? "(opened your browser)" : "(could not open a browser: open the URL yourself)").ConfigureAwait(false);
            }

            await stderr.WriteLineAsync($"Waiting for Salesforce to redirect to {listener.RedirectUri} (up to {timeout.TotalSeconds:0} s; Ctrl+C to stop)...").ConfigureAwait(false);
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
                    await stderr.WriteLineAsync($"error: no redirect arrived within {timeout.TotalSeconds:0} s; run the login again (and check the connected app's callback URL is {listener.RedirectUri}).").ConfigureAwait(false);
                    return LoginIncomplete;
                }
            }

            string code;
            try
            {
                code = request.ReadCode(callback);
            }
            catch (SalesforceAuthException ex)
            {
                await stderr.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
                return LoginIncomplete;
            }

            var token = await client.ExchangeAuthorizationCodeAsync(code, request.CodeVerifier, cancellationToken).ConfigureAwait(false);
            if (token.RefreshToken is null)
            {
                await stderr.WriteLineAsync(
                    $"error: Salesforce issued no refresh token for '{orgName}'; add the 'refresh_token' (offline_access) scope to the connected app (and to \"scope\" in sfauth.json), then log in again.").ConfigureAwait(false);
                return LoginIncomplete;
            }

            var where = context.Store.Store(reference, token.RefreshToken);
            var shown = parsed.Flags.Contains("--show-secrets") ? token.RefreshToken : Mask(token.RefreshToken);
            await stdout.WriteLineAsync($"Logged in to '{orgName}' ({token.InstanceUrl.GetLeftPart(UriPartial.Authority)}).").ConfigureAwait(false);
            await stdout.WriteLineAsync($"Stored the refresh token {shown} as {reference} in {where}.").ConfigureAwait(false);
            if (reference.Kind == SecretReferenceKind.Environment && Environment.GetEnvironmentVariable(reference.Name) is { Length: > 0 })
            {
                await stderr.WriteLineAsync($"note: {reference.Name} is also set in the environment, which takes precedence over {where}.").ConfigureAwait(false);
            }

            return Ok;
        }
    }

    private static async Task<int> TokenAsync(Context context, string orgName, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var settings = context.Settings(orgName);
        using var client = context.Client(settings);
        var token = await client.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        if (token.RefreshToken is { } rotated && settings.RefreshToken is { } reference && SecretStore.IsWritable(reference))
        {
            var (stored, _) = await context.Store.FindAsync(reference, cancellationToken).ConfigureAwait(false);
            if (stored != rotated)
            {
                // Rotation: the old refresh token is dead now; keep the new one or the next run fails.
                var where = context.Store.Store(reference, rotated);
                await stderr.WriteLineAsync($"Stored the rotated refresh token {Mask(rotated)} as {reference} in {where}.").ConfigureAwait(false);
            }
        }

        await stdout.WriteLineAsync("SF_INSTANCE_URL=" + token.InstanceUrl.GetLeftPart(UriPartial.Authority)).ConfigureAwait(false);
        await stdout.WriteLineAsync("SF_ACCESS_TOKEN=" + token.AccessToken).ConfigureAwait(false);
        return Ok;
    }

    private static async Task<int> RevokeAsync(Context context, string orgName, TextWriter stdout, CancellationToken cancellationToken)
    {
        var settings = context.Settings(orgName);
        if (settings.RefreshToken is not { } reference)
        {
            throw new SalesforceConfigurationException(orgName, "refreshToken", $"Salesforce org '{orgName}' has no 'refreshToken' reference: there is nothing stored to revoke.");
        }

        var (value, where) = await context.Store.FindAsync(reference, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(value))
        {
            throw new SalesforceConfigurationException(orgName, "refreshToken", $"Salesforce org '{orgName}': {reference} is not set in {where}: there is nothing to revoke.");
        }

        using var client = context.Client(settings);
        await client.RevokeAsync(value, cancellationToken).ConfigureAwait(false);
        await stdout.WriteLineAsync($"Revoked the refresh token of '{orgName}' (and its access tokens).").ConfigureAwait(false);
        if (SecretStore.IsWritable(reference) && !(reference.Kind == SecretReferenceKind.Environment && where == "the environment"))
        {
            var file = context.Store.Store(reference, null);
            await stdout.WriteLineAsync($"Removed {reference} from {file}.").ConfigureAwait(false);
        }

        return Ok;
    }

    private static async Task<int> CheckAsync(Context context, string? orgName, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var orgs = context.Orgs;
        if (orgName is not null)
        {
            orgs = [context.Org(orgName)];
        }

        if (orgs.Count == 0)
        {
            await stderr.WriteLineAsync($"error: {context.ManifestPath}: no orgs under \"orgs\".").ConfigureAwait(false);
            return Configuration;
        }

        var problems = 0;
        foreach (var org in orgs)
        {
            SalesforceOrgSettings settings;
            try
            {
                settings = org.ToSettings();
            }
            catch (ManifestException ex)
            {
                await stdout.WriteLineAsync($"{org.Name}: invalid").ConfigureAwait(false);
                await stdout.WriteLineAsync($"  error: {ex.Message}").ConfigureAwait(false);
                problems++;
                continue;
            }

            await stdout.WriteLineAsync($"{org.Name}: {SalesforceFlowNames.NameOf(settings.Flow)} flow, {settings.LoginUrl}").ConfigureAwait(false);
            foreach (var field in ManifestOrg.RequiredFields(settings.Flow).Where(f => !org.Fields.ContainsKey(f)))
            {
                await stdout.WriteLineAsync($"  error: {context.ManifestPath}({org.Line}): orgs.{org.Name}: '{field}' is required by the {SalesforceFlowNames.NameOf(settings.Flow)} flow").ConfigureAwait(false);
                problems++;
            }

            if (settings.Flow == SalesforceFlow.ClientCredentials && (settings.LoginUrl.Host is "login.salesforce.com" or "test.salesforce.com"))
            {
                await stdout.WriteLineAsync($"  error: {context.ManifestPath}({org.Fields["loginUrl"].Line}): orgs.{org.Name}.loginUrl: client_credentials needs the org's My Domain URL, not {settings.LoginUrl.Host}").ConfigureAwait(false);
                problems++;
            }

            if (settings.Flow == SalesforceFlow.Password)
            {
                await stdout.WriteLineAsync("  warning: Salesforce retires the username-password flow on 2027-02-20; move this org to jwt_bearer, client_credentials or web_server.").ConfigureAwait(false);
            }

            foreach (var field in ManifestOrg.SecretFields)
            {
                if (!org.Fields.TryGetValue(field, out var written) || written.Text is null)
                {
                    continue;
                }

                var reference = SecretReference.Parse(written.Text);
                var (value, where) = await context.Store.FindAsync(reference, cancellationToken).ConfigureAwait(false);
                var shownReference = reference.Kind == SecretReferenceKind.Literal ? "(literal in sfauth.json)" : reference.ToString();
                if (string.IsNullOrEmpty(value))
                {
                    var hint = field == "refreshToken" && settings.Flow is SalesforceFlow.WebServer or SalesforceFlow.RefreshToken
                        ? $"; run 'sfauth login {org.Name}'"
                        : string.Empty;
                    await stdout.WriteLineAsync($"  {field,-14} {shownReference}: unresolved (not found in {where}){hint}").ConfigureAwait(false);
                    problems++;
                }
                else
                {
                    await stdout.WriteLineAsync($"  {field,-14} {shownReference}: resolved ({where})").ConfigureAwait(false);
                }
            }
        }

        await stdout.WriteLineAsync(problems == 0 ? "OK: every reference resolves." : $"{problems} problem(s).").ConfigureAwait(false);
        return problems == 0 ? Ok : Configuration;
    }

    /// <summary>The first seven characters and the length: enough to tell tokens apart, not to use one.</summary>
    internal static string Mask(string secret) =>
        secret.Length <= 12 ? "(redacted)" : string.Concat(secret.AsSpan(0, 7), "…(", secret.Length.ToString(CultureInfo.InvariantCulture), " chars, redacted)");

    private static bool TryOpenBrowser(Uri url)
    {
        try
        {
            var start = OperatingSystem.IsWindows()
                ? new ProcessStartInfo(url.AbsoluteUri) { UseShellExecute = true }
                : new ProcessStartInfo(OperatingSystem.IsMacOS() ? "open" : "xdg-open", url.AbsoluteUri) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start);
            return process is not null;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or PlatformNotSupportedException)
        {
            return false;
        }
    }

    private static async Task<int> UsageErrorAsync(TextWriter stderr, string problem, string? command = null)
    {
        await stderr.WriteLineAsync($"error: {problem}\nRun 'sfauth {(command is null ? string.Empty : command + " ")}--help' for usage.").ConfigureAwait(false);
        return Usage;
    }

    private static bool TryParse(ReadOnlySpan<string> args, string[] options, string[] flags, out Parsed parsed, out string? problem)
    {
        parsed = new Parsed();
        problem = null;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help" or "-?")
            {
                parsed.Flags.Add("--help");
                continue;
            }

            if (!arg.StartsWith('-'))
            {
                parsed.Positional.Add(arg);
                continue;
            }

            var name = arg;
            string? value = null;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                name = arg[..equals];
                value = arg[(equals + 1)..];
            }

            if (flags.Contains(name) && value is null)
            {
                parsed.Flags.Add(name);
            }
            else if (options.Contains(name))
            {
                if (value is null)
                {
                    if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        problem = $"{name} needs a value.";
                        return false;
                    }

                    value = args[++i];
                }

                parsed.Options[name] = value;
            }
            else
            {
                problem = $"unknown option '{name}'.";
                return false;
            }
        }

        return true;
    }

    private sealed class Parsed
    {
        public List<string> Positional { get; } = [];

        public Dictionary<string, string> Options { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Flags { get; } = new(StringComparer.Ordinal);
    }

    private sealed class UsageException(string message) : Exception(message);

    /// <summary>The manifest, the secret store and the login URL override, built from the common options.</summary>
    private sealed class Context
    {
        private readonly Uri? _loginUrl;
        private IReadOnlyList<ManifestOrg>? _orgs;

        private Context(string manifestPath, SecretStore store, Uri? loginUrl)
        {
            ManifestPath = manifestPath;
            Store = store;
            _loginUrl = loginUrl;
        }

        public string ManifestPath { get; }

        public SecretStore Store { get; }

        public IReadOnlyList<ManifestOrg> Orgs => _orgs ??= ManifestReader.Read(ManifestPath);

        public static Context Create(Parsed parsed)
        {
            var manifest = Path.GetFullPath(parsed.Options.GetValueOrDefault("--manifest") ?? "sfauth.json");
            var directory = Path.GetDirectoryName(manifest)!;
            var envFile = parsed.Options.GetValueOrDefault("--env-file") ?? Path.Combine(directory, ".env");
            Uri? loginUrl = null;
            if (parsed.Options.TryGetValue("--login-url", out var loginText) && !Uri.TryCreate(loginText, UriKind.Absolute, out loginUrl))
            {
                throw new UsageException($"--login-url must be an absolute URL, not '{loginText}'.");
            }

            string? secretsFile = null;
            var resolved = false;
            var store = new SecretStore(envFile, () =>
            {
                // Found on first use only: most commands never touch config: references.
                if (!resolved)
                {
                    resolved = true;
                    secretsFile = parsed.Options.GetValueOrDefault("--secrets-file") is { } explicitFile
                        ? Path.GetFullPath(explicitFile)
                        : (parsed.Options.GetValueOrDefault("--user-secrets-id") ?? SecretStore.FindUserSecretsId(directory)) is { } id
                            ? SecretStore.UserSecretsPath(id)
                            : null;
                }

                return secretsFile;
            });
            return new Context(manifest, store, loginUrl);
        }

        public ManifestOrg Org(string name) =>
            Orgs.FirstOrDefault(o => o.Name == name)
            ?? throw new UsageException($"there is no org '{name}' in {ManifestPath}; it has: {(Orgs.Count == 0 ? "(none)" : string.Join(", ", Orgs.Select(o => o.Name)))}.");

        public SalesforceOrgSettings Settings(string name) => Org(name).ToSettings();

        public SalesforceTokenClient Client(SalesforceOrgSettings settings) =>
            new(settings, new SalesforceTokenClientOptions { LoginUrl = _loginUrl, SecretResolver = Store, FailureBackoff = TimeSpan.Zero });
    }
}
