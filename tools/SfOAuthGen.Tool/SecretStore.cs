using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SfOAuthGen.Runtime;

namespace SfOAuthGen.Tool;

/// <summary>
/// Where the tool reads and writes secrets: <c>env:NAME</c> from the process environment, else from an environment
/// file (<c>.env</c>); <c>config:Key</c> from a user-secrets style JSON file; <c>file:path</c> and literals as the
/// runtime does. Writes create files readable by the owner only.
/// </summary>
internal sealed class SecretStore : ISecretResolver
{
    private readonly Func<string?> _secretsFile;

    public SecretStore(string envFile, Func<string?> secretsFile)
    {
        EnvFile = Path.GetFullPath(envFile);
        _secretsFile = secretsFile;
    }

    public string EnvFile { get; }

    public string? SecretsFile => _secretsFile();

    public async ValueTask<SecretValue?> ResolveAsync(SecretReference reference, CancellationToken cancellationToken)
    {
        var (value, _) = await FindAsync(reference, cancellationToken).ConfigureAwait(false);
        return string.IsNullOrEmpty(value) ? null : new SecretValue(value);
    }

    /// <summary>The value and where it was found, or <see langword="null"/> and where it was looked for.</summary>
    public async ValueTask<(string? Value, string Where)> FindAsync(SecretReference reference, CancellationToken cancellationToken)
    {
        switch (reference.Kind)
        {
            case SecretReferenceKind.Environment:
                if (Environment.GetEnvironmentVariable(reference.Name) is { Length: > 0 } fromEnvironment)
                {
                    return (fromEnvironment, "the environment");
                }

                var fromFile = ReadEnvFile().GetValueOrDefault(reference.Name);
                return (fromFile, fromFile is null ? $"the environment or {EnvFile}" : EnvFile);
            case SecretReferenceKind.Configuration:
                var path = SecretsFile;
                if (path is null)
                {
                    return (null, "a user-secrets file (give --secrets-file or --user-secrets-id)");
                }

                return (ReadSecretsFile(path).GetValueOrDefault(reference.Name), path);
            default:
                var value = await DefaultSecretResolver.Instance.ResolveAsync(reference, cancellationToken).ConfigureAwait(false);
                return (value?.Reveal(), reference.Kind == SecretReferenceKind.File ? reference.Name : "sfauth.json");
        }
    }

    /// <summary>Whether <see cref="Store"/> can write to <paramref name="reference"/>.</summary>
    public static bool IsWritable(SecretReference reference) =>
        reference.Kind is SecretReferenceKind.Environment or SecretReferenceKind.Configuration or SecretReferenceKind.File;

    /// <summary>Writes (or with <see langword="null"/>, removes) the value <paramref name="reference"/> names; returns the file written.</summary>
    public string Store(SecretReference reference, string? value)
    {
        switch (reference.Kind)
        {
            case SecretReferenceKind.Environment:
                WriteEnvFile(reference.Name, value);
                return EnvFile;
            case SecretReferenceKind.Configuration:
                var path = SecretsFile ?? throw new InvalidOperationException(
                    $"'{reference}' names a user-secrets key, but there is no user-secrets file: give --secrets-file PATH or --user-secrets-id ID (or put a project with <UserSecretsId> beside sfauth.json).");
                WriteSecretsFile(path, reference.Name, value);
                return path;
            case SecretReferenceKind.File:
                if (value is null)
                {
                    File.Delete(reference.Name);
                }
                else
                {
                    WritePrivate(reference.Name, value + "\n");
                }

                return Path.GetFullPath(reference.Name);
            default:
                throw new InvalidOperationException($"'{reference}' is not a reference the tool can write to; use env:NAME, config:Key or file:path.");
        }
    }

