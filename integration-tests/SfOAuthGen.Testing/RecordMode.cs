namespace SfOAuthGen.Testing;

/// <summary>
/// When a server started from a cassette file records (as VCR's record modes): chosen with
/// <see cref="RecordedResponseServerOptions.RecordMode"/>, or else the <c>SFAUTH_RECORD</c> environment variable.
/// Every mode that writes runs the leak gate: a cassette from which a secret could be recovered is never written.
/// </summary>
public enum RecordMode
{
    /// <summary>Replay only (<c>none</c>, the default): a missing file is an error, an unmatched request gets the unmatched answer.</summary>
    None,

    /// <summary>Record everything when the file does not exist, else replay only (<c>once</c>).</summary>
    Once,

    /// <summary>Replay what the file answers; send the rest to the upstream, record it and append it to the file (<c>new_episodes</c>).</summary>
    NewEpisodes,

    /// <summary>Send every request to the upstream and rewrite the file (<c>all</c>).</summary>
    All,
}

/// <summary>Reads a <see cref="RecordMode"/> from its VCR name, and from the <c>SFAUTH_RECORD</c> environment variable.</summary>
public static class RecordModes
{
    /// <summary>The environment variable that chooses the record mode when code does not: <c>SFAUTH_RECORD</c>.</summary>
    public const string EnvironmentVariable = "SFAUTH_RECORD";

    /// <summary>Parses <c>none</c>, <c>once</c>, <c>new_episodes</c> or <c>all</c> (case-insensitive; empty or <see langword="null"/> is <c>none</c>).</summary>
    /// <param name="text">The mode's name.</param>
    /// <exception cref="ArgumentException">The text names no mode; the message lists the valid ones.</exception>
    public static RecordMode Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "none" => RecordMode.None,
        "once" => RecordMode.Once,
        "new_episodes" or "new-episodes" => RecordMode.NewEpisodes,
        "all" => RecordMode.All,
        _ => throw new ArgumentException($"'{text}' is not a record mode; use none, once, new_episodes or all.", nameof(text)),
    };

    /// <summary>The mode <c>SFAUTH_RECORD</c> names (<see cref="RecordMode.None"/> when unset).</summary>
    /// <exception cref="ArgumentException">The variable names no mode.</exception>
    public static RecordMode FromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable(EnvironmentVariable);
        try
        {
            return Parse(text);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{EnvironmentVariable}: {e.Message}", e);
        }
    }

    /// <summary>The VCR name of <paramref name="mode"/>.</summary>
    /// <param name="mode">The mode.</param>
    public static string Name(RecordMode mode) => mode switch
    {
        RecordMode.Once => "once",
        RecordMode.NewEpisodes => "new_episodes",
        RecordMode.All => "all",
        _ => "none",
    };
}
