using System.Collections.Concurrent;

namespace SfOAuthGen.Testing;

/// <summary>
/// A compiled pattern value: a literal, a single placeholder, or a template with placeholders inside text.
/// Templates are matched without backtracking (a regex of several lazy groups took over a minute on a 400-character
/// value): placeholders whose value is held become literals, and the literal parts are then found left to right, each
/// at its first occurrence, which finds a match whenever one exists in O(value length × parts).
/// </summary>
internal sealed class ValueMatcher
{
    private readonly string? literal;
    private readonly string? placeholder;
    private readonly Part[] parts;

    private ValueMatcher(string pattern, string? literal, string? placeholder, Part[] parts)
    {
        Pattern = pattern;
        this.literal = literal;
        this.placeholder = placeholder;
        this.parts = parts;
    }

    public string Pattern { get; }

    public bool HasPlaceholder => literal is null;

    public static ValueMatcher Create(string pattern)
    {
        var first = SecretRules.FindPlaceholder(pattern, 0, out var firstLength);
        if (first < 0)
        {
            return new ValueMatcher(pattern, pattern, null, []);
        }

        if (first == 0 && firstLength == pattern.Length)
        {
            return new ValueMatcher(pattern, null, SecretRules.PlaceholderName(pattern, 0, firstLength), []);
        }

        var parts = new List<Part>();
        var position = 0;
        for (int at = first, length = firstLength; at >= 0; at = SecretRules.FindPlaceholder(pattern, position, out length))
        {
            if (at > position)
            {
                parts.Add(new Part(pattern[position..at], null));
            }

            parts.Add(new Part(null, SecretRules.PlaceholderName(pattern, at, length)));
            position = at + length;
        }

        if (position < pattern.Length)
        {
            parts.Add(new Part(pattern[position..], null));
        }

        return new ValueMatcher(pattern, null, null, [.. parts]);
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

        var (texts, wildcards) = Resolve(secrets);
        if (wildcards.Count == 0)
        {
            return string.Equals(texts[0], value, StringComparison.Ordinal);
        }

        return Capture(value, texts, wildcards.Count) is { } captures && SameNamesAgree(wildcards, captures);
    }

    /// <summary>Held placeholders become text; what remains is literal text separated by wildcards (texts[i] precedes wildcards[i]).</summary>
    private (List<string> Texts, List<string> Wildcards) Resolve(ConcurrentDictionary<string, string> secrets)
    {
        var texts = new List<string>(parts.Length);
        var wildcards = new List<string>(parts.Length);
        var pending = string.Empty;
        foreach (var part in parts)
        {
            if (part.Text is not null)
            {
                pending += part.Text;
            }
            else if (secrets.TryGetValue(part.Name!, out var held))
            {
                pending += held;
            }
            else
            {
                texts.Add(pending);
                wildcards.Add(part.Name!);
                pending = string.Empty;
            }
        }

        texts.Add(pending); // the last text ends the value
        return (texts, wildcards);
    }

    /// <summary>What each wildcard stands for, or <see langword="null"/> when the texts do not fit the value.</summary>
    private static string[]? Capture(string value, List<string> texts, int wildcards)
    {
        var first = texts[0];
        var last = texts[^1];
        if (value.Length < first.Length + last.Length || !value.StartsWith(first, StringComparison.Ordinal) || !value.EndsWith(last, StringComparison.Ordinal))
        {
            return null;
        }

        // Leftmost placement of each middle text is optimal: any match can be shifted to it. Linear: no backtracking.
        var captures = new string[wildcards];
        var position = first.Length;
        var end = value.Length - last.Length;
        for (var i = 1; i < texts.Count - 1; i++)
        {
            var found = value.IndexOf(texts[i], position, end - position, StringComparison.Ordinal);
            if (found < 0)
            {
                return null;
            }

            captures[i - 1] = value[position..found];
            position = found + texts[i].Length;
        }

        captures[^1] = value[position..end];
        return captures;
    }

    /// <summary>The same name twice in one value must stand for the same text.</summary>
    private static bool SameNamesAgree(List<string> wildcards, string[] captures)
    {
        for (var i = 0; i < wildcards.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (wildcards[j] == wildcards[i] && captures[j] != captures[i])
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Literal text, or (when <see cref="Text"/> is null) the placeholder <see cref="Name"/>.</summary>
    private sealed record Part(string? Text, string? Name);
}
