using System.Collections.Concurrent;
using System.Text;

namespace SfOAuthGen.Runtime.Tests.Infrastructure;

/// <summary>
/// Distinctive secret values used across the tests, and a witness that every message, ToString and log line produced
/// is free of them (plain, form-encoded, and inside a Basic header).
/// </summary>
internal static class Secrets
{
    public const string ClientId = "3MVG9ConsumerKeyWitnessQz7xY";
    public const string ClientSecret = "Cl+Sec/ret=WitnessK9";
    public const string Username = "witness.user.r4@example.com";
    public const string Password = "P@ss+w&rd=%\u00e9\u03a9Witness";
    public const string SecurityToken = "SecTokWitnessLp81";
    public const string AccessToken = "00D5g000004XyZ1!AQcAQWitnessAccessTokenValue0123456789abcdefghij";
    public const string AccessToken2 = "00D5g000004XyZ1!AQcAQWitnessSecondAccessToken9876543210zyxwvuts";
    public const string RefreshToken = "5Aep861WitnessRefreshTokenZero.abcdefghijklmnopqrstuvwxyz0123456789";
    public const string RotatedRefreshToken = "5Aep861WitnessRefreshTokenOne.abcdefghijklmnopqrstuvwxyz0123456789";

    private static readonly ConcurrentBag<string> Observed = [];

    public static IReadOnlyList<string> Values { get; } = BuildValues();

    public static int ObservedCount => Observed.Count;

    /// <summary>Records <paramref name="text"/> and fails at once if it holds a secret in any form.</summary>
    public static void Observe(string? text)
    {
        if (text is null)
        {
            return;
        }

        Observed.Add(text);
        AssertClean(text);
    }

    /// <summary>Records an exception's message, ToString and every inner exception's.</summary>
    public static void Observe(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            Observe(e.Message);
            Observe(e.ToString());
        }
    }

    public static void AssertClean(string text)
    {
        foreach (var secret in Values)
        {
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"A secret leaked into: {text.Replace(secret, "<SECRET>", StringComparison.Ordinal)}");
        }
    }

    public static void AssertEverythingObservedIsClean()
    {
        foreach (var text in Observed)
        {
            AssertClean(text);
        }
    }

    private static List<string> BuildValues()
    {
        var plain = new[] { ClientSecret, Password, SecurityToken, AccessToken, AccessToken2, RefreshToken, RotatedRefreshToken, Password + SecurityToken };
        var all = new List<string>(plain);
        all.AddRange(plain.Select(Uri.EscapeDataString));
        all.Add(Convert.ToBase64String(Encoding.UTF8.GetBytes(ClientId + ":" + ClientSecret)));

        // The masked form keeps "00D…!AQ…"; the tail of a token must never survive.
        all.Add("WitnessAccessTokenValue");
        all.Add("WitnessSecondAccessToken");
        return all;
    }
}
