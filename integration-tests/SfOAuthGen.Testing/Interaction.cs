namespace SfOAuthGen.Testing;

/// <summary>One recorded exchange of a <see cref="Cassette"/>: a request pattern, the response to give, and how often.</summary>
public sealed class Interaction
{
    /// <summary>The value of <see cref="Times"/> for an interaction that answers every matching request (<c>"repeat": true</c>).</summary>
    public const int Unlimited = int.MaxValue;

    /// <summary>Creates an interaction that answers one matching request with <paramref name="response"/>.</summary>
    /// <param name="request">What a request must look like to be answered.</param>
    /// <param name="response">The answer.</param>
    public Interaction(RequestPattern request, ResponseTemplate response)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        Request = request;
        Response = response;
    }

    /// <summary>An optional name shown in diagnostics (<c>"name"</c>).</summary>
    public string? Name { get; set; }

    /// <summary>What a request must look like to be answered by this interaction.</summary>
    public RequestPattern Request { get; }

    /// <summary>The answer.</summary>
    public ResponseTemplate Response { get; }

    /// <summary>
    /// How many requests this interaction answers in total: 1 by default, <see cref="Unlimited"/> for
    /// <c>"repeat": true</c>, or a count for <c>"repeat": N</c>.
    /// </summary>
    public int Times { get; set; } = 1;

    /// <summary>An optional fault injected when this interaction answers (<c>"fault"</c>).</summary>
    public Fault? Fault { get; set; }

    /// <summary>Sets <see cref="Times"/> to <see cref="Unlimited"/> and returns this interaction.</summary>
    public Interaction Repeating()
    {
        Times = Unlimited;
        return this;
    }

    /// <summary>Sets <see cref="Fault"/> and returns this interaction.</summary>
    /// <param name="fault">The fault to inject.</param>
    public Interaction WithFault(Fault fault)
    {
        Fault = fault;
        return this;
    }

    /// <summary>Sets <see cref="Name"/> and returns this interaction.</summary>
    /// <param name="name">The name shown in diagnostics.</param>
    public Interaction Named(string name)
    {
        Name = name;
        return this;
    }

    /// <inheritdoc />
    public override string ToString() => Name is null ? $"{Request.Method} {Request.Path}" : $"'{Name}' ({Request.Method} {Request.Path})";
}
