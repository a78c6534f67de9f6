using System.Net;
using SfOAuthGen.Runtime.Tests.Infrastructure;

namespace SfOAuthGen.Runtime.Tests;

public class CachingAndConcurrencyTests
{
    private const int Callers = 1000;

    [Fact]
    public async Task A_thousand_concurrent_callers_on_an_empty_cache_cause_one_request()
    {
        using var harness = new Harness();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Endpoint.Respond = async (_, _) =>
        {
            entered.TrySetResult();
            await release.Task;
            return Responses.Success();
        };

        var calls = await StartCallersAsync(() => harness.Client.GetTokenAsync().AsTask());
        await entered.Task;
        Assert.All(calls, c => Assert.False(c.IsCompleted));
        release.SetResult();
        var tokens = await Task.WhenAll(calls);

        Assert.Equal(1, harness.Endpoint.Count);
        Assert.All(tokens, t => Assert.Same(tokens[0], t));
    }

    [Fact]
    public async Task A_thousand_concurrent_callers_on_an_expired_token_cause_one_request()
    {
        using var harness = new Harness();
        var first = await harness.Client.GetTokenAsync();
        harness.Time.Advance(harness.Settings.SessionLifetime - harness.Settings.RenewalMargin);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Endpoint.Respond = async (_, _) =>
        {
            entered.TrySetResult();
            await release.Task;
            return Responses.Success(Secrets.AccessToken2);
        };

        var calls = await StartCallersAsync(() => harness.Client.GetTokenAsync().AsTask());
        await entered.Task;
        Assert.All(calls, c => Assert.False(c.IsCompleted));
        release.SetResult();
        var tokens = await Task.WhenAll(calls);

        Assert.Equal(2, harness.Endpoint.Count);
        Assert.All(tokens, t => Assert.Equal(Secrets.AccessToken2, t.AccessToken));
        Assert.NotSame(first, tokens[0]);
    }

    [Fact]
    public async Task A_token_is_renewed_exactly_at_the_renewal_margin_before_expiry()
    {
        using var harness = new Harness();
        await harness.Client.GetTokenAsync();

        harness.Time.Advance(harness.Settings.SessionLifetime - harness.Settings.RenewalMargin - TimeSpan.FromTicks(1));
        await harness.Client.GetTokenAsync();
        Assert.Equal(1, harness.Endpoint.Count);

        harness.Time.Advance(TimeSpan.FromTicks(1));
        await harness.Client.GetTokenAsync();
        Assert.Equal(2, harness.Endpoint.Count);
    }

    [Fact]
    public async Task A_renewal_margin_longer_than_the_session_cannot_cause_a_login_per_call()
    {
        using var harness = new Harness(TestOrg.Password() with { SessionLifetime = TimeSpan.FromMinutes(2), RenewalMargin = TimeSpan.FromMinutes(5) });

        await harness.Client.GetTokenAsync();
        await harness.Client.GetTokenAsync();

        Assert.Equal(1, harness.Endpoint.Count);
    }

    [Fact]
    public async Task A_cached_token_is_returned_synchronously_without_allocating()
    {
        using var harness = new Harness();
        var token = await harness.Client.GetTokenAsync();
        CallCached(harness.Client, token, 10); // warm up

        var before = GC.GetAllocatedBytesForCurrentThread();
        var allSynchronous = CallCached(harness.Client, token, 10_000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allSynchronous);
        Assert.Equal(0, allocated);
        Assert.Equal(1, harness.Endpoint.Count);
    }

    [Fact]
    public async Task A_callers_cancellation_ends_only_its_wait_not_the_shared_request()
    {
        using var harness = new Harness();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requestCancelled = false;
        harness.Endpoint.Respond = async (_, ct) =>
        {
            entered.TrySetResult();
            await release.Task;
            requestCancelled = ct.IsCancellationRequested;
            return Responses.Success();
        };
        using var impatient = new CancellationTokenSource();

        var cancelled = harness.Client.GetTokenAsync(impatient.Token).AsTask();
        var patient = harness.Client.GetTokenAsync().AsTask();
        await entered.Task;
        impatient.Cancel();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(impatient.Token, ex.CancellationToken);
        Assert.False(patient.IsCompleted);
        release.SetResult();
        var token = await patient;
        Assert.Equal(Secrets.AccessToken, token.AccessToken);
        Assert.False(requestCancelled);
        Assert.Equal(1, harness.Endpoint.Count);
    }