    private Dictionary<string, string> ReadEnvFile()
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(EnvFile))
        {
            return values;
        }

        foreach (var raw in File.ReadAllLines(EnvFile))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line[7..].TrimStart();
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var value = line[(equals + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                value = value[1..^1];
            }

            values[line[..equals].Trim()] = value;
        }

        return values;
    }

    private void WriteEnvFile(string name, string? value)
    {
        if (!IsVariableName(name))
        {
            throw new InvalidOperationException(
                $"'env:{name}' does not name an environment variable (letters, digits and '_', not starting with a digit); nothing was written to {EnvFile}.");
        }

        if (value is not null && !FitsEnvFile(value))
        {
            throw new InvalidOperationException(
                $"the value for {name} holds a line break, a control character or a quote, which a .env file cannot hold safely (it could plant other variables); it was not written to {EnvFile}.");
        }

        PrivateFile.CheckReplaceable(EnvFile);
        var lines = File.Exists(EnvFile) ? File.ReadAllLines(EnvFile).ToList() : [];

        // The reader keeps the last line of a key, so the writer replaces that one and drops the earlier ones: they
        // were dead already, and a removal must not bring one of them back.
        var last = lines.FindLastIndex(l => Key(l) == name);
        if (last >= 0)
        {
            if (value is null)
            {
                lines.RemoveAt(last);
            }
            else
            {
                lines[last] = name + "=" + Quote(value);
            }

            for (var i = last - 1; i >= 0; i--)
            {
                if (Key(lines[i]) == name)
                {
                    lines.RemoveAt(i);
                }
            }
        }
        else if (value is not null)
        {
            lines.Add(name + "=" + Quote(value));
        }

        WritePrivate(EnvFile, lines.Count == 0 ? string.Empty : string.Join('\n', lines) + "\n");

        static string? Key(string line)
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith("export ", StringComparison.Ordinal))
            {
                trimmed = trimmed[7..].TrimStart();
            }

            var equals = trimmed.IndexOf('=', StringComparison.Ordinal);
            return equals > 0 ? trimmed[..equals].Trim() : null;
        }

        // Single quotes keep every other character literal in the readers of .env files (ours, shells, dotenv, compose).
        static string Quote(string value) =>
            value.AsSpan().IndexOfAny(" #\\$`") < 0 ? value : "'" + value + "'";

        static bool IsVariableName(string name) =>
            name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

        static bool FitsEnvFile(string value) =>
            !value.AsSpan().ContainsAny("'\"") && !value.Any(char.IsControl);
    }

    private static Dictionary<string, string> ReadSecretsFile(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!File.Exists(path))
        {
            return values;
        }

        using var document = ParseSecretsFile(path, File.ReadAllBytes(path), static (bytes, options) => JsonDocument.Parse(bytes, options));
        Flatten(document.RootElement, null, values);
        return values;

        // dotnet user-secrets writes flat "Section:Key" names; a hand-written file may nest them.
        static void Flatten(JsonElement element, string? prefix, Dictionary<string, string> into)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, prefix is null ? property.Name : prefix + ":" + property.Name, into);
                }
            }
            else if (prefix is not null && element.ValueKind == JsonValueKind.String)
            {
                into[prefix] = element.GetString()!;
            }
        }
    }

    private static void WriteSecretsFile(string path, string key, string? value)
    {
        PrivateFile.CheckReplaceable(path);
        var root = File.Exists(path)
            && ParseSecretsFile(path, File.ReadAllBytes(path), static (bytes, options) => JsonNode.Parse(bytes, documentOptions: options)) is JsonObject existing
            ? existing
            : new JsonObject();
        root.Remove(key);
        if (value is not null)
        {
            root[key] = value;
        }

        WritePrivate(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>Writes a file only its owner may read (0600 on Unix), creating its directory.</summary>
    private static void WritePrivate(string path, string contents) => PrivateFile.Write(path, contents);

    /// <summary>
    /// Parses a user-secrets file. System.Text.Json's messages quote the text around a syntax error, which here is a
    /// secret: report the place only.
    /// </summary>
    private static T ParseSecretsFile<T>(string path, byte[] bytes, Func<byte[], JsonDocumentOptions, T> parse)
    {
        try
        {
            return parse(bytes, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            var line = (ex.LineNumber ?? 0) + 1;
            var column = (ex.BytePositionInLine ?? 0) + 1;
            throw new InvalidOperationException(
                $"{path}: line {line}, byte {column}: the user-secrets file is not valid JSON (its text is not shown: it holds secrets). Fix it with 'dotnet user-secrets' or an editor.");
        }
    }

    /// <summary>Where <c>dotnet user-secrets</c> keeps the secrets of a project with this UserSecretsId.</summary>
    public static string UserSecretsPath(string userSecretsId)
    {
        var root = OperatingSystem.IsWindows()
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "Microsoft", "UserSecrets")
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".microsoft", "usersecrets");
        return Path.Combine(root, userSecretsId, "secrets.json");
    }

    /// <summary>The first <c>&lt;UserSecretsId&gt;</c> of a project file in <paramref name="directory"/>, if any.</summary>
    public static string? FindUserSecretsId(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return null;
        }

        foreach (var project in Directory.EnumerateFiles(directory, "*.csproj").Order(StringComparer.Ordinal))
        {
            var text = File.ReadAllText(project);
            var start = text.IndexOf("<UserSecretsId>", StringComparison.Ordinal);
            var end = text.IndexOf("</UserSecretsId>", StringComparison.Ordinal);
            if (start >= 0 && end > start)
            {
                return text[(start + 15)..end].Trim();
            }
        }

        return null;
    }
}
