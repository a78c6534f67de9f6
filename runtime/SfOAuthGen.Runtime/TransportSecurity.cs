namespace SfOAuthGen.Runtime;

/// <summary>HTTPS is required for anything that carries credentials; loopback hosts are exempt so a local test server works.</summary>
internal static class TransportSecurity
{
    public static bool IsAllowed(Uri uri) =>
        uri.IsAbsoluteUri
        && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri)));

    // Uri.IsLoopback covers localhost, 127.0.0.0/8 and ::1.
    private static bool IsLoopback(Uri uri) => uri.IsLoopback;
}
