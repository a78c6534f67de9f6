using System.Text.Json;
using SfOAuthGen.Runtime;
using SfOAuthGen.Vocabulary;

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

/// <summary>One org of the manifest as written: its fields and where they are. Its words come from the shared vocabulary.</summary>
internal sealed class ManifestOrg(string name, int line, Dictionary<string, ManifestValue> fields, string path)
{
    /// <summary>The fields that take references (<c>env:NAME</c>, <c>config:Key</c>, <c>file:path</c>).</summary>
    public static IReadOnlyList<string> SecretFields => ManifestVocabulary.ReferenceFields;

    public string Name { get; } = name;

    public int Line { get; } = line;

    public IReadOnlyDictionary<string, ManifestValue> Fields { get; } = fields;

    public string Path { get; } = path;

    /// <summary>A template for run-time tenants (<c>"template": true</c>): each tenant brings the <see cref="ManifestVocabulary.TenantFields"/>.</summary>
    public bool IsTemplate => Fields.TryGetValue(ManifestVocabulary.Template, out var template) && template.Kind == JsonTokenType.True;

    /// <summary>
    /// The fields the flow cannot do without (the generator reports the same as SFAUTH102/107), and for the web-server
    /// flow also <c>refreshToken</c>: <c>sfauth login</c> stores the token there, and renewals read it.
    /// </summary>
    public static IEnumerable<string> RequiredFields(SalesforceFlow flow)
    {
        var manifestFlow = SalesforceFlowNames.Find(flow);
        if (manifestFlow is null)
        {
            return [];
        }

        var required = manifestFlow.AllRequiredFields().Where(f => f is not (ManifestVocabulary.LoginUrl or ManifestVocabulary.Flow));
        return manifestFlow.LoginStoresRefreshToken ? required.Append(ManifestVocabulary.RefreshToken) : required;
    }

    /// <summary>Builds the runtime settings; a value of the wrong kind or shape is a <see cref="ManifestException"/>.</summary>
    public SalesforceOrgSettings ToSettings()
    {
        var settings = new SalesforceOrgSettings
        {
            Name = Name,
            LoginUrl = LoginUrl(),
            Flow = Flow(),
            ClientAuthentication = ClientAuth(),
            ClientId = Reference(ManifestVocabulary.ClientId),
            ClientSecret = Reference(ManifestVocabulary.ClientSecret),
            Username = Reference(ManifestVocabulary.Username),
            Password = Reference(ManifestVocabulary.Password),
            SecurityToken = Reference(ManifestVocabulary.SecurityToken),
            RefreshToken = Reference(ManifestVocabulary.RefreshToken),
            PrivateKey = Reference(ManifestVocabulary.PrivateKey),
            Audience = Optional(ManifestVocabulary.Audience),
            RedirectUri = RedirectUri(),
            Scope = Optional(ManifestVocabulary.Scope),
        };

        return WithSession(settings);
    }

    public ManifestException Error(string? field, string problem) =>
        new(Path, field is not null && Fields.TryGetValue(field, out var value) ? value.Line : Line, $"orgs.{Name}{(field is null ? string.Empty : "." + field)}", problem);

    private SalesforceOrgSettings WithSession(SalesforceOrgSettings settings)
    {
        if (Optional(ManifestVocabulary.SessionLifetime) is { } lifetime)
        {
            settings = settings with { SessionLifetime = Duration(ManifestVocabulary.SessionLifetime, lifetime) };
        }

        if (Optional(ManifestVocabulary.RenewalMargin) is { } margin)
        {
            settings = settings with { RenewalMargin = Duration(ManifestVocabulary.RenewalMargin, margin) };
        }

        if (Optional(ManifestVocabulary.ApiVersion) is { } apiVersion)
        {
            settings = ManifestRules.IsApiVersion(apiVersion)
                ? settings with { ApiVersion = apiVersion }
                : throw Error(ManifestVocabulary.ApiVersion, $"'{apiVersion}' is not a version such as {ManifestRules.ApiVersionExample}");
        }

        if (Fields.TryGetValue(ManifestVocabulary.VerifySignature, out var verify))
        {
            settings = settings with
            {
                VerifySignature = verify.Kind switch
                {
                    JsonTokenType.True => true,
                    JsonTokenType.False => false,
                    _ => throw Error(ManifestVocabulary.VerifySignature, "must be true or false"),
                },
            };
        }

        return settings;
    }

