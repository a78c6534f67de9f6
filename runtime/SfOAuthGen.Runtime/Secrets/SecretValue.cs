namespace SfOAuthGen.Runtime;

/// <summary>
/// A resolved secret. It never prints its value: <see cref="ToString"/> answers <c>(redacted)</c>,
/// so it is safe in logs, exception messages and debugger displays. Call <see cref="Reveal"/> only where the value is sent.
/// </summary>
[System.Diagnostics.DebuggerDisplay("(redacted)")]
public sealed class SecretValue
{
    private readonly string _value;

    /// <summary>Wraps <paramref name="value"/>.</summary>
    public SecretValue([SalesforceSecret] string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _value = value;
    }

    /// <summary>The number of characters in the secret.</summary>
    public int Length => _value.Length;

    /// <summary>The secret itself.</summary>
    public string Reveal() => _value;

    /// <summary>Always <c>(redacted)</c>.</summary>
    public override string ToString() => "(redacted)";
}
