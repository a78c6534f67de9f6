using System.CommandLine;
using System.Globalization;
using SfOAuthGen.Runtime;

namespace SfOAuthGen.Tool.Commands;

/// <summary>
/// One <c>sfauth</c> command: its org argument, the common options, and the mapping of failures to exit codes and
/// one-line messages, so each command only says what it does.
/// </summary>
internal abstract class ToolCommand : Command
{
    private readonly Option<string> _manifest = Value("--manifest", "PATH", "the manifest (default ./sfauth.json)");
    private readonly Option<string> _envFile = Value("--env-file", "PATH", "the environment file env:NAME references are read from and stored in (default .env beside the manifest)");
    private readonly Option<string> _secretsFile = Value("--secrets-file", "PATH", "the user-secrets JSON file config:Key references use");
    private readonly Option<string> _userSecretsId = Value("--user-secrets-id", "ID", "use dotnet user-secrets' file for this id (default: <UserSecretsId> of a project beside the manifest)");
    private readonly Option<string>? _loginUrl;
    private readonly Option<string>? _tokenStore;

    protected ToolCommand(string name, string summary, string description, ToolOutput output, bool orgRequired = true, bool connects = true, bool sharesChain = false)
        : base(name, description)
    {
        Summary = summary;
        Synopsis = orgRequired ? $"sfauth {name} <Org>" : $"sfauth {name} [<Org>]";
        Output = output;
        OrgArgument = new Argument<string>("Org")
        {
            Description = "the org's name in sfauth.json",
            Arity = orgRequired ? ArgumentArity.ExactlyOne : ArgumentArity.ZeroOrOne,
        };
        Arguments.Add(OrgArgument);
        Options.Add(_manifest);
        if (connects)
        {
            _loginUrl = Value("--login-url", "URL", "use this login URL instead of the org's (a sandbox host, a test server)");
            Options.Add(_loginUrl);
        }

        Options.Add(_envFile);
        Options.Add(_secretsFile);
        Options.Add(_userSecretsId);
        if (sharesChain)
        {
            _tokenStore = Value(
                "--token-store", "DIR",
                "share the org's refresh-token chain with the services on this machine that call AddFileTokenStore(DIR)");
            Options.Add(_tokenStore);
        }

        SetAction(InvokeAsync);
    }

    /// <summary>One line for the overview of 'sfauth --help'.</summary>
    public string Summary { get; }

    /// <summary>The command and its argument, for the overview.</summary>
    public string Synopsis { get; }

    protected Argument<string> OrgArgument { get; }

    protected ToolOutput Output { get; }

    protected static Option<string> Value(string name, string valueName, string description) =>
        new(name) { Description = description, HelpName = valueName };

    protected static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    /// <summary>The first seven characters and the length: enough to tell tokens apart, not to use one.</summary>
    protected static string Mask(string secret) =>
        secret.Length <= 12 ? "(redacted)" : string.Concat(secret.AsSpan(0, 7), "…(", secret.Length.ToString(CultureInfo.InvariantCulture), " chars, redacted)");

    /// <summary>Does the command's work; throws the exceptions <see cref="InvokeAsync"/> maps to exit codes.</summary>
    protected abstract Task<int> RunAsync(ToolContext context, ParseResult arguments, CancellationToken cancellationToken);

    private async Task<int> InvokeAsync(ParseResult arguments, CancellationToken cancellationToken)
    {
        try
        {
            var context = ToolContext.Create(new CommonArguments(
                arguments.GetValue(_manifest), _loginUrl is null ? null : arguments.GetValue(_loginUrl), arguments.GetValue(_envFile),
                arguments.GetValue(_secretsFile), arguments.GetValue(_userSecretsId), _tokenStore is null ? null : arguments.GetValue(_tokenStore)));
            return await RunAsync(context, arguments, cancellationToken).ConfigureAwait(false);
        }
        catch (UsageException ex)
        {
            return await Output.UsageErrorAsync(ex.Message, Name).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SalesforceAuthException or TokenStoreUnavailableException)
        {
            return await Output.ErrorAsync(ex.Message, SfAuthTool.Refused).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Output.Stderr.WriteLineAsync("cancelled.").ConfigureAwait(false);
            return SfAuthTool.Cancelled;
        }
        catch (Exception ex) when (ex is ManifestException or SalesforceConfigurationException or IOException or UnauthorizedAccessException
                                       or InvalidOperationException or System.Text.Json.JsonException)
        {
            return await Output.ErrorAsync(ex.Message, SfAuthTool.Configuration).ConfigureAwait(false);
        }
    }
}

/// <summary>Where a run writes: results to <see cref="Stdout"/>, errors and progress notes to <see cref="Stderr"/>.</summary>
internal sealed record ToolOutput(TextWriter Stdout, TextWriter Stderr)
{
    public async Task<int> ErrorAsync(string message, int exitCode)
    {
        await Stderr.WriteLineAsync("error: " + message).ConfigureAwait(false);
        return exitCode;
    }

    public async Task<int> UsageErrorAsync(string problem, string? command)
    {
        await Stderr.WriteLineAsync($"error: {problem}\nRun 'sfauth {(command is null ? string.Empty : command + " ")}--help' for usage.").ConfigureAwait(false);
        return SfAuthTool.Usage;
    }
}
