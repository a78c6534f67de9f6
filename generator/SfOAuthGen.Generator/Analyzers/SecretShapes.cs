using System;
using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;

namespace SfOAuthGen.Generator.Analyzers;

/// <summary>
/// What a secret looks like to the analyzers: Salesforce's token shapes, and the values that are not secrets
/// (references, empty strings, placeholders).
/// </summary>
/// <remarks>
/// Shapes come from SALESFORCE.md (empirical; anchored on trufflehog's detectors). Consumer-secret shapes (19 digits,
/// 64 base64-ish characters) are deliberately absent: alone they match hashes and ids, so they are only judged where
/// the context already says "secret" (a secret field of the manifest, a [SalesforceSecret] member).
/// </remarks>
internal static class SecretShapes
{
    /// <summary>Characters of a token body; a match must not sit inside a longer run of them.</summary>
    private const string TokenChar = "[0-9A-Za-z._]";

    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    private static readonly (string Kind, string Prefix, Regex Pattern)[] Tokens =
    {
        ("access token", "00D", new Regex("(?<!" + TokenChar + ")00D[0-9A-Za-z]{12}!" + TokenChar + "{40,}", RegexOptions.CultureInvariant, MatchTimeout)),
        ("refresh token", "5Aep861", new Regex("(?<!" + TokenChar + ")5Aep861" + TokenChar + "{72,}(?:==)?", RegexOptions.CultureInvariant, MatchTimeout)),
        ("consumer key", "3MVG", new Regex("(?<!" + TokenChar + ")3MVG" + TokenChar + "{56,247}(?!" + TokenChar + ")", RegexOptions.CultureInvariant, MatchTimeout)),
    };

    /// <summary>
    /// Words that mark a test fixture. Written case by case (not case-insensitively) so a real token, which is random,
    /// almost never contains one by chance (about 1 in 50,000 for a four-letter word).
    /// </summary>
    private static readonly string[] FakeMarkers =
    {
        "FAKE", "Fake", "fake", "DUMMY", "Dummy", "dummy", "EXAMPLE", "Example", "example", "SAMPLE", "Sample", "sample",
        "PLACEHOLDER", "Placeholder", "placeholder", "REDACTED", "Redacted", "redacted", "NotAReal", "NOTAREAL", "notareal",
    };

