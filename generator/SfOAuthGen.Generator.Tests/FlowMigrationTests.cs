using System.Net;
using System.Reflection;
using System.Runtime.Loader;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Web;
using Microsoft.CodeAnalysis;
using SfOAuthGen.Generator.Tests.Analyzers;
using SfOAuthGen.Runtime;

namespace SfOAuthGen.Generator.Tests;

/// <summary>
/// Moving an org off the retiring username-password flow is a manifest change only: the repository's own sfauth.json
/// (the QuickStart's <c>Sandbox</c> org) and a copy whose <c>flow</c> line says <c>jwt_bearer</c> and which adds a
/// <c>privateKey</c> reference both generate code that the same QuickStart-style program compiles against, with the same
/// API, settings that differ only in <c>Flow</c> and <c>PrivateKey</c>, and the same program runs on either.
/// </summary>
public class FlowMigrationTests
{
    private const string PrivateKeyLine = "\"privateKey\": \"env:SF_SANDBOX_PRIVATE_KEY\",";

    /// <summary>The QuickStart's calls, written once; compiled against each manifest's generated code.</summary>
    private const string QuickStartProgram = """
        using System;
        using System.Net.Http;
        using System.Net.Http.Headers;
        using System.Threading;
        using System.Threading.Tasks;
        using SfOAuthGen.Runtime;
        using SfOAuthGen.Samples;

        /// <summary>The QuickStart walkthrough's calls on the Sandbox org.</summary>
        public static class QuickStart
        {
            /// <summary>Gets a token, renews it, and calls the data API's limits with it.</summary>
            /// <param name="http">How requests travel.</param>
            /// <param name="loginUrl">Where the login host is.</param>
            /// <param name="secrets">Resolves the manifest's secret references.</param>
            /// <param name="cancellationToken">Cancels the walkthrough.</param>
            /// <returns>The limits call's answer.</returns>
            public static async Task<string> RunAsync(HttpClient http, Uri loginUrl, ISecretResolver secrets, CancellationToken cancellationToken)
            {
                SandboxOrg.Configure(new SalesforceTokenClientOptions { HttpClient = http, LoginUrl = loginUrl, SecretResolver = secrets });
                SalesforceToken token = await SandboxOrg.GetTokenAsync(cancellationToken);
                SalesforceToken renewed = await SandboxOrg.RefreshAsync(cancellationToken);
                if (renewed.AccessToken == token.AccessToken)
                {
                    throw new InvalidOperationException("RefreshAsync returned the cached token");
                }

                var limits = new Uri(renewed.InstanceUrl, $"/services/data/v{SandboxOrg.Settings.ApiVersion}/limits");
                using var request = new HttpRequestMessage(HttpMethod.Get, limits);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", renewed.AccessToken);
                using var response = await http.SendAsync(request, cancellationToken);
                return await response.Content.ReadAsStringAsync(cancellationToken);
            }
        }
        """;

    private static readonly Lazy<(string Password, string Jwt)> Manifests = new(() =>
    {
        var original = File.ReadAllText(Path.Combine(RepositoryRoot(), "sfauth.json"));
        return (original, MoveToJwtBearer(original));
    });

    [Fact]
    public void The_jwt_variant_differs_from_the_repository_manifest_only_in_the_flow_line_and_an_added_privateKey_line()
    {
        var (password, jwt) = Manifests.Value;

        var (removed, added) = LineDiff(password, jwt);

        Assert.Equal(["\"flow\": \"password\","], removed.Select(l => l.Trim()));
        Assert.Equal(["\"flow\": \"jwt_bearer\",", PrivateKeyLine], added.Select(l => l.Trim()));
        Assert.Contains("\"Sandbox\"", password, StringComparison.Ordinal); // it is the QuickStart's org being moved
    }

    [Fact]
    public void The_same_QuickStart_program_compiles_against_both_with_zero_diagnostics_and_the_same_generated_API()
    {
        var (password, jwt) = Manifests.Value;

        var before = Compile(password);
        var after = Compile(jwt);

        Assert.Equal(PublicApi(before.Output), PublicApi(after.Output));
        Assert.Contains("P:SfOAuthGen.Samples.SandboxOrg.Settings", PublicApi(before.Output));
    }

