using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace SfOAuthGen.Testing;

public sealed partial class RecordedResponseServer
{
    /// <summary>
    /// A cassette whose token response carries <c>{{signature}}</c> makes the first answer compute an HMAC, and the first
    /// HMAC in a process loads and initialises the native crypto library (10–20 ms on a 2-core machine, measured with a
    /// probe). Bare Kestrel has no such cost, so it is paid on a pool thread while Kestrel binds its socket instead of on
    /// the first request's path. Nothing depends on the result.
    /// </summary>
    private void WarmSigningWhileBinding()
    {
        if (!cassette.Interactions.Any(SignsResponse))
        {
            return;
        }

        _ = Task.Run(static () => HMACSHA256.HashData([0], [0]));
    }

    private static bool SignsResponse(Interaction interaction) =>
        interaction.Response.Json is JsonObject body
        && body["signature"] is JsonValue signature
        && signature.TryGetValue<string>(out var text)
        && text == CompiledInteraction.SignaturePlaceholder;
}
