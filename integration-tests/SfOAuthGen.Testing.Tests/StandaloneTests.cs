using System.Net;

namespace SfOAuthGen.Testing.Tests;

public class StandaloneTests
{
    private static readonly string Quickstart = Path.Combine(TestSupport.CassetteDirectory, "quickstart.json");

    [Fact]
    public async Task Serves_a_cassette_prints_its_url_and_masked_requests_and_stops_on_cancel()
    {
        const string Password = "hunter2+SECURITYTOKEN";
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var stop = new CancellationTokenSource();
        var started = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);

        var run = StandaloneServer.RunAsync(["--cassette", Quickstart, "--port", "0"], output, error, stop.Token, started.SetResult);
        var baseUri = await started.Task.WaitAsync(TestSupport.HangGuard);
        using (var client = TestSupport.Client(baseUri))
        {
            var response = await client.PostAsync(RequestPattern.TokenPath, TestSupport.Form(
                ("grant_type", "password"), ("username", "user@example.com"), ("password", Password), ("client_id", "3MVGfake"), ("client_secret", "cs")));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await stop.CancelAsync();
        var exit = await run.WaitAsync(TestSupport.HangGuard);

        var printed = output.ToString();
        Assert.Equal(0, exit);
        Assert.Contains(baseUri.ToString(), printed, StringComparison.Ordinal);
        Assert.Contains("POST /services/oauth2/token", printed, StringComparison.Ordinal);
        Assert.Contains("password=***", printed, StringComparison.Ordinal);
        TestSupport.AssertAbsent(printed, Password);
        Assert.Equal(string.Empty, error.ToString());
    }

