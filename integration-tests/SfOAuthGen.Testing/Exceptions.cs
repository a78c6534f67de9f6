namespace SfOAuthGen.Testing;

/// <summary>A cassette's JSON is invalid; the message names the file and the JSON path.</summary>
public sealed class CassetteFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and where.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public CassetteFormatException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

/// <summary>Requests reached the server that no interaction answered; the message lists each with the closest interaction and the differing fields, secrets masked.</summary>
public sealed class CassetteMismatchException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The masked description.</param>
    /// <param name="unmatched">The unmatched requests.</param>
    public CassetteMismatchException(string message, IReadOnlyList<UnmatchedRequest> unmatched)
        : base(message)
    {
        Unmatched = unmatched;
    }

    /// <summary>The unmatched requests.</summary>
    public IReadOnlyList<UnmatchedRequest> Unmatched { get; }
}

/// <summary>Recording refused to produce a cassette because a secret value it saw could still be found in it. The message names the placeholder and encoding, never the value.</summary>
public sealed class SecretLeakException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which secret (by placeholder name) survived, and in which encoding.</param>
    public SecretLeakException(string message)
        : base(message)
    {
    }
}

/// <summary>A request no interaction answered, described with secrets masked.</summary>
/// <param name="Request">The request line and its fields, secrets masked.</param>
/// <param name="ClosestInteraction">The interaction that came closest, or <see langword="null"/> if the cassette is empty.</param>
/// <param name="Differences">Each field where the request differs from <paramref name="ClosestInteraction"/>, secrets masked.</param>
public sealed record UnmatchedRequest(string Request, Interaction? ClosestInteraction, IReadOnlyList<string> Differences)
{
    /// <inheritdoc />
    public override string ToString()
    {
        var closest = ClosestInteraction is null ? "the cassette has no interactions" : "closest interaction " + ClosestInteraction;
        return Differences.Count == 0
            ? $"{Request}: {closest}"
            : $"{Request}: {closest} differs in: {string.Join("; ", Differences)}";
    }
}