    /// <summary>Words that describe a secret field rather than fill it: a value made only of these is a placeholder.</summary>
    private static readonly HashSet<string> PlaceholderWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "your", "my", "the", "a", "an", "here", "goes", "put", "insert", "enter", "replace", "with", "change", "me", "changeme",
        "todo", "tbd", "fixme", "xxx", "placeholder", "fake", "dummy", "example", "sample", "test", "redacted", "none", "null",
        "n", "na", "value", "secret", "secrets", "password", "pass", "passwd", "pwd", "security", "token", "refresh", "private",
        "key", "client", "consumer", "sf", "salesforce", "sandbox", "prod", "production", "org", "dev", "hub", "pem", "rsa",
        "access", "api", "id", "user", "username", "app", "connected",
    };

    /// <summary>The kind of Salesforce credential the text contains (access token, refresh token, consumer key), or null.</summary>
    /// <remarks>A match that carries a fixture marker (<c>FAKE</c>, <c>Example</c>…) or an obviously made-up run
    /// (ten equal or ten consecutive characters) is not a credential: test fixtures use such values on purpose.</remarks>
    public static string? FindToken(string text)
    {
        if (text.Length < 55)
        {
            return null; // the shortest shape (access token) is 56 characters
        }

        foreach (var (kind, prefix, pattern) in Tokens)
        {
            if (text.IndexOf(prefix, StringComparison.Ordinal) < 0)
            {
                continue;
            }

            try
            {
                for (var match = pattern.Match(text); match.Success; match = match.NextMatch())
                {
                    if (!LooksFake(match.Value, prefix.Length))
                    {
                        return kind;
                    }
                }
            }
            catch (RegexMatchTimeoutException)
            {
                // Linear patterns should never time out; if one does, say nothing rather than fail the build.
            }
        }

        return null;
    }

    /// <summary>True for values that are not a secret: references (<c>env:</c>, <c>config:</c>, <c>file:</c>), blanks and placeholders.</summary>
    public static bool IsNotSecret(string value) => IsReference(value) || IsPlaceholder(value);

    public static bool IsReference(string value) =>
        value.StartsWith("env:", StringComparison.Ordinal)
        || value.StartsWith("config:", StringComparison.Ordinal)
        || value.StartsWith("file:", StringComparison.Ordinal);

    /// <summary>
    /// Blank; one character repeated (<c>xxxx</c>, <c>****</c>); a template slot (<c>&lt;password&gt;</c>, <c>${SF_PASSWORD}</c>,
    /// <c>%SF_PASSWORD%</c>, <c>{{password}}</c>, <c>__PASSWORD__</c>); an environment-variable name (<c>SF_SANDBOX_PASSWORD</c>);
    /// or only words that describe the field (<c>your-client-secret-here</c>, <c>changeme</c>, <c>fake password</c>).
    /// </summary>
    public static bool IsPlaceholder(string value)
    {
        var v = value.Trim();
        if (v.Length == 0)
        {
            return true;
        }

        if (v.Length > 200)
        {
            return false; // no one types a placeholder that long; keys and certificates are that long
        }

        if (IsRepeat(v))
        {
            return true;
        }

        if (Enclosed(v, "<", ">") || Enclosed(v, "${", "}") || Enclosed(v, "$(", ")") || Enclosed(v, "{{", "}}")
            || Enclosed(v, "#{", "}") || Enclosed(v, "%", "%") || Enclosed(v, "[", "]") || Enclosed(v, "__", "__"))
        {
            return true;
        }

        if (IsEnvironmentName(v))
        {
            return true;
        }

        var words = Words(v);
        if (words.Count == 0)
        {
            return false;
        }

        foreach (var word in words)
        {
            if (!PlaceholderWords.Contains(word) && !IsRepeat(word))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The environment variable to suggest: <c>SF_&lt;ORG&gt;_&lt;FIELD&gt;</c> (<c>dev-hub</c>, <c>clientSecret</c> → <c>SF_DEV_HUB_CLIENT_SECRET</c>).</summary>
    public static string SuggestedVariable(string org, string field)
    {
        var name = new StringBuilder("SF_");
        AppendUpperSnake(name, org.Length > 40 ? org.Substring(0, 40) : org);
        if (name[name.Length - 1] != '_')
        {
            name.Append('_');
        }

        AppendUpperSnake(name, field);
        return name.ToString().TrimEnd('_');
    }

    /// <summary>Caps a name quoted in a message (org keys can be arbitrarily long).</summary>
    public static string Shorten(string value) => value.Length <= 64 ? value : value.Substring(0, 61) + "...";

    private static bool LooksFake(string token, int prefixLength)
    {
        foreach (var marker in FakeMarkers)
        {
            if (token.IndexOf(marker, StringComparison.Ordinal) >= 0)
            {
                return true;
            }
        }

        // After the prefix (org ids themselves hold runs of zeros): 10 equal or 10 consecutive characters.
        int equal = 1, consecutive = 1;
        for (var i = prefixLength + 1; i < token.Length; i++)
        {
            equal = token[i] == token[i - 1] ? equal + 1 : 1;
            consecutive = token[i] == token[i - 1] + 1 ? consecutive + 1 : 1;
            if (equal >= 10 || consecutive >= 10)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsRepeat(string value)
    {
        if (value.Length < 2)
        {
            return false;
        }

        foreach (var ch in value)
        {
            if (ch != value[0])
            {
                return false;
            }
        }

        return true;
    }

    private static bool Enclosed(string value, string open, string close) =>
        value.Length > open.Length + close.Length
        && value.StartsWith(open, StringComparison.Ordinal)
        && value.EndsWith(close, StringComparison.Ordinal);

    /// <summary>SCREAMING_SNAKE with at least one underscore: a variable's name written where its value belongs.</summary>
    private static bool IsEnvironmentName(string value)
    {
        if (value.Length < 3 || value.IndexOf('_') < 0 || value[0] is < 'A' or > 'Z')
        {
            return false;
        }

        foreach (var ch in value)
        {
            if (ch is not ((>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Splits on anything but letters and on camelCase humps; a word holding a digit makes the value not a placeholder.</summary>
    private static List<string> Words(string value)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        void Flush()
        {
            if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }

        for (var i = 0; i < value.Length; i++)
        {
            var ch = value[i];
            if (char.IsDigit(ch))
            {
                return new List<string>(); // "password1" is a (weak) password, not a placeholder
            }

            if (!char.IsLetter(ch))
            {
                if (ch is not (' ' or '-' or '_' or '.' or '/' or ':'))
                {
                    return new List<string>(); // punctuation such as '!' or '@' is what real passwords are made of
                }

                Flush();
                continue;
            }

            if (char.IsUpper(ch) && current.Length > 0 && char.IsLower(value[i - 1]))
            {
                Flush();
            }

            current.Append(ch);
        }

        Flush();
        return words;
    }

    private static void AppendUpperSnake(StringBuilder name, string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var ch = value[i];
            if (ch < 128 && char.IsLetterOrDigit(ch))
            {
                if (char.IsUpper(ch) && i > 0 && char.IsLower(value[i - 1]) && name[name.Length - 1] != '_')
                {
                    name.Append('_');
                }

                name.Append(char.ToUpperInvariant(ch));
            }
            else if (name[name.Length - 1] != '_')
            {
                name.Append('_');
            }
        }
    }
}
