using System.Globalization;

namespace SfOAuthGen.Testing;

/// <summary>The standalone program's command line, parsed and checked (see <see cref="StandaloneServer.Usage"/>).</summary>
internal sealed record StandaloneArguments
{
    public bool Help { get; init; }

    public string? Cassette { get; init; }

    public int Port { get; init; }

    public int UnmatchedStatus { get; init; } = 599;

    public Uri? Record { get; init; }

    public string? Out { get; init; }

    public RecordMode? RecordMode { get; init; }

    public Uri? Upstream { get; init; }

    public string? ClientId { get; init; }

    public string? ClientSecret { get; init; }

    public string? Username { get; init; }

    public string? Scope { get; init; }

    public string? JwtPublicKeyFile { get; init; }

    public IReadOnlyList<string> ApprovedUsers { get; init; } = [];

    public TimeSpan? SessionLifetime { get; init; }

    public bool RotateRefreshTokens { get; init; }

    public bool ServeDataApi { get; init; }

    public bool LoginForm { get; init; }

    public SalesforceLimits? Limits { get; init; }

    /// <summary>The built-in OAuth options the arguments ask for, or <see langword="null"/>; reads the JWT key file.</summary>
    /// <exception cref="ArgumentException">The key file cannot be read or holds no PEM key.</exception>
    public AuthorizationServerOptions? Authorization()
    {
        if (ClientId is null)
        {
            return null;
        }

        string? pem = null;
        if (JwtPublicKeyFile is not null)
        {
            try
            {
                pem = File.ReadAllText(JwtPublicKeyFile);
                using var check = System.Security.Cryptography.RSA.Create();
                check.ImportFromPem(pem);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or System.Security.Cryptography.CryptographicException)
            {
                throw new ArgumentException($"--jwt-public-key {JwtPublicKeyFile}: not a readable PEM RSA public key ({e.GetType().Name}).", e);
            }
        }

        var defaults = new AuthorizationServerOptions { ClientId = ClientId };
        return new AuthorizationServerOptions
        {
            ClientId = ClientId,
            ClientSecret = ClientSecret,
            JwtPublicKeyPem = pem,
            ApprovedUsers = ApprovedUsers.Count > 0 ? ApprovedUsers : null,
            Username = Username ?? defaults.Username,
            Scope = Scope ?? defaults.Scope,
            SessionLifetime = SessionLifetime ?? defaults.SessionLifetime,
            RotateRefreshTokens = RotateRefreshTokens,
            ServeDataApi = ServeDataApi,
            ServesLoginForm = LoginForm,
        };
    }