    [Fact]
    public void Generated_settings_differ_only_in_Flow_and_PrivateKey()
    {
        var (password, jwt) = Manifests.Value;
        var before = Compile(password);
        var after = Compile(jwt);

        var passwordSettings = LoadSettings(before.Assembly, out var passwordContext);
        var jwtSettings = LoadSettings(after.Assembly, out var jwtContext);
        try
        {
            Assert.Equal(SalesforceFlow.Password, passwordSettings.Flow);
            Assert.Null(passwordSettings.PrivateKey);
            Assert.Equal(SalesforceFlow.JwtBearer, jwtSettings.Flow);
            Assert.Equal(SecretReference.Environment("SF_SANDBOX_PRIVATE_KEY"), jwtSettings.PrivateKey);
            Assert.Equal(passwordSettings with { Flow = jwtSettings.Flow, PrivateKey = jwtSettings.PrivateKey }, jwtSettings);
        }
        finally
        {
            passwordContext.Unload();
            jwtContext.Unload();
        }

        // In the generated source too: the Settings initialisers differ by exactly those two lines.
        var (removed, added) = LineDiff(SettingsInitializer(before.SandboxSource), SettingsInitializer(after.SandboxSource));
        Assert.Equal(["Flow = global::SfOAuthGen.Runtime.SalesforceFlow.Password,"], removed.Select(l => l.Trim()));
        Assert.Equal(
            ["Flow = global::SfOAuthGen.Runtime.SalesforceFlow.JwtBearer,", "PrivateKey = global::SfOAuthGen.Runtime.SecretReference.Parse(\"env:SF_SANDBOX_PRIVATE_KEY\"),"],
            added.Select(l => l.Trim()));
    }

    [Fact]
    public async Task Moving_off_the_password_flow_clears_the_retirement_warning_and_raises_no_other_diagnostic()
    {
        var (password, jwt) = Manifests.Value;

        var before = await Analyze(password);
        var after = await Analyze(jwt);

        Assert.Equal(["SFAUTH004"], before.Select(f => f.Id));
        Assert.Empty(after);
    }

    [Fact]
    public async Task The_same_program_runs_the_password_flow_before_the_move_and_the_jwt_bearer_flow_after_it()
    {
        var (password, jwt) = Manifests.Value;
        using var key = RSA.Create(2048);
        var secrets = new Secrets(key.ExportPkcs8PrivateKeyPem());
        var salesforce = new FakeSalesforce(secrets, key);

        var passwordRun = await RunQuickStartAsync(Compile(password).Assembly, salesforce, secrets);
        var passwordGrants = salesforce.TakeGrants();
        var jwtRun = await RunQuickStartAsync(Compile(jwt).Assembly, salesforce, secrets);
        var jwtGrants = salesforce.TakeGrants();

        Assert.Equal(FakeSalesforce.LimitsBody, passwordRun);
        Assert.Equal(FakeSalesforce.LimitsBody, jwtRun);
        Assert.Equal(["password", "password"], passwordGrants); // no refresh token from this flow: renewal logs in again
        Assert.Equal([FakeSalesforce.JwtBearerGrant, FakeSalesforce.JwtBearerGrant], jwtGrants); // each renewal signs a new assertion
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    /// <summary>The text edit a developer makes: the Sandbox org's flow line, and a privateKey line after it.</summary>
    private static string MoveToJwtBearer(string manifest)
    {
        var newline = manifest.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var lines = manifest.Split(newline).ToList();
        var sandbox = lines.FindIndex(l => l.Trim().StartsWith("\"Sandbox\":", StringComparison.Ordinal));
        Assert.True(sandbox >= 0, "the repository's sfauth.json has no Sandbox org");
        var flow = lines.FindIndex(sandbox, l => l.Trim() == "\"flow\": \"password\",");
        Assert.True(flow > sandbox, "the Sandbox org has no password flow line");
        var indent = lines[flow][..(lines[flow].Length - lines[flow].TrimStart().Length)];
        lines[flow] = indent + "\"flow\": \"jwt_bearer\",";
        lines.Insert(flow + 1, indent + PrivateKeyLine);
        return string.Join(newline, lines);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SfOAuthGen.sln")) && File.Exists(Path.Combine(directory.FullName, "sfauth.json")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("No directory above " + AppContext.BaseDirectory + " holds SfOAuthGen.sln and sfauth.json.");
    }

    private sealed record Compiled(Compilation Output, byte[] Assembly, string SandboxSource);

    /// <summary>Generates from <paramref name="manifest"/>, compiles with the QuickStart program, asserts zero diagnostics, emits.</summary>
    private static Compiled Compile(string manifest)
    {
        // The .NET SDK builds with NoWarn CS1701;CS1702 (reference-version unification: the net8.0 runtime library meets the
        // net10.0 System.Net.Http the program passes it); everything else stays an error, as in the generator harness.
        var compilation = GeneratorHarness.CreateCompilation(QuickStartProgram);
        compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions(
            new Dictionary<string, ReportDiagnostic> { ["CS1701"] = ReportDiagnostic.Suppress, ["CS1702"] = ReportDiagnostic.Suppress }));
        GeneratorHarness.CreateDriver([new InMemoryAdditionalText(GeneratorHarness.ManifestPath, manifest)], "SfOAuthGen.QuickStart")
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        Assert.Empty(generatorDiagnostics);
        var problems = output.GetDiagnostics().Where(d => d.Severity != DiagnosticSeverity.Hidden).ToArray();
        Assert.True(problems.Length == 0, string.Join("\n", problems.Select(p => p.ToString())));

        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        var sandbox = output.SyntaxTrees.Single(t => t.FilePath.EndsWith("SandboxOrg.g.cs", StringComparison.Ordinal)).ToString();
        return new Compiled(output, image.ToArray(), sandbox);
    }

