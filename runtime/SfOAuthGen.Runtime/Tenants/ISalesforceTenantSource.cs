namespace SfOAuthGen.Runtime.Tenants;

/// <summary>
/// Where the app keeps its tenants' org settings (a database table, configuration, a customer API): looked up by
/// <see cref="SalesforceTenantRegistry"/> the first time a tenant is used after start or after its idle client was evicted.
/// </summary>
/// <remarks>
/// Return settings with secret references (<c>env:</c>, <c>config:</c>, or <see cref="SecretReference.Literal"/> for a
/// value the app decrypted itself), never log them. A tenant connected through the web-server flow needs no refresh
/// token here: the token store holds its chain under the tenant's key.
/// </remarks>
public interface ISalesforceTenantSource
{
    /// <summary>The settings of <paramref name="tenant"/>, or <see langword="null"/> when the app does not know it.</summary>
    /// <param name="tenant">The app's key for the tenant (tenant id, user id).</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The tenant's settings; the registry sets <see cref="SalesforceOrgSettings.Tenant"/> to <paramref name="tenant"/>.</returns>
    ValueTask<SalesforceOrgSettings?> FindAsync(string tenant, CancellationToken cancellationToken = default);
}
