using System.Text;
using SfOAuthGen.IntegrationTests.Infrastructure;
using SfOAuthGen.Runtime;
using SfOAuthGen.Samples.Integration;
using SfOAuthGen.Testing;

namespace SfOAuthGen.IntegrationTests;

/// <summary>Record mode with a generated client as the caller and a second loopback server playing Salesforce upstream.</summary>
public class RecordModeTests
{
    [Fact]
    public async Task Recorded_cassette_holds_no_secret_in_any_encoding_and_replays()
    {
        var credentials = Credentials.Create();
        var transcript = new Transcript();
        var upstreamCassette = LoopbackSalesforce.Load("password-success")
            .Add(LoopbackSalesforce.Data("GET", LoopbackSalesforce.LimitsPath, "access_token"), ResponseTemplate.FromJson(200, """{"DailyApiRequests":{"Max":15000,"Remaining":14998}}"""));
        await using var upstream = await LoopbackSalesforce.StartAsync(upstreamCassette, transcript, credentials); // concrete values pinned
        var path = Path.Combine(Path.GetTempPath(), "sfoauthgen-recorded-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            await using (var recorder = await RecordedResponseServer.StartRecordingAsync(upstream.Server.BaseUri, new RecordedResponseServerOptions { Log = transcript.Add }))
            {
                using var client = SandboxOrg.CreateClient(new SalesforceTokenClientOptions { LoginUrl = recorder.BaseUri, SecretResolver = credentials.Resolver });
                var token = await client.GetTokenAsync();
                Assert.Equal(recorder.BaseUri.Authority, token.InstanceUrl.Authority); // data calls go through the recorder too
                Assert.Equal("""{"DailyApiRequests":{"Max":15000,"Remaining":14998}}""", await GetLimitsAsync(client));
                recorder.SaveRecording(path);
            }

            upstream.Server.AssertAllMatched();
            upstream.Server.AssertAllUsed();
            var recorded = await File.ReadAllTextAsync(path, Encoding.UTF8);
            Assert.Contains("{{secret:", recorded, StringComparison.Ordinal);
            SecretScan.AssertNone(recorded, credentials.Secrets().Concat(upstream.IssuedTokens), credentials.ClientId, "the recorded cassette");

            // Replay: secrets are placeholders matching any value, and signatures are recomputed, so a second run succeeds.
            await using var replay = await LoopbackSalesforce.StartAsync(Cassette.Load(path), transcript);
            using var replayClient = replay.CreateSandboxClient(credentials);
            var replayed = await replayClient.GetTokenAsync();
            Assert.Equal(replay.Server.Secrets["access_token"], replayed.AccessToken);
            Assert.Equal("""{"DailyApiRequests":{"Max":15000,"Remaining":14998}}""", await GetLimitsAsync(replayClient));
            replay.Server.AssertAllMatched();
            replay.Server.AssertAllUsed();
            transcript.AssertNoSecret(credentials, upstream.IssuedTokens);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<string> GetLimitsAsync(SalesforceTokenClient client)
    {
        using var http = new HttpClient(new SalesforceAuthHandler(client) { InnerHandler = new SocketsHttpHandler() }) { BaseAddress = SalesforceAuthHandler.InstanceBaseAddress };
        return await http.GetStringAsync(LoopbackSalesforce.LimitsPath.TrimStart('/'));
    }
}