    /// <summary>Every public type and member of the compilation, by documentation id.</summary>
    private static string[] PublicApi(Compilation compilation)
    {
        var ids = new List<string>();
        Visit(compilation.Assembly.GlobalNamespace);
        return [.. ids.Order(StringComparer.Ordinal)];

        void Visit(INamespaceOrTypeSymbol container)
        {
            foreach (var member in container.GetMembers())
            {
                if (member is INamespaceSymbol ns)
                {
                    Visit(ns);
                }
                else if (member.DeclaredAccessibility == Accessibility.Public && member.GetDocumentationCommentId() is { } id)
                {
                    ids.Add(id);
                    if (member is INamedTypeSymbol type)
                    {
                        Visit(type);
                    }
                }
            }
        }
    }

    private static SalesforceOrgSettings LoadSettings(byte[] image, out AssemblyLoadContext context)
    {
        // Collectible, and falling back to the test's own SfOAuthGen.Runtime, so SalesforceOrgSettings is one type.
        context = new AssemblyLoadContext("flow-migration", isCollectible: true);
        var assembly = context.LoadFromStream(new MemoryStream(image));
        return (SalesforceOrgSettings)assembly.GetType("SfOAuthGen.Samples.SandboxOrg", throwOnError: true)!
            .GetProperty("Settings", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
    }

    private static string SettingsInitializer(string source)
    {
        var start = source.IndexOf("new global::SfOAuthGen.Runtime.SalesforceOrgSettings", StringComparison.Ordinal);
        Assert.True(start >= 0, "no Settings initialiser in the generated source");
        var end = source.IndexOf("\n    }", start, StringComparison.Ordinal);
        return source[start..end];
    }

    /// <summary>SfOAuthGen's analyzers over the manifest and the program compiled with its generated code, at their own severity.</summary>
    private static Task<Found[]> Analyze(string manifest)
    {
        var output = Compile(manifest).Output;
        return AnalyzerHarness.AnalyzeAsync(
            output.WithOptions(output.Options.WithGeneralDiagnosticOption(ReportDiagnostic.Default)),
            [new InMemoryAdditionalText(GeneratorHarness.ManifestPath, manifest)]);
    }

    private static async Task<string> RunQuickStartAsync(byte[] image, FakeSalesforce salesforce, Secrets secrets)
    {
        var context = new AssemblyLoadContext("flow-migration-run", isCollectible: true);
        try
        {
            var run = context.LoadFromStream(new MemoryStream(image)).GetType("QuickStart", throwOnError: true)!.GetMethod("RunAsync")!;
            using var http = new HttpClient(salesforce, disposeHandler: false);
            var task = (Task<string>)run.Invoke(null, [http, FakeSalesforce.LoginUrl, secrets, CancellationToken.None])!;
            return await task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>Lines only in <paramref name="before"/> and lines only in <paramref name="after"/>, by longest common subsequence.</summary>
    private static (List<string> Removed, List<string> Added) LineDiff(string before, string after)
    {
        var a = before.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var b = after.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var common = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                common[i, j] = a[i] == b[j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
            }
        }

        var removed = new List<string>();
        var added = new List<string>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                x++;
                y++;
            }
            else if (y < b.Length && (x == a.Length || common[x, y + 1] >= common[x + 1, y]))
            {
                added.Add(b[y++]);
            }
            else
            {
                removed.Add(a[x++]);
            }
        }

        return (removed, added);
    }

    /// <summary>The values behind the root manifest's env: references (and the variant's privateKey), made at run time.</summary>
    private sealed class Secrets(string privateKeyPem) : ISecretResolver
    {
        private readonly Dictionary<string, string> values = new(StringComparer.Ordinal)
        {
            ["SF_SANDBOX_CLIENT_ID"] = "migration-app-" + Guid.NewGuid().ToString("N"),
            ["SF_SANDBOX_CLIENT_SECRET"] = "cs-" + Guid.NewGuid().ToString("N"),
            ["SF_SANDBOX_USERNAME"] = "migration." + Guid.NewGuid().ToString("N")[..8] + "@example.com",
            ["SF_SANDBOX_PASSWORD"] = "pw-" + Guid.NewGuid().ToString("N"),
            ["SF_SANDBOX_SECURITY_TOKEN"] = "st" + Guid.NewGuid().ToString("N")[..10],
            ["SF_SANDBOX_PRIVATE_KEY"] = privateKeyPem,
        };

