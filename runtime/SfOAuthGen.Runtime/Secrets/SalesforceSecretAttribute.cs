namespace SfOAuthGen.Runtime;

/// <summary>
/// Marks a property, parameter or field that takes a credential (a password, client secret, security token, refresh or
/// access token, private key). SfOAuthGen's analyzer (SFAUTH002) warns when a string literal, a <c>const</c>, a
/// <c>static readonly</c> field initialised with a literal, or a concatenation of those reaches a marked member; values
/// read from configuration, the environment or a file do not warn. Apply it to your own members to get the same check.
/// </summary>
/// <remarks>
/// On a <see cref="SecretReference"/>-typed member, a reference built from a hardcoded string with
/// <see cref="SecretReference.Literal"/> or <see cref="SecretReference.Parse"/> counts as hardcoded.
/// <see cref="SecretReference.Literal"/> itself is not marked, because it also carries identifiers such as a client id
/// or username.
/// </remarks>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field, Inherited = true, AllowMultiple = false)]
public sealed class SalesforceSecretAttribute : Attribute
{
}