    [Fact]
    public async Task An_already_cancelled_caller_gets_cancellation_and_sends_nothing()
    {
        using var harness = new Harness();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => harness.Client.GetTokenAsync(new CancellationToken(true)).AsTask());

        Assert.Equal(0, harness.Endpoint.Count);
    }

    [Fact]
    public async Task A_failed_request_fails_every_waiter_and_keeps_the_previous_token()
    {
        using var harness = new Harness();
        var previous = await harness.Client.GetTokenAsync();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Endpoint.Respond = async (_, _) =>
        {
            entered.TrySetResult();
            await release.Task;
            return Responses.Error("invalid_grant", "authentication failure");
        };

        var calls = await StartCallersAsync(() => harness.Client.RefreshAsync().AsTask(), count: 50);
        await entered.Task;
        release.SetResult();
        var failures = new List<SalesforceAuthException>();
        foreach (var call in calls)
        {
            failures.Add(await Harness.Fails<SalesforceAuthException>(() => call));
        }

        Assert.All(failures, f => Assert.Same(failures[0], f));
        Assert.Equal(2, harness.Endpoint.Count);
        Assert.Same(previous, harness.Client.CurrentToken);
        Assert.Same(previous, await harness.Client.GetTokenAsync());
    }

    [Fact]
    public async Task RefreshAsync_gets_a_new_token_even_when_the_cached_one_is_valid()
    {
        using var harness = new Harness();
        var first = await harness.Client.GetTokenAsync();
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Success(Secrets.AccessToken2));

        var second = await harness.Client.RefreshAsync();

        Assert.Equal(2, harness.Endpoint.Count);
        Assert.NotSame(first, second);
        Assert.Same(second, await harness.Client.GetTokenAsync());
    }

    [Fact]
    public async Task Invalidate_with_a_token_drops_only_that_token()
    {
        using var harness = new Harness();
        var stale = await harness.Client.GetTokenAsync();
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Success(Secrets.AccessToken2));
        var current = await harness.Client.RefreshAsync();

        harness.Client.Invalidate(stale);
        Assert.Same(current, harness.Client.CurrentToken);

        harness.Client.Invalidate(current);
        Assert.Null(harness.Client.CurrentToken);
        var renewed = await harness.Client.GetTokenAsync();
        Assert.Equal(3, harness.Endpoint.Count);
        Assert.NotSame(current, renewed);
    }

    [Fact]
    public async Task Invalidate_without_a_token_drops_the_cached_one()
    {
        using var harness = new Harness();
        await harness.Client.GetTokenAsync();

        harness.Client.Invalidate();

        Assert.Null(harness.Client.CurrentToken);
        await harness.Client.GetTokenAsync();
        Assert.Equal(2, harness.Endpoint.Count);
    }

    [Fact]
    public async Task A_disposed_client_refuses_work()
    {
        var harness = new Harness();
        harness.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => harness.Client.GetTokenAsync().AsTask());
        Assert.Equal(0, harness.Endpoint.Count);
    }

    [Fact]
    public async Task Disposing_during_a_request_ends_it_and_fails_its_waiters()
    {
        var harness = new Harness();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Endpoint.Respond = async (_, ct) =>
        {
            entered.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        };
        var call = harness.Client.GetTokenAsync().AsTask();
        await entered.Task;

        harness.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => call);
        Assert.Null(harness.Client.CurrentToken);
    }

    /// <summary>Calls GetTokenAsync <paramref name="times"/> times; true when each completed synchronously with <paramref name="expected"/>.</summary>
    private static bool CallCached(SalesforceTokenClient client, SalesforceToken expected, int times)
    {
        var allSynchronous = true;
        for (var i = 0; i < times; i++)
        {
            var pending = client.GetTokenAsync();
            allSynchronous &= pending.IsCompletedSuccessfully && ReferenceEquals(pending.Result, expected);
        }

        return allSynchronous;
    }

    /// <summary>Starts callers from many threads at once and returns when every one of them has called.</summary>
    private static async Task<Task<SalesforceToken>[]> StartCallersAsync(Func<Task<SalesforceToken>> call, int count = Callers)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var starters = Enumerable.Range(0, count).Select(_ => Task.Run(async () =>
        {
            await gate.Task;
            return call();
        })).ToArray();
        gate.SetResult();
        return await Task.WhenAll(starters);
    }
}
