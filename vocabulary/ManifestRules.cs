using System;
using System.Globalization;

namespace SfOAuthGen.Vocabulary;

/// <summary>The shapes manifest values must have, shared so that the build, the runtime and the tool accept the same text.</summary>
internal static class ManifestRules
{
    /// <summary>What a duration looks like, for messages.</summary>
    public const string DurationExample = "'02:00:00' (hours:minutes:seconds, or days.hours:minutes:seconds)";

    /// <summary>What an API version looks like, for messages.</summary>
    public const string ApiVersionExample = "'62.0'";

    /// <summary>Whether a duration field may be zero: a renewal margin may (renew at expiry), a session lifetime may not.</summary>
    public static bool DurationAllowsZero(string field) => field == ManifestVocabulary.RenewalMargin;

    /// <summary>
    /// Reads a duration in <see cref="TimeSpan"/>'s invariant <c>"c"</c> format, or says what is wrong with it.
    /// </summary>
    /// <returns>Null when the text is a valid duration; otherwise the reason, to follow "it is invalid: ".</returns>
    public static string? TryParseDuration(string text, bool allowZero, out TimeSpan duration)
    {
        if (!TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out duration))
        {
            return "write a duration such as " + DurationExample;
        }

        if (duration < TimeSpan.Zero || (!allowZero && duration == TimeSpan.Zero))
        {
            return allowZero ? "it must not be negative" : "it must be longer than zero";
        }

        return null;
    }

    /// <summary>A REST API version: digits, a dot, digits (<c>62.0</c>), at most ten characters.</summary>
    public static bool IsApiVersion(string value)
    {
        var dot = value.IndexOf('.');
        if (dot <= 0 || dot >= value.Length - 1 || value.Length > 10)
        {
            return false;
        }

        for (var i = 0; i < value.Length; i++)
        {
            if (i != dot && value[i] is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>An absolute https URL, or http on a loopback host (the recorded-response server).</summary>
    public static bool IsAllowedLoginUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == "https" || (uri.Scheme == "http" && uri.IsLoopback))
        && uri.Host.Length > 0;
}
