namespace SfOAuthGen.Testing;

/// <summary>The redacted cassette of a server in record mode.</summary>
public sealed partial class RecordedResponseServer
{
    /// <summary>The cassette recorded so far, every secret replaced by a placeholder.</summary>
    /// <exception cref="InvalidOperationException">The server is not in record mode.</exception>
    /// <exception cref="SecretLeakException">A secret value could still be found in the cassette in some encoding.</exception>
    public Cassette GetRecording() =>
        (recorder ?? throw new InvalidOperationException("This server replays a cassette; start it with StartRecordingAsync to record.")).BuildCassette();

    /// <summary>Writes <see cref="GetRecording"/> to <paramref name="path"/>; nothing is written if it would leak a secret.</summary>
    /// <param name="path">The cassette file.</param>
    /// <exception cref="SecretLeakException">A secret value could still be found in the cassette in some encoding.</exception>
    public void SaveRecording(string path) => GetRecording().Save(path);
}
