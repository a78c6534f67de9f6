namespace SfOAuthGen.Runtime;

/// <summary>
/// An org's settings cannot work as given: a secret reference that does not resolve, a missing field the flow needs,
/// or a login URL that is not HTTPS. Names the org, field and reference; never a secret value.
/// </summary>
public sealed class SalesforceConfigurationException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public SalesforceConfigurationException(string orgName, string? field, string message)
        : this(orgName, field, message, null)
    {
    }

    /// <summary>Creates the exception with the error that caused it (a resolver's failure, say).</summary>
    public SalesforceConfigurationException(string orgName, string? field, string message, Exception? innerException)
        : base(message, innerException)
    {
        OrgName = orgName;
        Field = field;
    }

    /// <summary>The org whose settings are at fault.</summary>
    public string OrgName { get; }

    /// <summary>The manifest field at fault (<c>password</c>, <c>loginUrl</c>, …), when there is one.</summary>
    public string? Field { get; }
}
