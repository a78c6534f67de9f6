namespace SfOAuthGen.QuickStart;

/// <summary>Remembers the shape of the last token request — never its values — so the walkthrough can show what was sent.</summary>
internal sealed class WireTap : DelegatingHandler
{
    private static readonly HashSet<string> PublicFields = ["grant_type", "format"];

    public WireTap()
        : base(new SocketsHttpHandler())
    {
    }

    public SentRequest? Last { get; private set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var fields = new List<SentField>();
        var grantType = string.Empty;
        if (request.Content is FormUrlEncodedContent form)
        {
            var body = await form.ReadAsStringAsync(cancellationToken);
            foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var separator = pair.IndexOf('=', StringComparison.Ordinal);
                var name = Uri.UnescapeDataString(separator < 0 ? pair : pair[..separator]);
                var value = separator < 0 ? string.Empty : Uri.UnescapeDataString(pair[(separator + 1)..].Replace('+', ' '));
                // Only fields that never carry a credential are kept with their values.
                fields.Add(new SentField(name, PublicFields.Contains(name) ? value : null));
                if (name == "grant_type")
                {
                    grantType = value;
                }
            }
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (request.Content is FormUrlEncodedContent)
        {
            Last = new SentRequest(
                request.RequestUri!,
                grantType,
                request.Headers.Authorization?.Scheme == "Basic",
                fields,
                $"{(int)response.StatusCode} {response.ReasonPhrase} ({response.Content.Headers.ContentType?.MediaType})");
        }

        return response;
    }
}

/// <summary>What a token request looked like: where it went, its grant and its fields, credentials left out.</summary>
internal sealed record SentRequest(Uri Uri, string GrantType, bool BasicAuthentication, IReadOnlyList<SentField> Fields, string Status);

/// <summary>A form field's name, and its value only when it is not a credential.</summary>
internal sealed record SentField(string Name, string? Value);
