namespace SfOAuthGen.Testing;

/// <summary>
/// Placeholders stand for secrets in cassettes: <c>{{secret:NAME}}</c>. In a request pattern one matches any value, or
/// exactly the value held for NAME in <see cref="RecordedResponseServer.Secrets"/>; in a response it is replaced by that
/// value, or by a generated fake of the right shape, which is then held so later requests must send it back.
/// </summary>
public static class Placeholder
{
    /// <summary>The placeholder for the secret <paramref name="name"/>, e.g. <c>{{secret:client_secret}}</c>.</summary>
    /// <param name="name">Letters, digits, <c>_</c>, <c>.</c> or <c>-</c>.</param>
    public static string Secret(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!SecretRules.IsValidName(name))
        {
            throw new ArgumentException("A placeholder name has only letters, digits, '_', '.' and '-'.", nameof(name));
        }

        return "{{secret:" + name + "}}";
    }
}
