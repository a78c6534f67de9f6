using System.CommandLine;
using SfOAuthGen.Runtime;
using SfOAuthGen.Vocabulary;

namespace SfOAuthGen.Tool.Commands;

/// <summary><c>sfauth check [&lt;Org&gt;]</c>: validates the manifest and reports whether each secret reference resolves.</summary>
internal sealed class CheckCommand(ToolOutput output) : ToolCommand("check", "validate sfauth.json and report which references are unresolved", """
    Validates the manifest and reports, for each org (or only <Org>), its flow, missing required fields and whether
    each secret reference resolves. Never prints a secret value. Exit code 3 when anything is wrong.
    """, output, orgRequired: false, connects: false)
{
    protected override async Task<int> RunAsync(ToolContext context, ParseResult arguments, CancellationToken cancellationToken)
    {
        var orgName = arguments.GetValue(OrgArgument);
        var orgs = orgName is null ? context.Orgs : [context.Org(orgName)];
        if (orgs.Count == 0)
        {
            return await Output.ErrorAsync($"{context.ManifestPath}: no orgs under \"orgs\".", SfAuthTool.Configuration).ConfigureAwait(false);
        }

        var problems = 0;
        foreach (var org in orgs)
        {
            problems += await CheckOrgAsync(context, org, cancellationToken).ConfigureAwait(false);
        }

        await Output.Stdout.WriteLineAsync(problems == 0 ? "OK: every reference resolves." : $"{problems} problem(s).").ConfigureAwait(false);
        return problems == 0 ? SfAuthTool.Ok : SfAuthTool.Configuration;
    }

    /// <summary>Reports one org; returns how many problems it has.</summary>
    private async Task<int> CheckOrgAsync(ToolContext context, ManifestOrg org, CancellationToken cancellationToken)
    {
        SalesforceOrgSettings settings;
        try
        {
            settings = org.ToSettings();
        }
        catch (ManifestException ex)
        {
            await Output.Stdout.WriteLineAsync($"{org.Name}: invalid\n  error: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        var flow = SalesforceFlowNames.NameOf(settings.Flow);
        await Output.Stdout.WriteLineAsync($"{org.Name}: {flow} flow, {settings.LoginUrl}").ConfigureAwait(false);
        var problems = 0;
        foreach (var field in ManifestOrg.RequiredFields(settings.Flow).Where(f => !org.Fields.ContainsKey(f) && !(org.IsTemplate && ManifestVocabulary.TenantFields.Contains(f))))
        {
            await Output.Stdout.WriteLineAsync($"  error: {context.ManifestPath}({org.Line}): orgs.{org.Name}: '{field}' is required by the {flow} flow").ConfigureAwait(false);
            problems++;
        }

        if (settings.Flow == SalesforceFlow.ClientCredentials && ManifestRules.IsGenericLoginHost(settings.LoginUrl.AbsoluteUri, out var host))
        {
            var line = org.Fields[ManifestVocabulary.LoginUrl].Line;
            await Output.Stdout.WriteLineAsync($"  error: {context.ManifestPath}({line}): orgs.{org.Name}.loginUrl: client_credentials needs the org's My Domain URL, not {host}").ConfigureAwait(false);
            problems++;
        }

        if (settings.Flow == SalesforceFlow.Password)
        {
            await Output.Stdout.WriteLineAsync("  warning: Salesforce retires the username-password flow on 2027-02-20; move this org to jwt_bearer, client_credentials or web_server.").ConfigureAwait(false);
        }

        foreach (var field in ManifestOrg.SecretFields)
        {
            if (org.Fields.TryGetValue(field, out var written) && written.Text is not null
                && !await CheckReferenceAsync(context, org, settings.Flow, field, SecretReference.Parse(written.Text), cancellationToken).ConfigureAwait(false))
            {
                problems++;
            }
        }

        return problems;
    }

    /// <summary>Reports whether one secret reference resolves, and where; never its value.</summary>
    private async Task<bool> CheckReferenceAsync(ToolContext context, ManifestOrg org, SalesforceFlow flow, string field, SecretReference reference, CancellationToken cancellationToken)
    {
        var (value, where) = await context.Store.FindAsync(reference, cancellationToken).ConfigureAwait(false);
        var shownReference = reference.Kind == SecretReferenceKind.Literal ? "(literal in sfauth.json)" : reference.ToString();
        if (!string.IsNullOrEmpty(value))
        {
            await Output.Stdout.WriteLineAsync($"  {field,-14} {shownReference}: resolved ({where})").ConfigureAwait(false);
            return true;
        }

        var hint = field == ManifestVocabulary.RefreshToken && flow is SalesforceFlow.WebServer or SalesforceFlow.RefreshToken
            ? $"; run 'sfauth login {org.Name}'"
            : string.Empty;
        await Output.Stdout.WriteLineAsync($"  {field,-14} {shownReference}: unresolved (not found in {where}){hint}").ConfigureAwait(false);
        return false;
    }
}