        public string this[string name] => values[name];

        public ValueTask<SecretValue?> ResolveAsync(SecretReference reference, CancellationToken cancellationToken) =>
            new(values.TryGetValue(reference.Name, out var value) ? new SecretValue(value) : null);
    }

    /// <summary>
    /// Salesforce in a message handler (this project has no loopback server): the password grant with Basic client
    /// authentication, the JWT bearer grant with the assertion's signature, claims and expiry checked, and the limits
    /// call answered only for the latest access token. Anything else is a 400 that fails the run.
    /// </summary>
    private sealed class FakeSalesforce(Secrets secrets, RSA key) : HttpMessageHandler
    {
        public const string JwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
        public const string LimitsBody = "{\"DailyApiRequests\":{\"Max\":15000,\"Remaining\":14998}}";
        public static readonly Uri LoginUrl = new("http://127.0.0.1:9/");

        private readonly List<string> grants = [];
        private string? latest;

        public string[] TakeGrants()
        {
            lock (grants)
            {
                var taken = grants.ToArray();
                grants.Clear();
                return taken;
            }
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath.EndsWith("/limits", StringComparison.Ordinal))
            {
                return request.Headers.Authorization?.Parameter is { } bearer && bearer == latest
                    ? Json(HttpStatusCode.OK, LimitsBody)
                    : Json(HttpStatusCode.Unauthorized, "[{\"errorCode\":\"INVALID_SESSION_ID\",\"message\":\"Session expired or invalid\"}]");
            }

            var form = HttpUtility.ParseQueryString(await request.Content!.ReadAsStringAsync(cancellationToken));
            var grant = form["grant_type"] ?? string.Empty;
            var accepted = grant switch
            {
                "password" => PasswordAccepted(request, form["username"], form["password"]),
                JwtBearerGrant => AssertionAccepted(form["assertion"] ?? string.Empty),
                _ => false,
            };
            if (!accepted)
            {
                return Json(HttpStatusCode.BadRequest, "{\"error\":\"invalid_grant\",\"error_description\":\"authentication failure\"}");
            }

            lock (grants)
            {
                grants.Add(grant);
                latest = "00D" + "MIGRATION001!" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
                var body = new Dictionary<string, string>
                {
                    ["access_token"] = latest,
                    ["instance_url"] = "http://127.0.0.1:9",
                    ["id"] = "http://127.0.0.1:9/id/00DMIGRATION0001/005MIGRATION0001",
                    ["token_type"] = "Bearer",
                    ["issued_at"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
                };
                body["signature"] = Convert.ToBase64String(HMACSHA256.HashData(
                    Encoding.UTF8.GetBytes(secrets["SF_SANDBOX_CLIENT_SECRET"]), Encoding.UTF8.GetBytes(body["id"] + body["issued_at"])));
                return Json(HttpStatusCode.OK, JsonSerializer.Serialize(body));
            }
        }

        private bool PasswordAccepted(HttpRequestMessage request, string? username, string? password)
        {
            var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(secrets["SF_SANDBOX_CLIENT_ID"] + ":" + secrets["SF_SANDBOX_CLIENT_SECRET"]));
            return request.Headers.Authorization is { Scheme: "Basic" } authorization && authorization.Parameter == basic
                && username == secrets["SF_SANDBOX_USERNAME"]
                && password == secrets["SF_SANDBOX_PASSWORD"] + secrets["SF_SANDBOX_SECURITY_TOKEN"];
        }

        private bool AssertionAccepted(string assertion)
        {
            var parts = assertion.Split('.');
            if (parts.Length != 3
                || !key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), FromBase64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                return false;
            }

            using var claims = JsonDocument.Parse(FromBase64Url(parts[1]));
            var root = claims.RootElement;
            var exp = DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("exp").GetInt64());
            return root.GetProperty("iss").GetString() == secrets["SF_SANDBOX_CLIENT_ID"]
                && root.GetProperty("sub").GetString() == secrets["SF_SANDBOX_USERNAME"]
                && root.GetProperty("aud").GetString() == "https://test.salesforce.com" // the Sandbox org's configured login host
                && exp > DateTimeOffset.UtcNow && exp <= DateTimeOffset.UtcNow.AddMinutes(5);
        }

        private static byte[] FromBase64Url(string text)
        {
            var base64 = text.Replace('-', '+').Replace('_', '/');
            return Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
        }

        private static HttpResponseMessage Json(HttpStatusCode status, string body) =>
            new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    }
}
