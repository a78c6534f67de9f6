using System.Text;
using System.Text.Json.Nodes;

namespace SfOAuthGen.Testing;

/// <summary>Record mode: proxies requests to an upstream, keeps each exchange, and turns them into a redacted cassette.</summary>
internal sealed partial class Recorder : IDisposable
{
    /// <summary>Secrets shorter than this are not searched for: they would be found inside ordinary words.</summary>
    internal const int MinimumSearchedLength = 4;

    private readonly Uri upstream;
    private readonly HttpClient client;
    private readonly List<Exchange> exchanges = [];
    private readonly Lock gate = new();

    public Recorder(Uri upstream)
    {
        this.upstream = upstream;
        client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false })
        {
            Timeout = TimeSpan.FromMinutes(2),
        };
    }

    public void Dispose() => client.Dispose();

    /// <summary>The recorded exchanges so far.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return exchanges.Count;
            }
        }
    }

    private sealed record Exchange(
        ObservedRequest Request,
        string Authorization,
        KeyValuePair<string, string>[] RequestHeaders,
        int Status,
        string? ContentType,
        KeyValuePair<string, string[]>[] ResponseHeaders,
        JsonNode? Json,
        string Text)
    {
        /// <summary>The request's JSON body, when it had one.</summary>
        public JsonNode? RequestJson { get; } = Request.Json is null ? null : JsonNode.Parse(Request.Body);

        /// <summary>Everything the recorder saw of this exchange as text, recorded or not.</summary>
        public IEnumerable<string> EveryText()
        {
            yield return Request.Path;
            yield return Request.QueryString;
            yield return Uri.UnescapeDataString(Request.QueryString);
            foreach (var value in Request.Query.Values.Concat(Request.Form.Values))
            {
                yield return value;
            }

            yield return Encoding.UTF8.GetString(Request.Body);
            foreach (var (_, value) in RequestHeaders)
            {
                yield return value;
            }

            foreach (var (_, values) in ResponseHeaders)
            {
                foreach (var value in values)
                {
                    yield return value;
                }
            }

            yield return Text;
        }
    }
}
