using System.Diagnostics.CodeAnalysis;

namespace SfOAuthGen.Runtime;

/// <summary>The kind of place a <see cref="SecretReference"/> points at.</summary>
public enum SecretReferenceKind
{
    /// <summary>The value itself, written in code or the manifest. Works, but analyzers warn about it.</summary>
    Literal,

    /// <summary><c>env:NAME</c>: an environment variable.</summary>
    Environment,

    /// <summary><c>config:Section:Key</c>: a configuration key, resolved when a configuration-aware resolver is registered.</summary>
    Configuration,

    /// <summary><c>file:path</c>: the contents of a file (a JWT private key, for example).</summary>
    File,

    /// <summary>A literal value kept in <c>sfauth.json</c>; read from the manifest copied beside the application, never compiled in.</summary>
    Manifest,
}

/// <summary>
/// Where a secret (client secret, password, security token, refresh token, private key) comes from.
/// A reference is safe to print, log and emit into generated code; the value is resolved at run time by an <see cref="ISecretResolver"/>.
/// </summary>
public sealed class SecretReference : IEquatable<SecretReference>
{
    private readonly string? _literal;

    private SecretReference(SecretReferenceKind kind, string name, string? literal)
    {
        Kind = kind;
        Name = name;
        _literal = literal;
    }

    /// <summary>What the reference points at.</summary>
    public SecretReferenceKind Kind { get; }

    /// <summary>The environment variable, configuration key, file path or manifest field named; empty for a literal.</summary>
    public string Name { get; }

    /// <summary>
    /// Parses a manifest value: <c>env:NAME</c>, <c>config:Section:Key</c>, <c>file:path</c>; anything else is a literal.
    /// </summary>
    /// <exception cref="ArgumentException">A prefix with nothing after it, such as <c>env:</c>.</exception>
    public static SecretReference Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (TryPrefix(value, "env:", out var name))
        {
            return Environment(name);
        }

        if (TryPrefix(value, "config:", out name))
        {
            return Configuration(name);
        }

        if (TryPrefix(value, "file:", out name))
        {
            return File(name);
        }

        return Literal(value);
    }

    /// <summary>A reference to the environment variable <paramref name="name"/>.</summary>
    public static SecretReference Environment(string name) => new(SecretReferenceKind.Environment, RequireName(name, "env:"), null);

    /// <summary>A reference to the configuration key <paramref name="key"/> (for example <c>Salesforce:Sandbox:Password</c>).</summary>
    public static SecretReference Configuration(string key) => new(SecretReferenceKind.Configuration, RequireName(key, "config:"), null);

    /// <summary>A reference to the contents of the file at <paramref name="path"/>.</summary>
    public static SecretReference File(string path) => new(SecretReferenceKind.File, RequireName(path, "file:"), null);

    /// <summary>A literal value kept in <c>sfauth.json</c> under <paramref name="orgName"/>'s <paramref name="field"/>.</summary>
    public static SecretReference Manifest(string orgName, string field)
    {
        ArgumentException.ThrowIfNullOrEmpty(orgName);
        ArgumentException.ThrowIfNullOrEmpty(field);
        return new(SecretReferenceKind.Manifest, orgName + "." + field, null);
    }

    /// <summary>The value itself. Prefer a reference: literal secrets end up in source control.</summary>
    public static SecretReference Literal(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(SecretReferenceKind.Literal, string.Empty, value);
    }

    /// <summary>The literal value, for <see cref="SecretReferenceKind.Literal"/> references only.</summary>
    internal bool TryGetLiteral([NotNullWhen(true)] out string? value)
    {
        value = _literal;
        return Kind == SecretReferenceKind.Literal;
    }

    /// <summary>The reference as written in the manifest (<c>env:NAME</c>); a literal prints as <c>(literal)</c>, never its value.</summary>
    public override string ToString() => Kind switch
    {
        SecretReferenceKind.Environment => "env:" + Name,
        SecretReferenceKind.Configuration => "config:" + Name,
        SecretReferenceKind.File => "file:" + Name,
        SecretReferenceKind.Manifest => "manifest:" + Name,
        _ => "(literal)",
    };

    /// <inheritdoc />
    public bool Equals(SecretReference? other) =>
        other is not null && Kind == other.Kind && Name == other.Name && string.Equals(_literal, other._literal, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as SecretReference);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, Name);

    private static bool TryPrefix(string value, string prefix, out string rest)
    {
        if (value.StartsWith(prefix, StringComparison.Ordinal))
        {
            rest = value[prefix.Length..];
            return true;
        }

        rest = string.Empty;
        return false;
    }

    private static string RequireName(string name, string prefix)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Trim().Length == 0)
        {
            throw new ArgumentException($"The secret reference '{prefix}' names nothing: write '{prefix}NAME'.", nameof(name));
        }

        return name;
    }
}
