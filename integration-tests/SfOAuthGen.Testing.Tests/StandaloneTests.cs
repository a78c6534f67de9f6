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
        foreach (var option in new[] { "--cassette", "--port", "--record", "--out", "--unmatched-status" })
        {
            Assert.Contains(option, output.ToString(), StringComparison.Ordinal);
        }
    }
}
