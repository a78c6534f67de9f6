using Microsoft.Extensions.Time.Testing;
using SfOAuthGen.Runtime.Tests.Infrastructure;

namespace SfOAuthGen.Runtime.Tests;

/// <summary>
/// <see cref="SalesforceOrg"/>, which every generated org class delegates to: the lazily created shared client,
/// <c>Configure</c> replacing it, and <c>Invalidate</c> before first use.
/// </summary>
public sealed class SalesforceOrgTests : IDisposable
{
    private readonly SalesforceOrg _org;
    private readonly FakeTokenEndpoint _endpoint = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly MemoryTokenStore _store = new(); // this test's own: parallel tests never share a chain

    public SalesforceOrgTests()
    {
        // A name of its own: the shared client created on first use joins the process-wide chain of its settings.
        _org = new SalesforceOrg(TestOrg.Password() with { Name = "OrgTests-" + Guid.NewGuid().ToString("N") });
    }

    [Fact]
    public async Task Concurrent_first_uses_create_one_shared_client()
    {
        const int callers = 64;
        using var start = new Barrier(callers);

        var clients = await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(30));
                return _org.Client;
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)));

        Assert.All(clients, c => Assert.Same(clients[0], c));
        Assert.Same(clients[0], _org.Client);
        Assert.Same(_org.Settings, clients[0].Settings);
    }

    [Fact]
    public async Task Configure_replaces_the_shared_client_and_disposes_the_previous_one()
    {
        var first = _org.Client;

        _org.Configure(Options());
        var token = await _org.GetTokenAsync();

        Assert.NotSame(first, _org.Client);
        Assert.Equal(1, _endpoint.Count); // through the configured options, not the first client's defaults
        Assert.Equal(Secrets.AccessToken, token.AccessToken);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => first.GetTokenAsync().AsTask());
    }

    [Fact]
    public void Invalidate_before_first_use_creates_no_client()
    {
        _org.Invalidate();

        Assert.Null(_org.SharedClientIfCreated);
    }

    [Fact]
    public async Task Configure_with_equal_options_keeps_the_token_state_of_the_org()
    {
        _org.Configure(Options());
        var token = await _org.GetTokenAsync();

        // Same settings, store and clock: the new shared client joins the chain before the previous one leaves it.
        _org.Configure(Options());

        Assert.Same(token, _org.Client.CurrentToken);
        Assert.Same(token, await _org.GetTokenAsync());
        Assert.Equal(1, _endpoint.Count);
    }

    [Fact]
    public async Task Configure_during_a_renewal_lets_the_renewal_finish_for_the_new_client()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _endpoint.Respond = async (_, _) =>
        {
            entered.TrySetResult();
            await release.Task;
            return Responses.Success();
        };
        _org.Configure(Options());
        var pending = _org.GetTokenAsync().AsTask();
        await entered.Task;

        _org.Configure(Options()); // the client running the renewal is disposed while it runs
        release.SetResult();

        var token = await pending;
        Assert.Same(token, await _org.GetTokenAsync());
        Assert.Equal(1, _endpoint.Count);
    }

    [Fact]
    public async Task The_members_delegate_to_the_current_shared_client()
    {
        _org.Configure(Options());

        var token = await _org.GetTokenAsync();
        _org.Invalidate(token);
        Assert.Null(_org.Client.CurrentToken);
        var refreshed = await _org.RefreshAsync();
        Assert.Same(refreshed, await _org.GetTokenAsync());
        Assert.Equal(2, _endpoint.Count);

        using var own = _org.CreateClient(Options(isolated: true));
        Assert.NotSame(_org.Client, own);
        Assert.Same(_org.Settings, own.Settings);
        Assert.Null(own.CurrentToken);
    }

    [Fact]
    public void Configure_without_options_is_refused()
    {
        Assert.Throws<ArgumentNullException>("options", () => _org.Configure(null!));
    }

    public void Dispose() => _org.SharedClientIfCreated?.Dispose();

    private SalesforceTokenClientOptions Options(bool isolated = false) => new()
    {
        HttpClient = new HttpClient(_endpoint, disposeHandler: false),
        TimeProvider = _time,
        TokenStore = _store,
        IsolatedTokenState = isolated,
    };
}
