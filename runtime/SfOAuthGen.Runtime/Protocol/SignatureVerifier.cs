using System.Security.Cryptography;
using System.Text;

namespace SfOAuthGen.Runtime;

/// <summary>
/// Checks Salesforce's <c>signature</c>: Base64(HMAC-SHA256(key = client secret, message = <c>id</c> + <c>issued_at</c>)),
/// compared in fixed time. Keeps one keyed HMAC between responses: creating one per response was most of the check's cost.
/// Thread-safe: a caller takes the keyed instance, or makes its own while another holds it.
/// </summary>
internal sealed class SignatureVerifier
{
    private KeyedHmac? _cached;

    public bool Matches(string clientSecret, string id, string issuedAt, string signature)
    {
        Span<byte> actual = stackalloc byte[64];
        if (signature.Length > 88 || !Convert.TryFromBase64String(signature, actual, out var decoded))
        {
            return false;
        }

        var hmac = Interlocked.Exchange(ref _cached, null);
        if (hmac is null || !string.Equals(hmac.Key, clientSecret, StringComparison.Ordinal))
        {
            hmac?.Dispose();
            hmac = new KeyedHmac(clientSecret);
        }

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        hmac.Compute(id, issuedAt, expected);
        Interlocked.Exchange(ref _cached, hmac)?.Dispose();
        return CryptographicOperations.FixedTimeEquals(expected, actual[..decoded]);
    }

    private sealed class KeyedHmac : IDisposable
    {
        private readonly IncrementalHash _hash;

        public KeyedHmac(string key)
        {
            Key = key;
            var bytes = Encoding.UTF8.GetBytes(key);
            _hash = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, bytes);
            CryptographicOperations.ZeroMemory(bytes); // the client secret does not linger in a spare array
        }

        /// <summary>The client secret this HMAC is keyed with; compared, never printed.</summary>
        public string Key { get; }

        public void Compute(string id, string issuedAt, Span<byte> destination)
        {
            // One update with both parts: each update is a call into the platform's crypto library.
            Span<byte> buffer = stackalloc byte[512];
            var length = Encoding.UTF8.GetMaxByteCount(id.Length + issuedAt.Length);
            var message = length <= buffer.Length ? buffer : new byte[length];
            var written = Encoding.UTF8.GetBytes(id, message);
            written += Encoding.UTF8.GetBytes(issuedAt, message[written..]);
            _hash.AppendData(message[..written]);
            _hash.GetHashAndReset(destination);
        }

        public void Dispose() => _hash.Dispose();
    }
}
