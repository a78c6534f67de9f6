using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using SfOAuthGen.Tool.Commands;

namespace SfOAuthGen.Tool;

/// <summary>
/// <c>sfauth</c>: logs in to a Salesforce org with the web-server flow (PKCE) and stores its refresh token, prints fresh
/// access tokens, revokes, and checks <c>sfauth.json</c>. Reads the manifest at run time; does not use the generator.
/// Each command is a class in <c>Commands/</c>; System.CommandLine parses the command line and writes the help.
/// </summary>
public static class SfAuthTool
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>Salesforce refused the request, or it could not be completed (network, timeout, maintenance, token store).</summary>
    public const int Refused = 1;

    /// <summary>The command line is wrong: unknown command or option, missing argument, unknown org.</summary>
    public const int Usage = 2;

    /// <summary>The manifest or an org's configuration is wrong: invalid JSON, a missing field, an unresolved reference.</summary>
    public const int Configuration = 3;

    /// <summary>The browser login did not complete: timed out, access denied, no refresh token issued.</summary>
    public const int LoginIncomplete = 4;

    /// <summary>Cancelled (Ctrl+C).</summary>
    public const int Cancelled = 130;

    private const string Footer = """
        Run 'sfauth <command> --help' for a command's options.

        Exit codes: 0 success, 1 Salesforce (or the token store) refused or could not be reached, 2 usage error,
        3 manifest or configuration error, 4 browser login not completed, 130 cancelled.
        """;

    /// <summary>Runs the tool with <paramref name="args"/>; returns the exit code.</summary>
    /// <param name="args">The command line, without the program name.</param>
    /// <param name="stdout">Where results and help go.</param>
    /// <param name="stderr">Where errors and progress notes go.</param>
    /// <param name="cancellationToken">Stops waiting (Ctrl+C).</param>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        var output = new ToolOutput(stdout, stderr);
        var root = Build(output);
        var invocation = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
        if (args.Length == 0)
        {
            // Help, but as a usage error: a script that runs 'sfauth' without a command is wrong.
            await root.Parse(["--help"]).InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
            return Usage;
        }

        var parsed = root.Parse(args is ["help"] ? ["--help"] : args);
        if (parsed.Action is ParseErrorAction)
        {
            var command = parsed.CommandResult.Command;
            return await output.UsageErrorAsync(ProblemOf(parsed), ReferenceEquals(command, root) ? null : command.Name).ConfigureAwait(false);
        }

        return await parsed.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }

    private static Command Build(ToolOutput output)
    {
        ToolCommand[] commands = [new LoginCommand(output), new TokenCommand(output), new RevokeCommand(output), new CheckCommand(output)];
        var root = new Command("sfauth", "Salesforce OAuth for the orgs in sfauth.json");
        var help = new HelpOption();
        help.Action = new ToolHelpAction((HelpAction)help.Action!, root, output.Stdout, Overview(commands));
        root.Options.Add(help);
        foreach (var command in commands)
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    /// <summary>What 'sfauth --help' prints: one line per command, then the exit codes.</summary>
    private static string Overview(IEnumerable<ToolCommand> commands) =>
        "sfauth — Salesforce OAuth for the orgs in sfauth.json\n\nUsage:\n"
        + string.Concat(commands.Select(c => $"  {c.Synopsis,-22} {c.Summary}\n"))
        + "\n" + Footer;

    /// <summary>The first parse error, in the tool's words where System.CommandLine's are vague.</summary>
    private static string ProblemOf(ParseResult parsed)
    {
        var error = parsed.Errors[0];
        if (parsed.CommandResult.Command.Name == "sfauth" && parsed.UnmatchedTokens.Count > 0)
        {
            return $"unknown command '{parsed.UnmatchedTokens[0]}'; use login, token, revoke or check.";
        }

        return error.Message;
    }

    /// <summary>The overview for 'sfauth --help'; System.CommandLine's own help for each command.</summary>
    private sealed class ToolHelpAction(HelpAction standard, Command root, TextWriter stdout, string overview) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            if (!ReferenceEquals(parseResult.CommandResult.Command, root))
            {
                return standard.Invoke(parseResult);
            }

            stdout.WriteLine(overview);
            return Ok;
        }
    }
}