    private static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "--cassette", "--port", "--unmatched-status", "--record", "--out", "--record-mode", "--upstream", "--client-id",
        "--client-secret", "--username", "--scope", "--jwt-public-key", "--approved-user", "--session-lifetime",
        "--logins-per-hour", "--refresh-idle-timeout", "--session-timeout",
    };

    public static bool TryParse(string[] args, out StandaloneArguments parsed, out string problem)
    {
        parsed = new StandaloneArguments();
        problem = string.Empty;
        var limits = new SalesforceLimits();
        var approved = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "--help" or "-h" or "-?")
            {
                parsed = parsed with { Help = true };
                return true;
            }

            if (name is "--rotate-refresh-tokens" or "--serve-data-api" or "--login-form")
            {
                parsed = name switch
                {
                    "--rotate-refresh-tokens" => parsed with { RotateRefreshTokens = true },
                    "--serve-data-api" => parsed with { ServeDataApi = true },
                    _ => parsed with { LoginForm = true },
                };
                continue;
            }

            if (!Names.Contains(name))
            {
                problem = $"unknown argument '{name}'";
                return false;
            }

            if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                problem = $"{name} needs a value";
                return false;
            }

            var value = args[++i];
            switch (name)
            {
                case "--cassette":
                    parsed = parsed with { Cassette = value };
                    break;
                case "--out":
                    parsed = parsed with { Out = value };
                    break;
                case "--port":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
                    {
                        problem = $"--port must be a number from 0 to 65535, not '{value}'";
                        return false;
                    }

                    parsed = parsed with { Port = port };
                    break;
                case "--unmatched-status":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var status) || status is < 100 or > 999)
                    {
                        problem = $"--unmatched-status must be an HTTP status code (100-999), not '{value}'";
                        return false;
                    }

                    parsed = parsed with { UnmatchedStatus = status };
                    break;
                case "--record" or "--upstream":
                    if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                    {
                        problem = $"{name} needs an absolute http(s) URL, not '{value}'";
                        return false;
                    }

                    parsed = name == "--record" ? parsed with { Record = url } : parsed with { Upstream = url };
                    break;
                case "--record-mode":
                    try
                    {
                        parsed = parsed with { RecordMode = RecordModes.Parse(value) };
                    }
                    catch (ArgumentException)
                    {
                        problem = $"--record-mode must be none, once, new_episodes or all, not '{value}'";
                        return false;
                    }

                    break;
                case "--client-id":
                    parsed = parsed with { ClientId = value };
                    break;
                case "--client-secret":
                    parsed = parsed with { ClientSecret = value };
                    break;
                case "--username":
                    parsed = parsed with { Username = value };
                    break;
                case "--scope":
                    parsed = parsed with { Scope = value };
                    break;
                case "--jwt-public-key":
                    parsed = parsed with { JwtPublicKeyFile = value };
                    break;
                case "--approved-user":
                    approved.Add(value);
                    break;
                case "--logins-per-hour":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var logins) || logins < 1)
                    {
                        problem = $"--logins-per-hour must be a whole number of at least 1, not '{value}'";
                        return false;
                    }

                    limits = limits with { LoginsPerHour = logins };
                    break;
                case "--refresh-idle-timeout" or "--session-timeout" or "--session-lifetime":
                    if (!TryParseDuration(value, out var duration))
                    {
                        problem = $"{name} must be a duration such as 90s, 15m, 2h, 30d or 01:30:00, not '{value}'";
                        return false;
                    }

                    parsed = name == "--session-lifetime" ? parsed with { SessionLifetime = duration } : parsed;
                    limits = name switch
                    {
                        "--session-timeout" => limits with { SessionTimeout = duration },
                        "--refresh-idle-timeout" => limits with { RefreshTokenIdleTimeout = duration },
                        _ => limits,
                    };

                    break;
            }
        }

        parsed = parsed with
        {
            ApprovedUsers = approved,
            Limits = limits.LoginsPerHour is null && limits.RefreshTokenIdleTimeout is null && limits.SessionTimeout is null ? null : limits,
        };
        return Check(parsed, out problem);
    }

    private static bool Check(StandaloneArguments parsed, out string problem)
    {
        problem = parsed switch
        {
            { Cassette: not null, Record: not null } => "--cassette and --record cannot be combined",
            { Cassette: null, Record: null, ClientId: null } => "give --cassette FILE (or --record UPSTREAM --out FILE, or --client-id KEY)",
            { Record: not null, Out: null } => "--record needs --out FILE",
            { Record: null, Out: not null } => "--out is only for --record",
            { RecordMode: not null, Cassette: null } => "--record-mode needs --cassette FILE (the file it reads and writes)",
            { RecordMode: not (null or SfOAuthGen.Testing.RecordMode.None), Upstream: null } => "--record-mode " + RecordModes.Name(parsed.RecordMode!.Value) + " needs --upstream URL",
            { ClientId: null, ClientSecret: not null } or { ClientId: null, JwtPublicKeyFile: not null } or { ClientId: null, ApprovedUsers.Count: > 0 }
                or { ClientId: null, RotateRefreshTokens: true } or { ClientId: null, ServeDataApi: true } or { ClientId: null, LoginForm: true }
                => "--client-secret, --jwt-public-key, --approved-user, --rotate-refresh-tokens, --serve-data-api and --login-form need --client-id KEY",
            _ => string.Empty,
        };
        return problem.Length == 0;
    }

    /// <summary>Parses <c>90s</c>, <c>15m</c>, <c>2h</c>, <c>30d</c>, or a <see cref="TimeSpan"/> such as <c>01:30:00</c>; must be positive.</summary>
    internal static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        if (text.Length > 1 && char.IsAsciiLetter(text[^1])
            && double.TryParse(text[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            duration = char.ToLowerInvariant(text[^1]) switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => TimeSpan.Zero,
            };
        }
        else if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var parsed))
        {
            duration = parsed;
        }

        return duration > TimeSpan.Zero;
    }
}
