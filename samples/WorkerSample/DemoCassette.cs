using SfOAuthGen.Testing;

namespace WorkerSample;

/// <summary>The embedded cassette <c>worker.cassette.json</c>: login, a call, an expired session, the renewal, a call.</summary>
internal static class DemoCassette
{
    public static Cassette Load()
    {
        using var stream = typeof(DemoCassette).Assembly.GetManifestResourceStream("WorkerSample.worker.cassette.json")
            ?? throw new InvalidOperationException("The embedded cassette is missing.");
        using var reader = new StreamReader(stream);
        return Cassette.Parse(reader.ReadToEnd());
    }
}
