using System.Collections.Concurrent;
using System.Net;
using SfOAuthGen.Runtime.Tests.Infrastructure;

namespace SfOAuthGen.Runtime.Tests;

public class RenewalAndRotationTests
{
    [Fact]
    public async Task Two_refreshes_in_sequence_send_the_configured_then_the_rotated_token()
    {
        using var harness = new Harness(TestOrg.Refresh());
        var issued = new Queue<string>([Secrets.RotatedRefreshToken, "5Aep861SecondRotation", "5Aep861ThirdRotation"]);
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Success(refreshToken: issued.Dequeue()));

        await harness.Client.RefreshAsync();
        await harness.Client.RefreshAsync();
        await harness.Client.RefreshAsync();

        var sent = harness.Endpoint.Requests.Select(r => r.Field("refresh_token")).ToArray();
        Assert.Equal(new[] { Secrets.RefreshToken, Secrets.RotatedRefreshToken, "5Aep861SecondRotation" }, sent);
    }

    [Fact]
    public async Task A_refresh_without_a_new_refresh_token_keeps_using_the_current_one()
    {
        using var harness = new Harness(TestOrg.Refresh());

        await harness.Client.RefreshAsync();
        await harness.Client.RefreshAsync();

        Assert.All(harness.Endpoint.Requests, r => Assert.Equal(Secrets.RefreshToken, r.Field("refresh_token")));
        Assert.Equal(2, harness.Endpoint.Count);
    }

    [Fact]
    public async Task Concurrent_refreshes_never_send_a_superseded_refresh_token()
    {
        using var harness = new Harness(TestOrg.Refresh());
        var current = Secrets.RefreshToken;
        var generation = 0;
        var superseded = new ConcurrentBag<string>();
        var inFlight = 0;
        var overlapped = false;
        harness.Endpoint.Respond = async (request, _) =>
        {
            overlapped |= Interlocked.Increment(ref inFlight) > 1;
            await Task.Yield();
            var sent = request.Field("refresh_token")!;
            HttpResponseMessage response;
            if (sent != current)
            {
                superseded.Add(sent);
                response = Responses.Error("invalid_grant", "expired access/refresh token");
            }
            else
            {
                // Rotation: the server invalidates the token it just accepted.
                current = "5Aep861Rotated" + Interlocked.Increment(ref generation);
                response = Responses.Success(refreshToken: current);
            }

            Interlocked.Decrement(ref inFlight);
            return response;
        };

        for (var round = 0; round < 20; round++)
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var callers = Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
            {
                await gate.Task;
                return i % 2 == 0 ? await harness.Client.RefreshAsync() : await harness.Client.GetTokenAsync();
            })).ToArray();
            gate.SetResult();
            await Task.WhenAll(callers);
            harness.Client.Invalidate();
        }

        Assert.Empty(superseded);
        Assert.False(overlapped);
        var sentTokens = harness.Endpoint.Requests.Select(r => r.Field("refresh_token")).ToArray();
        Assert.Equal(sentTokens.Length, sentTokens.Distinct().Count());
        Assert.Equal(generation, harness.Endpoint.Count);
        Assert.True(generation >= 20);
    }

    [Fact]
    public async Task Password_flow_without_a_refresh_token_renews_by_logging_in_again()
    {
        using var harness = new Harness();
        await harness.Client.GetTokenAsync();
        harness.Time.Advance(harness.Settings.SessionLifetime);

        await harness.Client.GetTokenAsync();

        Assert.Equal(new[] { "password", "password" }, harness.Endpoint.Requests.Select(r => r.Field("grant_type")));
    }

    [Fact]
    public async Task Password_flow_with_a_refresh_token_renews_with_the_refresh_flow()
    {
        using var harness = new Harness();
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Success(refreshToken: Secrets.RefreshToken));
        await harness.Client.GetTokenAsync();
        harness.Time.Advance(harness.Settings.SessionLifetime);

        await harness.Client.GetTokenAsync();

        var renewal = harness.Endpoint.Last;
        Assert.Equal("refresh_token", renewal.Field("grant_type"));
        Assert.Equal(Secrets.RefreshToken, renewal.Field("refresh_token"));
        Assert.Null(renewal.Field("password"));
        Assert.Null(renewal.Field("username"));
    }

    [Fact]
    public async Task Password_flow_falls_back_to_logging_in_once_when_its_refresh_token_is_revoked()
    {
        using var harness = new Harness();
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Success(refreshToken: Secrets.RefreshToken));
        await harness.Client.GetTokenAsync();
        harness.Endpoint.Respond = (request, _) => Task.FromResult(request.Field("grant_type") == "refresh_token"
            ? Responses.Error("invalid_grant", "expired access/refresh token")
            : Responses.Success(Secrets.AccessToken2));

        var token = await harness.Client.RefreshAsync();

        Assert.Equal(Secrets.AccessToken2, token.AccessToken);
        Assert.Equal(new[] { "password", "refresh_token", "password" }, harness.Endpoint.Requests.Select(r => r.Field("grant_type")));

        // The dead refresh token is gone: the next renewal logs in directly.
        await harness.Client.RefreshAsync();
        Assert.Equal("password", harness.Endpoint.Last.Field("grant_type"));
        Assert.Equal(4, harness.Endpoint.Count);
    }

    [Fact]
    public async Task Password_flow_does_not_fall_back_on_a_transient_refresh_failure()
    {
        using var harness = new Harness();
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Success(refreshToken: Secrets.RefreshToken));
        await harness.Client.GetTokenAsync();
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Error("server_error", "down", HttpStatusCode.ServiceUnavailable));

        var ex = await Harness.Fails<SalesforceAuthException>(() => harness.Client.RefreshAsync().AsTask());

        Assert.True(ex.IsTransient);
        Assert.Equal(SalesforceFlow.RefreshToken, ex.Flow);
        Assert.Equal(2, harness.Endpoint.Count);
    }

    [Fact]
    public async Task Refresh_flow_reports_a_revoked_refresh_token_without_falling_back()
    {
        using var harness = new Harness(TestOrg.Refresh());
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Error("invalid_grant", "expired access/refresh token"));

        var ex = await Harness.Fails<SalesforceAuthException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.Equal("invalid_grant", ex.Error);
        Assert.Equal(SalesforceFlow.RefreshToken, ex.Flow);
        Assert.Contains("log in again", ex.Hint, StringComparison.Ordinal);
        Assert.Equal(1, harness.Endpoint.Count);
    }
}
