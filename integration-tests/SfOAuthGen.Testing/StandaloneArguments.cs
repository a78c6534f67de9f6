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

    /// <summary>The switches without a value.</summary>
    private static readonly Dictionary<string, Func<StandaloneArguments, StandaloneArguments>> Flags = new(StringComparer.Ordinal)
    {
        ["--rotate-refresh-tokens"] = a => a with { RotateRefreshTokens = true },
        ["--serve-data-api"] = a => a with { ServeDataApi = true },
        ["--login-form"] = a => a with { LoginForm = true },
    };

    /// <summary>The switches that take the next argument: each applies its value, or says why the value is wrong.</summary>
    private static readonly Dictionary<string, Func<ParseState, string, string, string?>> Options = new(StringComparer.Ordinal)
    {
        ["--cassette"] = (s, _, v) => s.Apply(a => a with { Cassette = v }),
        ["--port"] = (s, _, v) => WholeNumber(v, 0, 65535) is { } port
            ? s.Apply(a => a with { Port = port })
            : $"--port must be a number from 0 to 65535, not '{v}'",
        ["--unmatched-status"] = (s, _, v) => WholeNumber(v, 100, 999) is { } status
            ? s.Apply(a => a with { UnmatchedStatus = status })
            : $"--unmatched-status must be an HTTP status code (100-999), not '{v}'",
        ["--record"] = Url((a, url) => a with { Record = url }),
        ["--out"] = (s, _, v) => s.Apply(a => a with { Out = v }),
        ["--record-mode"] = (s, _, v) => ParseRecordMode(v) is { } mode
            ? s.Apply(a => a with { RecordMode = mode })
            : $"--record-mode must be none, once, new_episodes or all, not '{v}'",
        ["--upstream"] = Url((a, url) => a with { Upstream = url }),
        ["--client-id"] = (s, _, v) => s.Apply(a => a with { ClientId = v }),
        ["--client-secret"] = (s, _, v) => s.Apply(a => a with { ClientSecret = v }),
        ["--username"] = (s, _, v) => s.Apply(a => a with { Username = v }),
        ["--scope"] = (s, _, v) => s.Apply(a => a with { Scope = v }),
        ["--jwt-public-key"] = (s, _, v) => s.Apply(a => a with { JwtPublicKeyFile = v }),
        ["--approved-user"] = (s, _, v) => s.AddApprovedUser(v),
        ["--session-lifetime"] = Duration((s, d) => s.Apply(a => a with { SessionLifetime = d })),
        ["--logins-per-hour"] = (s, _, v) => WholeNumber(v, 1, int.MaxValue) is { } logins
            ? s.Limit(l => l with { LoginsPerHour = logins })
            : $"--logins-per-hour must be a whole number of at least 1, not '{v}'",
        ["--refresh-idle-timeout"] = Duration((s, d) => s.Limit(l => l with { RefreshTokenIdleTimeout = d })),
        ["--session-timeout"] = Duration((s, d) => s.Limit(l => l with { SessionTimeout = d })),
    };

    public static bool TryParse(string[] args, out StandaloneArguments parsed, out string problem)
    {
        var state = new ParseState();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "--help" or "-h" or "-?")
            {
                parsed = state.Arguments with { Help = true };
                problem = string.Empty;
                return true;
            }

            if (Flags.TryGetValue(name, out var flag))
            {
                state.Apply(flag);
                continue;
            }

            problem = !Options.TryGetValue(name, out var option) ? $"unknown argument '{name}'"
                : i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal) ? $"{name} needs a value"
                : option(state, name, args[++i]) ?? string.Empty;
            if (problem.Length > 0)
            {
                parsed = state.Arguments;
                return false;
            }
        }

        var limits = state.Limits;
        parsed = state.Arguments with
        {
            ApprovedUsers = state.ApprovedUsers,
            Limits = limits.LoginsPerHour is null && limits.RefreshTokenIdleTimeout is null && limits.SessionTimeout is null ? null : limits,
        };
        return Check(parsed, out problem);
    }

    /// <summary>Digits only (no sign, no separators), as a port or status code is written.</summary>
    private static int? WholeNumber(string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max ? number : null;

    private static RecordMode? ParseRecordMode(string value)
    {
        try
        {
            return RecordModes.Parse(value);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static Func<ParseState, string, string, string?> Url(Func<StandaloneArguments, Uri, StandaloneArguments> apply) =>
        (state, name, value) => Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            ? state.Apply(a => apply(a, url))
            : $"{name} needs an absolute http(s) URL, not '{value}'";

    private static Func<ParseState, string, string, string?> Duration(Func<ParseState, TimeSpan, string?> apply) =>
        (state, name, value) => TryParseDuration(value, out var duration)
            ? apply(state, duration)
            : $"{name} must be a duration such as 90s, 15m, 2h, 30d or 01:30:00, not '{value}'";

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

    /// <summary>The arguments, limits and approved users read so far; each change returns no problem.</summary>
    private sealed class ParseState
    {
        public StandaloneArguments Arguments { get; private set; } = new();

        public SalesforceLimits Limits { get; private set; } = new();

        public List<string> ApprovedUsers { get; } = [];

        public string? Apply(Func<StandaloneArguments, StandaloneArguments> change)
        {
            Arguments = change(Arguments);
            return null;
        }

        public string? Limit(Func<SalesforceLimits, SalesforceLimits> change)
        {
            Limits = change(Limits);
            return null;
        }

        public string? AddApprovedUser(string user)
        {
            ApprovedUsers.Add(user);
            return null;
        }
    }
}
