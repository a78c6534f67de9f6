using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SfOAuthGen.Tool.Tests;

/// <summary>What the browser login test asks of a browser: open a page, send extra requests, fill in and submit the login form.</summary>
internal interface ILoginBrowser : IAsyncDisposable
{
    /// <summary>Chromium, or a scripted HTTP browser on a developer's machine without it (never under CI).</summary>
    static async Task<ILoginBrowser> StartAsync()
    {
        if (HeadlessChromium.Executable() is not null || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            return new ChromiumLoginBrowser(await HeadlessChromium.StartAsync()); // under CI a missing Chromium fails here
        }

        return new ScriptedLoginBrowser();
    }

    Task OpenAsync(Uri url);

    Task<string> TitleAsync();

    /// <summary>Requests each URL as the page would (no-cors fetches); "answered" or "failed" for each.</summary>
    Task<string[]> FetchAsync(IEnumerable<Uri> urls);

    /// <summary>Fills in the login form, submits it, and returns once a page under <paramref name="landing"/> has loaded.</summary>
    Task SubmitLoginAsync(string username, string password, Uri landing);

    Task<string> UrlAsync();

    Task<string> BodyTextAsync();
}

/// <summary>A real browser: headless Chromium driven over the DevTools protocol.</summary>
internal sealed class ChromiumLoginBrowser(HeadlessChromium chromium) : ILoginBrowser
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    public Task OpenAsync(Uri url) => chromium.NavigateAsync(url).WaitAsync(HangGuard);

    public async Task<string> TitleAsync() => (await chromium.EvaluateAsync("document.title")).GetString()!;

    public async Task<string[]> FetchAsync(IEnumerable<Uri> urls)
    {
        var list = JsonSerializer.Serialize(urls.Select(u => u.AbsoluteUri).ToArray());
        var answers = await chromium.EvaluateAsync(
            $"Promise.all({list}.map(u => fetch(u, {{ mode: 'no-cors', cache: 'no-store' }}).then(() => 'answered', () => 'failed')))");
        return answers.EnumerateArray().Select(a => a.GetString()!).ToArray();
    }

    public async Task SubmitLoginAsync(string username, string password, Uri landing)
    {
        var mark = chromium.Mark();
        await chromium.EvaluateAsync(
            $"document.getElementById('username').value = {JsonSerializer.Serialize(username)};"
            + $"document.getElementById('password').value = {JsonSerializer.Serialize(password)};"
            + "document.getElementById('Login').click(); true");
        var (_, landedAt) = await chromium.WaitForEventAsync(
            "Page.frameNavigated", mark, e => e.GetProperty("frame").GetProperty("url").GetString()!.StartsWith(landing.AbsoluteUri, StringComparison.Ordinal));
        await chromium.WaitForEventAsync("Page.loadEventFired", landedAt);
    }

    public async Task<string> UrlAsync() => (await chromium.EvaluateAsync("location.href")).GetString()!;

    public async Task<string> BodyTextAsync() => (await chromium.EvaluateAsync("document.body.innerText")).GetString()!;

    public ValueTask DisposeAsync() => chromium.DisposeAsync();
}

/// <summary>
/// What a browser does with the login page, done over HTTP: read the form, post its fields, follow the redirects.
/// Stands in for Chromium on a developer's machine without one, so <c>dotnet test</c> works with only the SDK.
/// </summary>
internal sealed partial class ScriptedLoginBrowser : ILoginBrowser
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { Timeout = TimeSpan.FromSeconds(60) };
    private Uri _url = new("about:blank");
    private string _page = string.Empty;

    public async Task OpenAsync(Uri url) => await GoAsync(HttpMethod.Get, url, null);

    public Task<string> TitleAsync() => Task.FromResult(WebUtility.HtmlDecode(Title().Match(_page).Groups[1].Value));

    public async Task<string[]> FetchAsync(IEnumerable<Uri> urls) => await Task.WhenAll(urls.Select(async url =>
    {
        try
        {
            using var response = await _http.GetAsync(url);
            return "answered";
        }
        catch (HttpRequestException)
        {
            return "failed";
        }
    }));

    public async Task SubmitLoginAsync(string username, string password, Uri landing)
    {
        var form = Form().Match(_page);
        Assert.True(form.Success, "the page has no login form");
        var fields = Inputs().Matches(form.Groups["body"].Value)
            .Where(i => i.Groups["type"].Value == "hidden")
            .Select(i => new KeyValuePair<string, string>(WebUtility.HtmlDecode(i.Groups["name"].Value), WebUtility.HtmlDecode(i.Groups["value"].Value)))
            .Append(new("username", username)).Append(new("pw", password)).Append(new("Login", "Log In"));
        await GoAsync(HttpMethod.Post, new Uri(_url, WebUtility.HtmlDecode(form.Groups["action"].Value)), new FormUrlEncodedContent(fields));
        Assert.StartsWith(landing.AbsoluteUri, _url.AbsoluteUri, StringComparison.Ordinal);
    }

    public Task<string> UrlAsync() => Task.FromResult(_url.AbsoluteUri);

    public Task<string> BodyTextAsync() => Task.FromResult(WebUtility.HtmlDecode(Tags().Replace(_page, " ")));

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Sends the request and follows redirects as a browser would (a 303 turns into a GET), to the page that loads.</summary>
    private async Task GoAsync(HttpMethod method, Uri url, HttpContent? content)
    {
        for (var hops = 0; hops < 10; hops++)
        {
            using var request = new HttpRequestMessage(method, url) { Content = content };
            using var response = await _http.SendAsync(request);
            if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                url = new Uri(url, location);
                (method, content) = (HttpMethod.Get, null);
                continue;
            }

            _url = url;
            _page = await response.Content.ReadAsStringAsync();
            return;
        }

        Assert.Fail("more than 10 redirects");
    }

    [GeneratedRegex("<title>(.*?)</title>", RegexOptions.Singleline)]
    private static partial Regex Title();

    [GeneratedRegex("<form[^>]*action=\"(?<action>[^\"]*)\"[^>]*>(?<body>.*?)</form>", RegexOptions.Singleline)]
    private static partial Regex Form();

    [GeneratedRegex("<input(?=[^>]*type=\"(?<type>[^\"]*)\")(?=[^>]*name=\"(?<name>[^\"]*)\")(?:(?=[^>]*value=\"(?<value>[^\"]*)\"))?[^>]*>")]
    private static partial Regex Inputs();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();
}
