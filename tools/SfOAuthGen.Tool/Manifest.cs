using System.Globalization;
using System.Text.Json;
using SfOAuthGen.Runtime;

namespace SfOAuthGen.Tool;

/// <summary>A problem in <c>sfauth.json</c>, located by file, line and field.</summary>
internal sealed class ManifestException(string path, int line, string? field, string problem)
    : Exception($"{path}({line}): {(field is null ? string.Empty : field + ": ")}{problem}")
{
    public string Path { get; } = path;

    public int Line { get; } = line;

    public string? Field { get; } = field;
}

/// <summary>One value of an org in the manifest and the line it is on.</summary>
internal sealed record ManifestValue(string? Text, JsonTokenType Kind, int Line);

/// <summary>One org of the manifest as written: its fields and where they are.</summary>
internal sealed class ManifestOrg(string name, int line, Dictionary<string, ManifestValue> fields, string path)
{
    /// <summary>The secret fields: they take references (<c>env:NAME</c>, <c>config:Key</c>, <c>file:path</c>).</summary>
    public static readonly string[] SecretFields = ["clientId", "clientSecret", "username", "password", "securityToken", "refreshToken", "privateKey"];

    public string Name { get; } = name;

    public int Line { get; } = line;

    public IReadOnlyDictionary<string, ManifestValue> Fields { get; } = fields;

    public string Path { get; } = path;

    /// <summary>The fields each flow cannot do without (the generator's diagnostics check the same).</summary>
    public static string[] RequiredFields(SalesforceFlow flow) => flow switch
    {
        SalesforceFlow.Password => ["clientId", "clientSecret", "username", "password"],
        SalesforceFlow.RefreshToken => ["clientId", "refreshToken"],
        SalesforceFlow.JwtBearer => ["clientId", "username", "privateKey"],
        SalesforceFlow.ClientCredentials => ["clientId", "clientSecret"],
        SalesforceFlow.WebServer => ["clientId", "redirectUri", "refreshToken"],
        _ => [],
    };

    /// <summary>Builds the runtime settings; a value of the wrong kind or shape is a <see cref="ManifestException"/>.</summary>
    public SalesforceOrgSettings ToSettings()
    {
        var loginText = Require("loginUrl");
        if (!Uri.TryCreate(loginText, UriKind.Absolute, out var loginUrl))
        {
            throw Error("loginUrl", $"'{loginText}' is not an absolute URL such as https://login.salesforce.com");
        }

        var settings = new SalesforceOrgSettings
        {
            Name = Name,
            LoginUrl = loginUrl,
            Flow = Optional("flow") is { } flow ? FlowOf(flow) : SalesforceFlow.Password,
            ClientAuthentication = Optional("clientAuth") switch
            {
                null or "body" => ClientAuthentication.Body,
                "basic" => ClientAuthentication.Basic,
                var other => throw Error("clientAuth", $"'{other}' is not body or basic"),
            },
            ClientId = Reference("clientId"),
            ClientSecret = Reference("clientSecret"),
            Username = Reference("username"),
            Password = Reference("password"),
            SecurityToken = Reference("securityToken"),
            RefreshToken = Reference("refreshToken"),
            PrivateKey = Reference("privateKey"),
            Audience = Optional("audience"),
            RedirectUri = Optional("redirectUri") is { } redirect
                ? (Uri.TryCreate(redirect, UriKind.Absolute, out var uri) ? uri : throw Error("redirectUri", $"'{redirect}' is not an absolute URL"))
                : null,
            Scope = Optional("scope"),
        };

        if (Optional("sessionLifetime") is { } lifetime)
        {
            settings = settings with { SessionLifetime = Duration("sessionLifetime", lifetime) };
        }

        if (Optional("renewalMargin") is { } margin)
        {
            settings = settings with { RenewalMargin = Duration("renewalMargin", margin) };
        }

        if (Optional("apiVersion") is { } apiVersion)
        {
            settings = settings with { ApiVersion = apiVersion };
        }

        if (Fields.TryGetValue("verifySignature", out var verify))
        {
            settings = settings with
            {
                VerifySignature = verify.Kind switch
                {
                    JsonTokenType.True => true,
                    JsonTokenType.False => false,
                    _ => throw Error("verifySignature", "must be true or false"),
                },
            };
        }

        return settings;
    }

