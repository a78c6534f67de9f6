using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace SfOAuthGen.Runtime;

/// <summary>
/// Turns a <see cref="StoredTokenState"/> into the bytes a store keeps and back: JSON, and the credentials inside it
/// protected with ASP.NET Core Data Protection when a protector is given. The generation stays readable so a store can
/// compare-and-set without decrypting.
/// </summary>
internal sealed class TokenStateCodec
{
    /// <summary>The Data Protection purpose: a key ring entry of its own, so no other payload of the app decrypts as ours.</summary>
    public const string Purpose = "SfOAuthGen.TokenStore.v1";

    private readonly IDataProtector? _protector;

    public TokenStateCodec(IDataProtectionProvider? protection)
    {
        _protector = protection?.CreateProtector(Purpose);
    }

    /// <summary>Whether states are encrypted at rest.</summary>
    public bool Protects => _protector is not null;

    public byte[] Encode(StoredTokenState state)
    {
        var inner = EncodeInner(state);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v", 1);
            writer.WriteNumber("generation", state.Generation);
            writer.WriteString("org", state.OrgName);
            if (_protector is not null)
            {
                writer.WriteBase64String("protected", _protector.Protect(inner));
            }
            else
            {
                writer.WritePropertyName("state");
                writer.WriteRawValue(inner, skipInputValidation: true);
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Reads the generation alone (for compare-and-set), or 0 when <paramref name="data"/> is empty.</summary>
    public static long ReadGeneration(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return 0;
        }

        var reader = new Utf8JsonReader(data);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("generation"))
            {
                reader.Read();
                return reader.GetInt64();
            }
        }

        throw new InvalidDataException("The stored token state has no generation.");
    }

    /// <exception cref="InvalidDataException">The bytes are not a token state this codec wrote, or cannot be decrypted with the app's keys.</exception>
    public StoredTokenState Decode(ReadOnlySpan<byte> data)
    {
        try
        {
            using var document = JsonDocument.Parse(data.ToArray());
            var root = document.RootElement;
            var generation = root.GetProperty("generation").GetInt64();
            var org = root.GetProperty("org").GetString() ?? string.Empty;
            if (root.TryGetProperty("protected", out var protectedState))
            {
                if (_protector is null)
                {
                    throw new InvalidDataException("The stored token state is encrypted with ASP.NET Core Data Protection, and this app has no IDataProtectionProvider registered.");
                }

                using var inner = JsonDocument.Parse(_protector.Unprotect(protectedState.GetBytesFromBase64()));
                return DecodeInner(inner.RootElement, generation, org);
            }

            // A state in clear (an app without Data Protection wrote it) stays readable; the next write here encrypts it.
            return DecodeInner(root.GetProperty("state"), generation, org);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException
            or System.Security.Cryptography.CryptographicException)
        {
            // The inner exception's message may quote the content; keep only its type.
            throw new InvalidDataException($"The stored token state cannot be read ({ex.GetType().Name}); it was not written by this version of SfOAuthGen, or with other Data Protection keys.");
        }
    }

    private static byte[] EncodeInner(StoredTokenState state)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (state.Token is { } token)
            {
                writer.WriteString("access_token", token.AccessToken);
                writer.WriteString("instance_url", token.InstanceUrl.AbsoluteUri);
                writer.WriteNumber("expires_at", token.ExpiresAt.ToUnixTimeMilliseconds());
                writer.WriteString("token_type", token.TokenType);
                WriteOptional(writer, "id", token.IdentityUrl?.AbsoluteUri);
                if (token.IssuedAt is { } issuedAt)
                {
                    writer.WriteNumber("issued_at", issuedAt.ToUnixTimeMilliseconds());
                }

                WriteOptional(writer, "scope", token.Scope);
                WriteOptional(writer, "signature", token.Signature);
                WriteOptional(writer, "id_token", token.IdToken);
                WriteOptional(writer, "sfdc_community_url", token.CommunityUrl?.AbsoluteUri);
            }

            WriteOptional(writer, "refresh_token", state.RefreshToken);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static StoredTokenState DecodeInner(JsonElement state, long generation, string org)
    {
        var refreshToken = Optional(state, "refresh_token");
        SalesforceToken? token = null;
        if (Optional(state, "access_token") is { } accessToken)
        {
            token = new SalesforceToken(
                accessToken,
                new Uri(state.GetProperty("instance_url").GetString()!, UriKind.Absolute),
                DateTimeOffset.FromUnixTimeMilliseconds(state.GetProperty("expires_at").GetInt64()))
            {
                TokenType = Optional(state, "token_type") ?? "Bearer",
                IdentityUrl = Optional(state, "id") is { } id ? new Uri(id, UriKind.Absolute) : null,
                IssuedAt = state.TryGetProperty("issued_at", out var issuedAt) ? DateTimeOffset.FromUnixTimeMilliseconds(issuedAt.GetInt64()) : null,
                Scope = Optional(state, "scope"),
                Signature = Optional(state, "signature"),
                IdToken = Optional(state, "id_token"),
                CommunityUrl = Optional(state, "sfdc_community_url") is { } community ? new Uri(community, UriKind.Absolute) : null,
                RefreshToken = refreshToken,
            };
        }

        return new StoredTokenState(generation, token, refreshToken, org);
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static string? Optional(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