    private Uri LoginUrl()
    {
        var text = Require(ManifestVocabulary.LoginUrl);
        return ManifestRules.IsAllowedLoginUrl(text)
            ? new Uri(text)
            : throw Error(ManifestVocabulary.LoginUrl, $"'{text}' is not an https URL such as https://login.salesforce.com (http only for loopback)");
    }

    private SalesforceFlow Flow()
    {
        var text = Require(ManifestVocabulary.Flow);
        var flow = ManifestVocabulary.FindFlow(text)
            ?? throw Error(ManifestVocabulary.Flow, $"'{text}' is not a flow; use {string.Join(", ", ManifestVocabulary.FlowNames())}");
        return SalesforceFlowNames.ToSalesforceFlow(flow);
    }

    private ClientAuthentication ClientAuth() => Optional(ManifestVocabulary.ClientAuth) switch
    {
        null or "body" => ClientAuthentication.Body,
        "basic" => ClientAuthentication.Basic,
        var other => throw Error(ManifestVocabulary.ClientAuth, $"'{other}' is not {string.Join(" or ", ManifestVocabulary.ClientAuthValues)}"),
    };

    private Uri? RedirectUri() => Optional(ManifestVocabulary.RedirectUri) is { } redirect
        ? (Uri.TryCreate(redirect, UriKind.Absolute, out var uri) ? uri : throw Error(ManifestVocabulary.RedirectUri, $"'{redirect}' is not an absolute URL"))
        : null;

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
        ManifestRules.TryParseDuration(text, ManifestRules.DurationAllowsZero(field), out var value) is { } problem
            ? throw Error(field, $"'{text}' is invalid: {problem}")
            : value;
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

        var document = new Document(path, LineStarts(bytes));
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
                if (name == "orgs")
                {
                    ReadOrgs(ref reader, document, orgs);
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException ex)
        {
            throw new ManifestException(path, (int)(ex.LineNumber ?? 0) + 1, null, "is not valid JSON (" + ex.Message.Split(" LineNumber", 2)[0].TrimEnd() + ")");
        }

        return orgs;
    }

    private static void ReadOrgs(ref Utf8JsonReader reader, Document document, List<ManifestOrg> orgs)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new ManifestException(document.Path, document.Line(reader.TokenStartIndex), "orgs", "must be an object of orgs");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var orgName = reader.GetString()!;
            reader.Read();
            var orgLine = document.Line(reader.TokenStartIndex);
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new ManifestException(document.Path, orgLine, "orgs." + orgName, "must be an object");
            }

            orgs.Add(new ManifestOrg(orgName, orgLine, ReadFields(ref reader, document), document.Path));
        }
    }

    private static Dictionary<string, ManifestValue> ReadFields(ref Utf8JsonReader reader, Document document)
    {
        var fields = new Dictionary<string, ManifestValue>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = reader.GetString()!;
            reader.Read();
            var line = document.Line(reader.TokenStartIndex);
            var text = reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString(),
                JsonTokenType.Number => Encoding(reader),
                _ => null,
            };
            fields[field] = new ManifestValue(text, reader.TokenType, line);
            reader.Skip();
        }

        return fields;
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

    /// <summary>The manifest being read: its path, and where its lines start, for 1-based line numbers.</summary>
    private sealed record Document(string Path, List<long> LineStarts)
    {
        public int Line(long offset)
        {
            var index = LineStarts.BinarySearch(offset);
            return (index >= 0 ? index : ~index - 1) + 1;
        }
    }
}