    public ManifestException Error(string? field, string problem) =>
        new(Path, field is not null && Fields.TryGetValue(field, out var value) ? value.Line : Line, $"orgs.{Name}{(field is null ? string.Empty : "." + field)}", problem);

    private SalesforceFlow FlowOf(string text) => text switch
    {
        "password" => SalesforceFlow.Password,
        "refresh_token" => SalesforceFlow.RefreshToken,
        "jwt_bearer" => SalesforceFlow.JwtBearer,
        "client_credentials" => SalesforceFlow.ClientCredentials,
        "web_server" => SalesforceFlow.WebServer,
        _ => throw Error("flow", $"'{text}' is not a flow; use password, refresh_token, jwt_bearer, client_credentials or web_server"),
    };

    private string Require(string field) => Optional(field) ?? throw Error(null, $"'{field}' is required");

    private string? Optional(string field)
    {
        if (!Fields.TryGetValue(field, out var value) || value.Kind == JsonTokenType.Null)
        {
            return null;
        }

        return value.Kind == JsonTokenType.String ? value.Text : throw Error(field, "must be a string");
    }

    private SecretReference? Reference(string field)
    {
        var text = Optional(field);
        try
        {
            return text is null ? null : SecretReference.Parse(text);
        }
        catch (ArgumentException ex)
        {
            throw Error(field, ex.Message.Split(" (Parameter", 2)[0]);
        }
    }

    private TimeSpan Duration(string field, string text) =>
        TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero
            ? value
            : throw Error(field, $"'{text}' is not a positive duration such as 02:00:00");
}

/// <summary>Reads <c>sfauth.json</c> with System.Text.Json, keeping each value's line for error messages.</summary>
internal static class ManifestReader
{
    private static readonly JsonReaderOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static IReadOnlyList<ManifestOrg> Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ManifestException(path, 0, null, $"cannot be read ({ex.Message}); pass --manifest PATH");
        }

        var lines = LineStarts(bytes);
        var orgs = new List<ManifestOrg>();
        var reader = new Utf8JsonReader(bytes, Options);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new ManifestException(path, 1, null, "the manifest must be a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                if (name != "orgs")
                {
                    reader.Skip();
                    continue;
                }

                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new ManifestException(path, Line(lines, reader.TokenStartIndex), "orgs", "must be an object of orgs");
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var orgName = reader.GetString()!;
                    reader.Read();
                    var orgLine = Line(lines, reader.TokenStartIndex);
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        throw new ManifestException(path, orgLine, "orgs." + orgName, "must be an object");
                    }

                    var fields = new Dictionary<string, ManifestValue>(StringComparer.Ordinal);
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var field = reader.GetString()!;
                        reader.Read();
                        var line = Line(lines, reader.TokenStartIndex);
                        var text = reader.TokenType switch
                        {
                            JsonTokenType.String => reader.GetString(),
                            JsonTokenType.Number => Encoding(reader),
                            _ => null,
                        };
                        fields[field] = new ManifestValue(text, reader.TokenType, line);
                        reader.Skip();
                    }

                    orgs.Add(new ManifestOrg(orgName, orgLine, fields, path));
                }
            }
        }
        catch (JsonException ex)
        {
            throw new ManifestException(path, (int)(ex.LineNumber ?? 0) + 1, null, "is not valid JSON (" + ex.Message.Split(" LineNumber", 2)[0].TrimEnd() + ")");
        }

        return orgs;
    }

    private static string Encoding(Utf8JsonReader reader) => System.Text.Encoding.UTF8.GetString(reader.ValueSpan);

    private static List<long> LineStarts(byte[] bytes)
    {
        var starts = new List<long> { 0 };
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                starts.Add(i + 1);
            }
        }

        return starts;
    }

    private static int Line(List<long> starts, long offset)
    {
        var index = starts.BinarySearch(offset);
        return (index >= 0 ? index : ~index - 1) + 1;
    }
}
