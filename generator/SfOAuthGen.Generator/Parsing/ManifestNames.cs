using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace SfOAuthGen.Generator.Parsing;

/// <summary>The C# names a manifest produces (classes, namespaces) and the typo suggestions its diagnostics make.</summary>
internal static class ManifestNames
{
    /// <summary>Longer names are refused: they also become file names (<c>&lt;Name&gt;Org.g.cs</c>), and C# caps identifiers at 512.</summary>
    public const int MaxClassNameLength = 100;

    /// <summary>The class an org key becomes, or null when the key has no letter or digit to build one from.</summary>
    /// <remarks>
    /// Runs of letters and digits become PascalCase words and everything else separates them; <c>Org</c> is appended, so
    /// keywords need no escaping (<c>class</c> → <c>ClassOrg</c>); a leading digit gets an underscore
    /// (<c>2024sandbox</c> → <c>_2024sandboxOrg</c>).
    /// </remarks>
    public static string? ToClassName(string key)
    {
        if (key.Length > MaxClassNameLength * 4)
        {
            return null;
        }

        var name = new StringBuilder();
        var startOfWord = true;
        foreach (var ch in key)
        {
            var isWordChar = ch != '_' && SyntaxFacts.IsIdentifierPartCharacter(ch) && CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.Format;
            if (!isWordChar)
            {
                startOfWord = true;
                continue;
            }

            name.Append(startOfWord ? char.ToUpperInvariant(ch) : ch);
            startOfWord = false;
        }

        if (name.Length == 0)
        {
            return null;
        }

        if (!SyntaxFacts.IsIdentifierStartCharacter(name[0]))
        {
            name.Insert(0, '_');
        }

        name.Append("Org");
        var result = name.ToString();
        return result.Length <= MaxClassNameLength && SyntaxFacts.IsValidIdentifier(result) ? result : null;
    }

    public static bool IsValidNamespace(string value) =>
        value.Length > 0 && value.Split('.').All(part =>
            SyntaxFacts.IsValidIdentifier(part) && SyntaxFacts.GetKeywordKind(part) == SyntaxKind.None);

    /// <summary>"; did you mean 'x'?" when a known name is close to <paramref name="name"/>, else empty: the tail of a message.</summary>
    public static string DidYouMean(string name, IEnumerable<string> candidates) =>
        ClosestName(name, candidates) is { } closest ? "; did you mean '" + closest + "'?" : string.Empty;

    /// <summary>The known name closest to <paramref name="name"/>, when it is close enough to be a likely typo.</summary>
    public static string? ClosestName(string name, IEnumerable<string> candidates)
    {
        if (name.Length > 64)
        {
            return null; // no typo is that long, and the distance is quadratic
        }

        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = EditDistance(name.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best is not null && bestDistance <= Math.Max(2, best.Length / 3) ? best : null;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
