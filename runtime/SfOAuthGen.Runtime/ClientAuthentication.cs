namespace SfOAuthGen.Runtime;

/// <summary>How the connected app's client id and secret reach the token endpoint.</summary>
public enum ClientAuthentication
{
    /// <summary><c>client_id</c> and <c>client_secret</c> as form fields: Salesforce's documented form.</summary>
    Body,

    /// <summary>
    /// An <c>Authorization: Basic base64(client_id:client_secret)</c> header, as in the Postman walkthrough; the body then
    /// carries neither. The id and secret are joined as they are, not form-encoded first as RFC 6749 §2.3.1 says,
    /// because that is what Salesforce's examples and Postman send. A public app (no client secret) sends its client id
    /// in the body instead.
    /// </summary>
    Basic,
}
