using System.Net;

namespace SfOAuthGen.Runtime;

/// <summary>
/// Salesforce refused a token request, or the request could not be completed.
/// Carries Salesforce's <c>error</c> and <c>error_description</c>, the HTTP status, whether retrying later may help,
/// and a hint a person can act on. Never contains a secret.
/// </summary>
public class SalesforceAuthException : Exception
{
    /// <summary>Creates the exception. The message is composed from the parts; none may hold a secret.</summary>
    public SalesforceAuthException(
        string orgName,
        SalesforceFlow flow,
        string? error,
        string? errorDescription,
        HttpStatusCode? statusCode,
        bool isTransient,
        string? hint,
        Exception? innerException = null)
        : base(Compose(orgName, flow, Bound(error, MaxErrorLength), Bound(errorDescription, MaxDescriptionLength), statusCode, isTransient, hint), innerException)
    {
        OrgName = orgName;
        Flow = flow;
        Error = Bound(error, MaxErrorLength);
        ErrorDescription = Bound(errorDescription, MaxDescriptionLength);
        StatusCode = statusCode;
        IsTransient = isTransient;
        Hint = hint;
    }

    /// <summary>The org whose token request failed.</summary>
    public string OrgName { get; }

    /// <summary>The flow that was running.</summary>
    public SalesforceFlow Flow { get; }

    /// <summary>Salesforce's <c>error</c> code (<c>invalid_grant</c>, …), or <see langword="null"/> when none came back.</summary>
    public string? Error { get; }

    /// <summary>Salesforce's <c>error_description</c> (<c>authentication failure</c>, …).</summary>
    public string? ErrorDescription { get; }

    /// <summary>The HTTP status, when a response arrived.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>
    /// <see langword="true"/> when trying again later may succeed (network failure, timeout, 5xx, a maintenance page);
    /// <see langword="false"/> when the request itself is wrong (<c>invalid_grant</c>, <c>invalid_client</c>, …).
    /// </summary>
    public bool IsTransient { get; }

    /// <summary>What to check or change, in a sentence.</summary>
    public string? Hint { get; }

    // Salesforce's codes and descriptions are short; a server's text beyond these lengths is cut, so an exception (and
    // every log line that prints it) stays small whatever the server sent.
    private const int MaxErrorLength = 100;
    private const int MaxDescriptionLength = 1000;

    private static string? Bound(string? text, int max) => ResponseBody.Shorten(text, max);

    private static string Compose(
        string orgName, SalesforceFlow flow, string? error, string? errorDescription, HttpStatusCode? statusCode, bool isTransient, string? hint)
    {
        var text = new System.Text.StringBuilder();
        text.Append("Salesforce org '").Append(orgName).Append("' (").Append(flow).Append(" flow): ");
        if (error is not null)
        {
            text.Append(error);
            if (!string.IsNullOrEmpty(errorDescription))
            {
                text.Append(" (").Append(errorDescription).Append(')');
            }
        }
        else
        {
            text.Append(errorDescription ?? "the token request failed");
        }

        if (statusCode is { } status)
        {
            text.Append(", HTTP ").Append((int)status);
        }

        text.Append(isTransient ? "; transient, may succeed if retried later." : ".");
        if (!string.IsNullOrEmpty(hint))
        {
            text.Append(" Hint: ").Append(hint);
        }

        return text.ToString();
    }
}
