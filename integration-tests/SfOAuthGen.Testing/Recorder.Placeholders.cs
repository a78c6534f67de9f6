using System.Globalization;

namespace SfOAuthGen.Testing;

internal sealed partial class Recorder
{
    /// <summary>Secret value → placeholder name: the first value of a kind is named after it, later ones get <c>_2</c>, <c>_3</c>….</summary>
    private sealed class Placeholders
    {
        private readonly Dictionary<string, string> byValue = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> perKind = new(StringComparer.Ordinal);
        private List<KeyValuePair<string, string>>? longestFirst;

        public IEnumerable<KeyValuePair<string, string>> All => byValue;

        public string NameOf(string kind, string value)
        {
            if (byValue.TryGetValue(value, out var name))
            {
                return name;
            }

            var count = perKind.GetValueOrDefault(kind) + 1;
            perKind[kind] = count;
            name = count == 1 ? kind : kind + "_" + count.ToString(CultureInfo.InvariantCulture);
            byValue[value] = name;
            longestFirst = null;
            return name;
        }

        /// <summary>Replaces every occurrence of a known secret inside <paramref name="text"/>, raw or URL-encoded, with its placeholder.</summary>
        public string Redact(string text)
        {
            longestFirst ??= [.. byValue.Where(p => p.Key.Length >= MinimumSearchedLength).OrderByDescending(p => p.Key.Length)];
            foreach (var (value, name) in longestFirst)
            {
                foreach (var written in (string[])[value, Uri.EscapeDataString(value), System.Net.WebUtility.UrlEncode(value), System.Web.HttpUtility.UrlEncode(value)])
                {
                    if (text.Contains(written, StringComparison.Ordinal))
                    {
                        text = text.Replace(written, Placeholder.Secret(name), StringComparison.Ordinal);
                    }
                }
            }

            return text;
        }
    }
}
