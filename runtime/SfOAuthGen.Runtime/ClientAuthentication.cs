namespace SfOAuthGen.Runtime;

/// <summary>How the connected app's client id and secret reach the token endpoint.</summary>
public enum ClientAuthentication
{
    /// <summary><c>client_id</c> and <c>client_secret</c> as form fields: Salesforce's documented form.</summary>
    Body,

    /// <summary>An <c>Authorization: Basic base64(client_id:client_secret)</c> header, as in the Postman walkthrough.</summary>
    Basic,
}