    [Fact]
    public async Task Records_from_an_upstream_and_writes_the_redacted_cassette_when_stopped()
    {
        const string Password = "hunter2+SECURITYTOKEN";
        await using var upstream = await RecordedResponseServer.StartAsync(Cassette.Load(Quickstart));
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".json");
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            using var stop = new CancellationTokenSource();
            var started = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);

            var run = StandaloneServer.RunAsync(["--record", upstream.BaseUri.ToString(), "--out", path], output, error, stop.Token, started.SetResult);
            using (var client = TestSupport.Client(await started.Task.WaitAsync(TestSupport.HangGuard)))
            {
                var response = await client.PostAsync(RequestPattern.TokenPath, TestSupport.Form(
                    ("grant_type", "password"), ("username", "user@example.com"), ("password", Password), ("client_id", "3MVGfake"), ("client_secret", "cs-value")));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            await stop.CancelAsync();
            Assert.Equal(0, await run.WaitAsync(TestSupport.HangGuard));

            var recorded = Cassette.Load(path);
            Assert.Equal("{{secret:password}}", Assert.Single(recorded.Interactions).Request.Form["password"]);
            TestSupport.AssertAbsent(await File.ReadAllTextAsync(path), Password, "cs-value");
            TestSupport.AssertAbsent(output.ToString(), Password, "cs-value");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(new[] { "--port", "abc", "--cassette", "x.json" }, "--port")]
    [InlineData(new[] { "--cassette" }, "--cassette needs a value")]
    [InlineData(new[] { "--frobnicate" }, "unknown argument '--frobnicate'")]
    [InlineData(new string[0], "give --cassette FILE")]
    [InlineData(new[] { "--record", "http://127.0.0.1:1" }, "--record needs --out FILE")]
    [InlineData(new[] { "--record", "not a url", "--out", "x.json" }, "absolute http(s) URL")]
    [InlineData(new[] { "--cassette", "x.json", "--record-mode", "all" }, "--record-mode all needs --upstream URL")]
    [InlineData(new[] { "--cassette", "x.json", "--record-mode", "sometimes" }, "--record-mode must be none, once, new_episodes or all")]
    [InlineData(new[] { "--client-id", "k", "--session-timeout", "0" }, "--session-timeout must be a duration")]
    [InlineData(new[] { "--client-id", "k", "--logins-per-hour", "0" }, "--logins-per-hour must be a whole number")]
    [InlineData(new[] { "--cassette", "x.json", "--client-secret", "s" }, "need --client-id KEY")]
    [InlineData(new[] { "--cassette", "x.json", "--rotate-refresh-tokens" }, "need --client-id KEY")]
    public async Task Bad_arguments_give_a_clear_error_and_a_usage_exit_code(string[] args, string expected)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await StandaloneServer.RunAsync(args, output, error, CancellationToken.None);

        Assert.Equal(StandaloneServer.UsageError, exit);
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_cassette_gives_a_clear_error_and_a_failure_exit_code()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, """{"version":1,"interactions":[{"request":{"method":"POST"}}]}""");
            using var output = new StringWriter();
            using var error = new StringWriter();

            var exit = await StandaloneServer.RunAsync(["--cassette", path], output, error, CancellationToken.None);

            Assert.Equal(StandaloneServer.Failure, exit);
            Assert.Contains(path, error.ToString(), StringComparison.Ordinal);
            Assert.Contains("$.interactions[0]", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Help_explains_the_options()
    {
        using var output = new StringWriter();

        var exit = await StandaloneServer.RunAsync(["--help"], output, TextWriter.Null, CancellationToken.None);

        Assert.Equal(0, exit);
        foreach (var option in new[]
        {
            "--cassette", "--port", "--record", "--out", "--unmatched-status", "--record-mode", "--upstream", "--client-id", "--client-secret",
            "--username", "--scope", "--jwt-public-key", "--approved-user", "--session-lifetime", "--logins-per-hour", "--refresh-idle-timeout",
            "--session-timeout", "--rotate-refresh-tokens", "--serve-data-api", "--login-form", "curl",
        })
        {
            Assert.Contains(option, output.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Every_oauth_behaviour_and_limit_switches_on_from_the_command_line_and_the_printed_lines_work()
    {
        const string Secret = "cli-consumer-secret-value";
        var keyFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(keyFile, AuthorizationServerTests.Key.ExportSubjectPublicKeyInfoPem());
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            using var stop = new CancellationTokenSource();
            var started = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
            var run = StandaloneServer.RunAsync(
                ["--cassette", Quickstart, "--client-id", AuthorizationServerTests.ClientId, "--client-secret", Secret, "--jwt-public-key", keyFile,
                 "--logins-per-hour", "1", "--session-timeout", "5m", "--refresh-idle-timeout", "30d"],
                output, error, stop.Token, started.SetResult);
            var baseUri = await started.Task.WaitAsync(TestSupport.HangGuard);
            var printed = output.ToString();
            using var client = TestSupport.Client(baseUri);

            // The printed authorize line, as pasted: its redirect carries a code; the printed exchange line's verifier redeems it.
            var authorize = System.Text.RegularExpressions.Regex.Match(printed, @"'(http://127\.0\.0\.1:\d+/services/oauth2/authorize\?[^']+)'").Groups[1].Value;
            var redirect = (await client.GetAsync(authorize)).Headers.Location!;
            var code = Uri.UnescapeDataString(redirect.Query.Split('&').Single(p => p.TrimStart('?').StartsWith("code=", StringComparison.Ordinal)).Split('=')[1]);
            var exchange = await client.PostAsync(RequestPattern.TokenPath, TestSupport.Form(
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", "http://localhost:1717/callback"), ("code_verifier", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW-gFWFOEjXk"),
                ("client_id", AuthorizationServerTests.ClientId), ("client_secret", Secret)));
            Assert.Equal(HttpStatusCode.OK, exchange.StatusCode);
            Assert.StartsWith("5Aep", (await TestSupport.JsonAsync(exchange)).GetProperty("refresh_token").GetString(), StringComparison.Ordinal);

            // JWT bearer from the key file; the second login of the hour hits --logins-per-hour 1 (the code exchange was the first).
            var jwt = await client.PostAsync(RequestPattern.TokenPath, TestSupport.Form(
                ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                ("assertion", AuthorizationServerTests.Jwt(new { iss = AuthorizationServerTests.ClientId, sub = "user@example.com", aud = "https://login.salesforce.com", exp = DateTimeOffset.UtcNow.AddMinutes(2).ToUnixTimeSeconds() }))));
            Assert.Equal("LOGIN_RATE_EXCEEDED", (await TestSupport.JsonAsync(jwt)).GetProperty("error_description").GetString());

            await stop.CancelAsync();
            Assert.Equal(0, await run.WaitAsync(TestSupport.HangGuard));
            Assert.Contains("curl -s -u 3MVG9LoopbackConsumerKeyForTests:\"$SF_CONSUMER_SECRET\" -d grant_type=password", printed, StringComparison.Ordinal);
            Assert.Contains(baseUri.GetLeftPart(UriPartial.Authority) + "/services/data/v62.0/limits", printed, StringComparison.Ordinal);
            Assert.Contains("grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer", printed, StringComparison.Ordinal);
            Assert.Contains("LOGIN_RATE_EXCEEDED after 1 logins per user per hour; refresh tokens expire after 30.00:00:00 unused; sessions time out after 00:05:00 unused", printed, StringComparison.Ordinal);
            TestSupport.AssertAbsent(output.ToString(), Secret);
            Assert.Equal(string.Empty, error.ToString());
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    [Fact]
    public async Task A_record_mode_from_the_command_line_writes_the_cassette_file_when_stopped()
    {
        const string Password = "hunter2+SECURITYTOKEN";
        await using var upstream = await RecordedResponseServer.StartAsync(Cassette.Load(Quickstart));
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".json");
        try
        {
            using var output = new StringWriter();
            using var stop = new CancellationTokenSource();
            var started = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
            var run = StandaloneServer.RunAsync(["--cassette", path, "--record-mode", "once", "--upstream", upstream.BaseUri.ToString()], output, TextWriter.Null, stop.Token, started.SetResult);
            using (var client = TestSupport.Client(await started.Task.WaitAsync(TestSupport.HangGuard)))
            {
                var response = await client.PostAsync(RequestPattern.TokenPath, TestSupport.Form(
                    ("grant_type", "password"), ("username", "user@example.com"), ("password", Password), ("client_id", "3MVGfake"), ("client_secret", "cs-value")));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            await stop.CancelAsync();
            Assert.Equal(0, await run.WaitAsync(TestSupport.HangGuard));
            Assert.Contains("record mode once", output.ToString(), StringComparison.Ordinal);
            Assert.Equal("{{secret:password}}", Assert.Single(Cassette.Load(path).Interactions).Request.Form["password"]);
            TestSupport.AssertAbsent(await File.ReadAllTextAsync(path), Password, "cs-value");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Rotation_the_data_api_and_the_login_form_switch_on_from_the_command_line()
    {
        using var output = new StringWriter();
        using var stop = new CancellationTokenSource();
        var started = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = StandaloneServer.RunAsync(
            ["--client-id", AuthorizationServerTests.ClientId, "--rotate-refresh-tokens", "--serve-data-api", "--login-form"],
            output, TextWriter.Null, stop.Token, started.SetResult);
        using var client = TestSupport.Client(await started.Task.WaitAsync(TestSupport.HangGuard));
        var authorize = System.Text.RegularExpressions.Regex.Match(output.ToString(), @"'(http://127\.0\.0\.1:\d+/services/oauth2/authorize\?[^']+)'").Groups[1].Value;

        var page = await client.GetAsync(authorize);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode); // --login-form: a page to log in on, not a redirect
        Assert.Contains("<form", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);

        // Without the form (a second server), the code flow gives a refresh token; rotation then replaces it.
        await stop.CancelAsync();
        Assert.Equal(0, await run.WaitAsync(TestSupport.HangGuard));
        using var output2 = new StringWriter();
        using var stop2 = new CancellationTokenSource();
        var started2 = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run2 = StandaloneServer.RunAsync(["--client-id", AuthorizationServerTests.ClientId, "--rotate-refresh-tokens", "--serve-data-api"], output2, TextWriter.Null, stop2.Token, started2.SetResult);
        using var client2 = TestSupport.Client(await started2.Task.WaitAsync(TestSupport.HangGuard));
        var authorize2 = System.Text.RegularExpressions.Regex.Match(output2.ToString(), @"'(http://127\.0\.0\.1:\d+/services/oauth2/authorize\?[^']+)'").Groups[1].Value;
        var redirect = (await client2.GetAsync(authorize2)).Headers.Location!;
        var code = Uri.UnescapeDataString(redirect.Query.TrimStart('?').Split('&').Single(p => p.StartsWith("code=", StringComparison.Ordinal))[5..]);
        var issued = await TestSupport.JsonAsync(await client2.PostAsync(RequestPattern.TokenPath, TestSupport.Form(
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", "http://localhost:1717/callback"),
            ("code_verifier", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW-gFWFOEjXk"), ("client_id", AuthorizationServerTests.ClientId))));
        var first = issued.GetProperty("refresh_token").GetString()!;
        Task<HttpResponseMessage> RefreshAsync(string token) => client2.PostAsync(RequestPattern.TokenPath, TestSupport.Form(
            ("grant_type", "refresh_token"), ("refresh_token", token), ("client_id", AuthorizationServerTests.ClientId)));

        var rotated = await TestSupport.JsonAsync(await RefreshAsync(first));
        using var data = new HttpRequestMessage(HttpMethod.Get, "/services/data/v62.0/limits");
        data.Headers.Authorization = new("Bearer", rotated.GetProperty("access_token").GetString());
        var dataAnswer = await client2.SendAsync(data);
        var reused = await RefreshAsync(first);

        Assert.NotEqual(first, rotated.GetProperty("refresh_token").GetString());
        Assert.Equal(HttpStatusCode.OK, dataAnswer.StatusCode); // --serve-data-api answers for an issued token
        Assert.Equal(HttpStatusCode.BadRequest, reused.StatusCode); // a superseded refresh token is refused
        await stop2.CancelAsync();
        Assert.Equal(0, await run2.WaitAsync(TestSupport.HangGuard));
    }
}
