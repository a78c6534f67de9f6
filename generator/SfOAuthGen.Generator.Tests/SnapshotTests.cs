using Microsoft.CodeAnalysis;

namespace SfOAuthGen.Generator.Tests;

/// <summary>
/// The generated source for representative manifests, compared with the files under <c>Snapshots/</c>.
/// After an intended change, rewrite them with:
/// <c>SFAUTH_UPDATE_SNAPSHOTS=1 dotnet test generator/SfOAuthGen.Generator.Tests</c>, then review the diff.
/// </summary>
public class SnapshotTests
{
    public static TheoryData<string, string?> Cases => new()
    {
        { "one-org", "Consumer.App" },
        { "several-orgs", "Consumer.App" },
        { "every-field", "Consumer.App" },
        { "escaped-names", null },
        { "literal-secrets", "Consumer.App" },
        { "template-org", "Consumer.App" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Generated_source_matches_snapshot(string manifest, string? rootNamespace)
    {
        var result = GeneratorHarness.Run(GeneratorHarness.ReadManifest(manifest), rootNamespace);
        Assert.Empty(result.Diagnostics);
        Assert.NotEmpty(result.GeneratedSources);

        var directory = Path.Combine(GeneratorHarness.ProjectDirectory, "Snapshots", manifest);
        var actual = result.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString(), StringComparer.Ordinal);
        if (Environment.GetEnvironmentVariable("SFAUTH_UPDATE_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(directory);
            foreach (var stale in Directory.GetFiles(directory).Where(f => !actual.ContainsKey(Path.GetFileName(f))))
            {
                File.Delete(stale);
            }

            foreach (var (hintName, text) in actual)
            {
                File.WriteAllText(Path.Combine(directory, hintName), text);
            }
        }

        var expectedFiles = Directory.Exists(directory)
            ? Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()
            : [];
        Assert.Equal(expectedFiles, actual.Keys.Order(StringComparer.Ordinal).ToArray());
        foreach (var (hintName, text) in actual)
        {
            var expected = File.ReadAllText(Path.Combine(directory, hintName));
            Assert.True(expected == text, $"{manifest}/{hintName} differs from its snapshot; run SFAUTH_UPDATE_SNAPSHOTS=1 dotnet test and review the diff.\n--- actual ---\n{text}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Generated_source_compiles_with_no_warnings(string manifest, string? rootNamespace)
    {
        // Uses every generated member, so nullable or accessibility mistakes in the template surface here.
        var (output, generatorDiagnostics) = GeneratorHarness.RunAndCompile(GeneratorHarness.ReadManifest(manifest), rootNamespace);
        Assert.Empty(generatorDiagnostics);

        var generated = output.SyntaxTrees.Count();
        Assert.True(generated > 0);
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(problems.Length == 0, string.Join("\n", problems.Select(p => p.ToString())));
    }

    [Fact]
    public void Generated_members_can_be_called_from_user_code()
    {
        const string consumer = """
            using System.Threading;
            using System.Threading.Tasks;
            using Contoso.Salesforce;
            using SfOAuthGen.Runtime;

            /// <summary>Calls every generated member.</summary>
            public static class Consumer
            {
                /// <summary>Uses the org.</summary>
                /// <param name="cancellationToken">Cancels.</param>
                /// <returns>Text.</returns>
                public static async Task<string> UseAsync(CancellationToken cancellationToken)
                {
                    SalesforceOrgSettings settings = SandboxOrg.Settings;
                    SalesforceToken token = await SandboxOrg.GetTokenAsync(cancellationToken);
                    SalesforceToken renewed = await SandboxOrg.RefreshAsync(cancellationToken);
                    SandboxOrg.Invalidate(renewed);
                    SandboxOrg.Invalidate();
                    SandboxOrg.Configure(new SalesforceTokenClientOptions());
                    using SalesforceTokenClient own = SandboxOrg.CreateClient();
                    using SalesforceTokenClient other = SandboxOrg.CreateClient(new SalesforceTokenClientOptions());
                    SalesforceTokenClient shared = SandboxOrg.Client;
                    var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
                    services.AddSalesforceOrgs().AddSalesforceOrgs();
                    SfOAuthGen.Runtime.DependencyInjection.ISalesforceOrgBuilder builder = services.AddSandboxOrg();
                    services.AddSandboxOrg(o => o.FailureBackoff = System.TimeSpan.Zero);
                    return settings.Name + token.AccessToken + own.Settings.Name + shared.Settings.Name + other.Settings.Name + builder.Name;
                }
            }
            """;
        var (output, _) = GeneratorHarness.RunAndCompile(GeneratorHarness.ReadManifest("one-org"), "Consumer.App", consumer);

        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(problems.Length == 0, string.Join("\n", problems.Select(p => p.ToString())));
    }

    [Fact]
    public void Literal_secrets_never_reach_generated_code()
    {
        var manifest = GeneratorHarness.ReadManifest("literal-secrets");
        var result = GeneratorHarness.Run(manifest);
        var source = string.Join("\n", result.GeneratedSources.Select(s => s.SourceText.ToString()));

        foreach (var secret in new[] { "LITERAL-CLIENT-SECRET-4242424242424242", "LITERAL-PASSWORD-hunter2", "LITERAL-SECURITY-TOKEN-XYZ", "5Aep861LITERALREFRESHTOKEN", "LITERALKEY" })
        {
            Assert.Contains(secret, manifest, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, source, StringComparison.Ordinal);
        }

        Assert.Contains("SecretReference.Manifest(\"Hardcoded\", \"password\")", source, StringComparison.Ordinal);
    }

    [Fact]
    public void References_are_emitted_as_written()
    {
        var source = GeneratorHarness.Run(GeneratorHarness.ReadManifest("one-org")).OrgSources().Single().SourceText.ToString();

        Assert.Contains("global::SfOAuthGen.Runtime.SecretReference.Parse(\"env:SF_SANDBOX_PASSWORD\")", source, StringComparison.Ordinal);
        Assert.Contains("namespace Contoso.Salesforce;", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_namespace_gets_one_registration_file_naming_its_orgs()
    {
        var withNamespace = GeneratorHarness.ReadManifest("one-org");
        var withoutNamespace = GeneratorHarness.ReadManifest("several-orgs");
        var driver = GeneratorHarness.CreateDriver([new InMemoryAdditionalText("/a/sfauth.json", withNamespace), new InMemoryAdditionalText("/b/sfauth.json", withoutNamespace.Replace("\"Sandbox\"", "\"Uat\"", StringComparison.Ordinal))], rootNamespace: null);
        var result = driver.RunGeneratorsAndUpdateCompilation(GeneratorHarness.CreateCompilation(), out var output, out var diagnostics).GetRunResult().Results.Single();

        Assert.Empty(diagnostics);
        var registrations = result.GeneratedSources.Where(s => s.HintName.EndsWith(GeneratorHarness.RegistrationsHintSuffix, StringComparison.Ordinal))
            .ToDictionary(s => s.HintName, s => s.SourceText.ToString());
        Assert.Equal(["Contoso.Salesforce." + GeneratorHarness.RegistrationsHintSuffix, GeneratorHarness.RegistrationsHintSuffix], registrations.Keys.Order(StringComparer.Ordinal));
        var named = registrations["Contoso.Salesforce." + GeneratorHarness.RegistrationsHintSuffix];
        Assert.Contains("AddSalesforceOrg(services, global::Contoso.Salesforce.SandboxOrg.Settings);", named, StringComparison.Ordinal);
        Assert.DoesNotContain("ProductionOrg", named, StringComparison.Ordinal);
        var global = registrations[GeneratorHarness.RegistrationsHintSuffix];
        Assert.DoesNotContain("namespace ", global, StringComparison.Ordinal);
        foreach (var org in new[] { "ProductionOrg", "UatOrg", "IntegrationOrg" })
        {
            Assert.Contains($"AddSalesforceOrg(services, global::{org}.Settings);", global, StringComparison.Ordinal);
        }

        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(problems.Length == 0, string.Join("\n", problems.Select(p => p.ToString())));
    }

    [Fact]
    public void Manifest_without_namespace_uses_root_namespace()
    {
        var result = GeneratorHarness.Run(GeneratorHarness.ReadManifest("several-orgs"), rootNamespace: "My.Root");

        Assert.All(result.GeneratedSources, s => Assert.Contains("namespace My.Root;", s.SourceText.ToString(), StringComparison.Ordinal));
    }
}
