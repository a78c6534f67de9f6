using System.Text;

namespace SfOAuthGen.Testing;

/// <summary>
/// An ordered list of <see cref="Interaction"/>s that a <see cref="RecordedResponseServer"/> replays. Stored as
/// deterministic, key-sorted JSON (see <c>docs/testing.md</c>); load one with <see cref="Load"/> or build one in code.
/// </summary>
public sealed class Cassette
{
    /// <summary>The format version this library reads and writes.</summary>
    public const int FormatVersion = 1;

    /// <summary>A free-text description for reviewers (<c>"description"</c>).</summary>
    public string? Description { get; set; }

    /// <summary>
    /// Fake values for placeholders the test does not supply (<c>"placeholders"</c>), e.g. the access token a hand-written
    /// cassette issues. Never real secrets: recording does not write this section.
    /// </summary>
    public IDictionary<string, string> Placeholders { get; } = new SortedList<string, string>(StringComparer.Ordinal);

    /// <summary>The interactions, in recorded order.</summary>
    public IList<Interaction> Interactions { get; } = new List<Interaction>();

    /// <summary>Appends an interaction and returns this cassette.</summary>
    /// <param name="interaction">The interaction.</param>
    public Cassette Add(Interaction interaction)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        Interactions.Add(interaction);
        return this;
    }

    /// <summary>Appends an interaction answering <paramref name="request"/> once with <paramref name="response"/>, and returns this cassette.</summary>
    /// <param name="request">The request pattern.</param>
    /// <param name="response">The response.</param>
    public Cassette Add(RequestPattern request, ResponseTemplate response) => Add(new Interaction(request, response));

    /// <summary>Reads a cassette file.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="CassetteFormatException">The file is not a valid cassette; the message says where.</exception>
    public static Cassette Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CassetteFormatException($"{path}: cannot read the cassette: {e.Message}", e);
        }

        return CassetteJson.Read(text, path);
    }

    /// <summary>Reads a cassette from JSON text.</summary>
    /// <param name="json">The JSON.</param>
    /// <exception cref="CassetteFormatException">The text is not a valid cassette; the message says where.</exception>
    public static Cassette Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return CassetteJson.Read(json, "cassette");
    }

    /// <summary>The canonical JSON text: keys sorted, two-space indent, <c>\n</c> line ends, final newline.</summary>
    public string ToJson() => CassetteJson.Write(this);

    /// <summary>Writes <see cref="ToJson"/> to a file as UTF-8 without a byte-order mark.</summary>
    /// <param name="path">The file.</param>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        File.WriteAllText(path, ToJson(), new UTF8Encoding(false));
    }
}
