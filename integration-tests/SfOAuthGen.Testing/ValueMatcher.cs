using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace SfOAuthGen.Testing;

/// <summary>A compiled pattern value: a literal, a single placeholder, or a template with placeholders inside text.</summary>
internal sealed class ValueMatcher
{
    private readonly string? literal;
    private readonly string? placeholder;
    private readonly Regex? template;
    private readonly string[] names;

    private ValueMatcher(string pattern, string? literal, string? placeholder, Regex? template, string[] names)
    {
        Pattern = pattern;
        this.literal = literal;
        this.placeholder = placeholder;
        this.template = template;
        this.names = names;
    }

    public string Pattern { get; }

    public bool HasPlaceholder => literal is null;

    public static ValueMatcher Create(string pattern)
    {
        var matches = SecretRules.PlaceholderRegex().Matches(pattern);
        if (matches.Count == 0)
        {
            return new ValueMatcher(pattern, pattern, null, null, []);
        }

        if (matches.Count == 1 && matches[0].Length == pattern.Length)
        {
            return new ValueMatcher(pattern, null, matches[0].Groups[1].Value, null, []);
        }

        var regex = new StringBuilder("^");
        var names = new string[matches.Count];
        var position = 0;
        for (var i = 0; i < matches.Count; i++)
        {
            regex.Append(Regex.Escape(pattern[position..matches[i].Index])).Append("(.*?)");
            names[i] = matches[i].Groups[1].Value;
            position = matches[i].Index + matches[i].Length;
        }

        regex.Append(Regex.Escape(pattern[position..])).Append('$');
        return new ValueMatcher(pattern, null, null, new Regex(regex.ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline), names);
    }

    public bool IsMatch(string value, ConcurrentDictionary<string, string> secrets)
    {
        if (literal is not null)
        {
            return string.Equals(literal, value, StringComparison.Ordinal);
        }

        if (placeholder is not null)
        {
            return !secrets.TryGetValue(placeholder, out var held) || string.Equals(held, value, StringComparison.Ordinal);
        }

        var match = template!.Match(value);
        if (!match.Success)
        {
            return false;
        }

        for (var i = 0; i < names.Length; i++)
        {
            var captured = match.Groups[i + 1].Value;
            if (secrets.TryGetValue(names[i], out var held) && !string.Equals(held, captured, StringComparison.Ordinal))
            {
                return false;
            }

            for (var j = 0; j < i; j++)
            {
                if (names[j] == names[i] && match.Groups[j + 1].Value != captured)
                {
                    return false;
                }
            }
        }

        return true;
    }
}
