namespace SfOAuthGen.Generator.Tests.Analyzers;

/// <summary>
/// Deterministic, made-up values in Salesforce's credential shapes (SALESFORCE.md). They are generated at test time from
/// a fixed seed, so no token-shaped string is ever committed (repository scanners stay quiet) and none is real.
/// </summary>
internal sealed class FakeCredentials(int seed)
{
    private const string Alphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const string TokenChars = Alphanumeric + "._";

    private readonly Random _random = new(seed);

    /// <summary><c>00D</c> + 12 alphanumerics + <c>!</c> + 96 token characters.</summary>
    public string AccessToken() => "00D" + Draw(Alphanumeric, 12) + "!AQ" + Draw(TokenChars, 94);

    /// <summary><c>5Aep861</c> + 80 token characters.</summary>
    public string RefreshToken() => "5Aep861" + Draw(TokenChars, 80);

    /// <summary>An older refresh token: <c>5Aep861</c> + 74 alphanumerics + <c>==</c>.</summary>
    public string OldRefreshToken() => "5Aep861" + Draw(Alphanumeric, 74) + "==";

    /// <summary><c>3MVG9</c> + 80 token characters.</summary>
    public string ConsumerKey() => "3MVG9" + Draw(TokenChars, 80);

    /// <summary>A 64-character consumer secret.</summary>
    public string ConsumerSecret64() => Draw(Alphanumeric, 64);

    /// <summary>An older 19-digit consumer secret.</summary>
    public string ConsumerSecret19() => Draw("0123456789", 19);

    /// <summary>A 25-character security token.</summary>
    public string SecurityToken() => Draw(Alphanumeric, 25);

    /// <summary>Replaces each <c>{{kind}}</c> slot in <paramref name="template"/> with a fresh value of that kind.</summary>
    public string Expand(string template)
    {
        var slots = new (string Slot, Func<string> Make)[]
        {
            ("{{access}}", AccessToken), ("{{refresh}}", RefreshToken), ("{{refresh-old}}", OldRefreshToken),
            ("{{key}}", ConsumerKey), ("{{secret64}}", ConsumerSecret64), ("{{secret19}}", ConsumerSecret19),
            ("{{token}}", SecurityToken),
        };

        foreach (var (slot, make) in slots)
        {
            int at;
            while ((at = template.IndexOf(slot, StringComparison.Ordinal)) >= 0)
            {
                template = string.Concat(template.AsSpan(0, at), make(), template.AsSpan(at + slot.Length));
            }
        }

        return template;
    }

    private string Draw(string alphabet, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = alphabet[_random.Next(alphabet.Length)];
        }

        return new string(chars);
    }
}
