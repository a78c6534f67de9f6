using System.Net.Http.Headers;
using System.Text;

namespace SfOAuthGen.Runtime;

/// <summary>One form to post to the token endpoint, with the client secret kept aside for signature verification.</summary>
internal sealed class TokenRequest
{
    public TokenRequest(SalesforceFlow flow, List<KeyValuePair<string, string>> fields, AuthenticationHeaderValue? authorization, string? clientSecret)
    {
        Flow = flow;
        Fields = fields;
        Authorization = authorization;
        ClientSecret = clientSecret;
    }

    public SalesforceFlow Flow { get; }

    public List<KeyValuePair<string, string>> Fields { get; }

    public AuthenticationHeaderValue? Authorization { get; }

    public string? ClientSecret { get; }

    /// <summary>Adds the client credentials the way the org is configured and builds the request.</summary>
    /// <remarks>
    /// Basic sends <c>client_id:client_secret</c> unencoded before Base64, as Salesforce's examples and Postman do;
    /// RFC 6749 §2.3.1 would form-encode both first, which changes consumer secrets holding <c>+ / =</c>.
    /// Without a client secret (a public app) Basic makes no sense, so the client id goes in the body.
    /// </remarks>
    public static TokenRequest Create(
        SalesforceFlow flow, ClientAuthentication style, List<KeyValuePair<string, string>> fields, string clientId, string? clientSecret)
    {
        AuthenticationHeaderValue? authorization = null;
        if (style == ClientAuthentication.Basic && clientSecret is not null)
        {
            var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes(clientId + ":" + clientSecret));
            authorization = new AuthenticationHeaderValue("Basic", credentials);
        }
        else
        {
            fields.Add(new("client_id", clientId));
            if (clientSecret is not null)
            {
                fields.Add(new("client_secret", clientSecret));
            }
        }

        return new TokenRequest(flow, fields, authorization, clientSecret);
    }
}
