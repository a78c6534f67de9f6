using SfOAuthGen.Runtime.Tests.Infrastructure;

namespace SfOAuthGen.Runtime.Tests;

public sealed class SecretResolutionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sfoauthgen-runtime-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_set_environment_variable_supplies_the_secret()
    {
        var name = UniqueVariable();
        Environment.SetEnvironmentVariable(name, Secrets.Password);
        try
        {
            using var harness = new Harness(TestOrg.Password() with { Password = SecretReference.Parse("env:" + name) });

            await harness.Client.GetTokenAsync();

            Assert.Equal(Secrets.Password + Secrets.SecurityToken, harness.Endpoint.Last.Field("password"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_unset_or_empty_environment_variable_is_an_error_naming_variable_field_and_org(bool empty)
    {
        var name = UniqueVariable();
        if (empty)
        {
            // .NET removes a variable set to an empty value; either way the reference must read as absent.
            Environment.SetEnvironmentVariable(name, string.Empty);
        }

        using var harness = new Harness(TestOrg.Password() with { SecurityToken = SecretReference.Parse("env:" + name) });

        var ex = await Harness.Fails<SalesforceConfigurationException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.Contains(name, ex.Message, StringComparison.Ordinal);
        Assert.Contains("'securityToken'", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"'{TestOrg.Name}'", ex.Message, StringComparison.Ordinal);
        Assert.Equal("securityToken", ex.Field);
        Assert.Equal(TestOrg.Name, ex.OrgName);
        Assert.Equal(0, harness.Endpoint.Count);
    }

    [Fact]
    public async Task A_manifest_literal_is_read_from_the_manifest_with_comments_and_trailing_commas()
    {
        var manifest = WriteManifest($$"""
            {
              // the build copies this file beside the application
              "orgs": {
                "Sandbox": { "loginUrl": "https://test.salesforce.com", "password": "{{Escape(Secrets.Password)}}", },
              },
            }
            """);
        var resolver = new DefaultSecretResolver(manifest);

        var value = await resolver.ResolveAsync(SecretReference.Manifest("Sandbox", "password"), CancellationToken.None);

        Assert.Equal(Secrets.Password, value!.Reveal());
        Assert.Null(await resolver.ResolveAsync(SecretReference.Manifest("Sandbox", "securityToken"), CancellationToken.None));
        Assert.Null(await resolver.ResolveAsync(SecretReference.Manifest("Production", "password"), CancellationToken.None));
    }

    [Fact]
    public async Task A_manifest_literal_reaches_the_token_request()
    {
        var manifest = WriteManifest("{\"orgs\":{\"" + TestOrg.Name + "\":{\"password\":\"" + Escape(Secrets.Password) + "\"} } }");
        using var harness = new Harness(
            TestOrg.Password() with { Password = SecretReference.Manifest(TestOrg.Name, "password") }, resolver: new DefaultSecretResolver(manifest));

        await harness.Client.GetTokenAsync();

        Assert.Equal(Secrets.Password + Secrets.SecurityToken, harness.Endpoint.Last.Field("password"));
    }

    [Fact]
    public async Task A_missing_manifest_field_is_an_error_naming_field_and_org()
    {
        var manifest = WriteManifest("{\"orgs\":{\"" + TestOrg.Name + "\":{} } }");
        using var harness = new Harness(
            TestOrg.Password() with { Password = SecretReference.Manifest(TestOrg.Name, "password") }, resolver: new DefaultSecretResolver(manifest));

        var ex = await Harness.Fails<SalesforceConfigurationException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.Equal("password", ex.Field);
        Assert.Contains("sfauth.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_manifest_file_is_an_error_naming_its_path()
    {
        var path = Path.Combine(_directory, "absent", "sfauth.json");
        var resolver = new DefaultSecretResolver(path);

        var ex = await Harness.Fails<SalesforceConfigurationException>(
            () => resolver.ResolveAsync(SecretReference.Manifest("Sandbox", "password"), CancellationToken.None).AsTask());

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Equal("Sandbox", ex.OrgName);
    }

    [Fact]
    public async Task A_malformed_manifest_is_an_error_without_its_contents()
    {
        var manifest = WriteManifest("{\"orgs\":{\"Sandbox\":{\"password\":\"" + Escape(Secrets.Password) + "\" \"oops\"} } }");
        var resolver = new DefaultSecretResolver(manifest);

        var ex = await Harness.Fails<SalesforceConfigurationException>(
            () => resolver.ResolveAsync(SecretReference.Manifest("Sandbox", "password"), CancellationToken.None).AsTask());

        Assert.Contains("not valid JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_resolver_reads_the_manifest_beside_the_application()
    {
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "sfauth.json"), DefaultSecretResolver.Instance.ManifestPath);
    }

    [Fact]
    public async Task A_file_reference_reads_the_trimmed_contents()
    {
        var path = Path.Combine(_directory, "secret.txt");
        await File.WriteAllTextAsync(path, "  " + Secrets.SecurityToken + "\n");

        var value = await new DefaultSecretResolver(Path.Combine(_directory, "sfauth.json"))
            .ResolveAsync(SecretReference.Parse("file:" + path), CancellationToken.None);

        Assert.Equal(Secrets.SecurityToken, value!.Reveal());
    }

    [Fact]
    public async Task A_missing_file_is_an_error_naming_the_path_field_and_org()
    {
        var path = Path.Combine(_directory, "nope.txt");
        using var harness = new Harness(TestOrg.Password() with { Password = SecretReference.File(path) });

        var ex = await Harness.Fails<SalesforceConfigurationException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Equal("password", ex.Field);
    }

    [Fact]
    public async Task A_literal_resolves_to_itself()
    {
        var value = await DefaultSecretResolver.Instance.ResolveAsync(SecretReference.Parse(Secrets.Password), CancellationToken.None);

        Assert.Equal(Secrets.Password, value!.Reveal());
    }

    [Fact]
    public async Task A_configuration_reference_asks_for_a_configuration_aware_resolver()
    {
        Assert.Null(await DefaultSecretResolver.Instance.ResolveAsync(SecretReference.Parse("config:Salesforce:Password"), CancellationToken.None));
        using var harness = new Harness(TestOrg.Password() with { Password = SecretReference.Parse("config:Salesforce:Password") });

        var ex = await Harness.Fails<SalesforceConfigurationException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.Contains("configuration-aware", ex.Message, StringComparison.Ordinal);
        Assert.Contains("config:Salesforce:Password", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_custom_resolver_becomes_a_configuration_error_with_the_cause()
    {
        var cause = new InvalidOperationException("vault unavailable");
        using var harness = new Harness(resolver: new ThrowingResolver(cause));

        var ex = await Harness.Fails<SalesforceConfigurationException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.Same(cause, ex.InnerException);
        Assert.Equal("clientId", ex.Field);
    }

    [Fact]
    public void Printing_settings_references_and_values_shows_no_secret()
    {
        var settings = TestOrg.Password();
        var texts = new[]
        {
            settings.ToString(),
            SecretReference.Literal(Secrets.Password).ToString(),
            new SecretValue(Secrets.Password).ToString(),
            SecretReference.Parse("env:SF_PASSWORD").ToString(),
        };
        foreach (var text in texts)
        {
            Secrets.Observe(text);
        }

        Assert.Contains("(literal)", texts[0], StringComparison.Ordinal);
        Assert.Equal("(redacted)", texts[2]);
        Assert.Equal("env:SF_PASSWORD", texts[3]);
    }

    private static string UniqueVariable() => "SFOAUTHGEN_TEST_" + Guid.NewGuid().ToString("N").ToUpperInvariant();

    private static string Escape(string value) => System.Text.Json.JsonEncodedText.Encode(value).ToString();

    private string WriteManifest(string json)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        return path;
    }

    private sealed class ThrowingResolver(Exception cause) : ISecretResolver
    {
        public ValueTask<SecretValue?> ResolveAsync(SecretReference reference, CancellationToken cancellationToken) =>
            ValueTask.FromException<SecretValue?>(cause);
    }
}
