namespace SfOAuthGen.Runtime;

/// <summary>
/// HTTPS is required for anything that carries credentials; loopback hosts are exempt so a local test server works.
/// Credentials go to the login host only: a redirect is never followed, and an answer from another host is never taken.
/// </summary>
internal static class TransportSecurity
{
    public static bool IsAllowed(Uri uri) =>
        uri.IsAbsoluteUri
        && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri)));

    /// <summary>
    /// The handler for an <see cref="HttpClient"/> that talks to the login host. Following a 307/308 would re-post the
    /// form (password, client secret) to wherever the Location header points.
    /// </summary>
    public static HttpMessageHandler CreateLoginHostHandler() => new SocketsHttpHandler { AllowAutoRedirect = false };

    /// <summary>Turns redirects off on the primary handlers .NET makes; other handlers are the app's to configure.</summary>
    public static void RefuseRedirects(HttpMessageHandler handler)
    {
        try
        {
            switch (handler)
            {
                case SocketsHttpHandler sockets:
                    sockets.AllowAutoRedirect = false;
                    break;
                case HttpClientHandler client:
                    client.AllowAutoRedirect = false;
                    break;
            }
        }
        catch (InvalidOperationException)
        {
            // The handler has sent requests already and can no longer change; the response check below still applies.
        }
    }

    /// <summary>
    /// A failure when <paramref name="response"/> is a redirect, or came from somewhere other than
    /// <paramref name="address"/> (an <see cref="HttpClient"/> handed in that follows redirects); otherwise null.
    /// </summary>
    /// <remarks>The redirect's target is not put in the message: it is the other host's text.</remarks>
    public static SalesforceAuthException? RefuseForeignAnswer(
        HttpResponseMessage response, Uri address, string org, SalesforceFlow flow, string endpoint)
    {
        var status = (int)response.StatusCode;
        if (status is >= 300 and < 400)
        {
            return new SalesforceAuthException(
                org, flow, null, $"the {endpoint} endpoint answered with a redirect, which is not followed: credentials go to the login host only", response.StatusCode, isTransient: false,
                $"Check loginUrl: it must be the org's login host itself ({address.GetLeftPart(UriPartial.Authority)} redirects), such as https://login.salesforce.com, https://test.salesforce.com or the org's My Domain.");
        }

        if (response.RequestMessage?.RequestUri is { } answered
            && Uri.Compare(answered, address, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
        {
            return new SalesforceAuthException(
                org, flow, null, $"the {endpoint} request was redirected to another host, whose answer is not taken", response.StatusCode, isTransient: false,
                "The HttpClient given to SfOAuthGen follows redirects; turn AllowAutoRedirect off on its handler, and check loginUrl.");
        }

        return null;
    }

    // Uri.IsLoopback covers localhost, 127.0.0.0/8 and ::1.
    private static bool IsLoopback(Uri uri) => uri.IsLoopback;
}
