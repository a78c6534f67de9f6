using System;
using System.Collections.Generic;

namespace SfOAuthGen.Vocabulary;

/// <summary>One OAuth 2.0 grant an org can name in <c>"flow"</c>, and the fields it cannot do without.</summary>
internal sealed class ManifestFlow(string name, string member, string[] requiredFields, bool loginStoresRefreshToken = false)
{
    /// <summary>How the manifest writes it: <c>password</c>, <c>refresh_token</c>, …</summary>
    public string Name { get; } = name;

    /// <summary>The member of <c>SfOAuthGen.Runtime.SalesforceFlow</c> it stands for (the generator writes it into code).</summary>
    public string Member { get; } = member;

    /// <summary>
    /// The fields this flow needs besides those every org needs (<see cref="ManifestVocabulary.OrgRequiredFields"/>),
    /// in the order the runtime reads them. A missing one is SFAUTH107 at build time.
    /// </summary>
    public IReadOnlyList<string> RequiredFields { get; } = requiredFields;

    /// <summary>
    /// The refresh token is not configured but obtained once by <c>sfauth login</c>, which stores it where
    /// <c>refreshToken</c> points; until then the org can only exchange an authorization code.
    /// </summary>
    public bool LoginStoresRefreshToken { get; } = loginStoresRefreshToken;

    /// <summary>Every field this flow needs, those of every org first.</summary>
    public IEnumerable<string> AllRequiredFields()
    {
        foreach (var field in ManifestVocabulary.OrgRequiredFields)
        {
            yield return field;
        }

        foreach (var field in RequiredFields)
        {
            yield return field;
        }
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>Whether <paramref name="text"/> names this flow in any spelling configuration uses: <c>refresh_token</c>, <c>RefreshToken</c>, <c>REFRESHTOKEN</c>.</summary>
    public bool IsSpelled(string text) =>
        string.Equals(text.Replace("_", string.Empty), Member, StringComparison.OrdinalIgnoreCase);
}
