using System.Net;

namespace SfOAuthGen.Testing.Tests;

/// <summary>
/// The placeholder syntax (<c>{{secret:NAME}}</c>, NAME of letters, digits, <c>_ . -</c>) is found by a scan when a cassette
/// is compiled, not by a regex: near misses stay literal text, and placeholders next to braces are still found.
/// </summary>
public sealed class PlaceholderSyntaxTests
{
    [Fact]
    public async Task A_text_body_fills_placeholders_and_keeps_near_misses_as_written()
    {
        var body = "a{{{secret:x}}}b {{secret:}} {{secret:bad name}} {{secret:y}}{{secret:y}} {{signature}} {{secret:z";
        var cassette = new Cassette().Add(RequestPattern.Post(), new ResponseTemplate { Status = 200, Text = body });
        await using var server = await RecordedResponseServer.StartAsync(cassette, new RecordedResponseServerOptions { InMemory = true });
        server.Secrets["x"] = "X";
        server.Secrets["y"] = "Y";
        using var client = new HttpClient(server.CreateHandler()) { BaseAddress = server.BaseUri };

        var response = await client.PostAsync(RequestPattern.TokenPath, TestSupport.RawForm("a=1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("a{X}b {{secret:}} {{secret:bad name}} YY {{signature}} {{secret:z", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("value=preA-%7Banything%7D", HttpStatusCode.OK)] // {{secret:b}} inside literal braces is a wildcard
    [InlineData("value=preA-anything", (HttpStatusCode)599)] // the braces around it are literal
    [InlineData("value=preB-%7Banything%7D", (HttpStatusCode)599)] // a held placeholder is a literal
    public async Task A_pattern_finds_placeholders_next_to_braces(string form, HttpStatusCode expected)
    {
        var cassette = new Cassette().Add(new Interaction(RequestPattern.Post().WithForm("value", "pre{{secret:a}}-{{{secret:b}}}"), ResponseTemplate.FromJson(200, "{}")).Repeating());
        await using var server = await RecordedResponseServer.StartAsync(cassette, new RecordedResponseServerOptions { InMemory = true });
        server.Secrets["a"] = "A";
        using var client = new HttpClient(server.CreateHandler()) { BaseAddress = server.BaseUri };

        var response = await client.PostAsync(RequestPattern.TokenPath, TestSupport.RawForm(form));

        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData("{{secret:bad name}}", "value=%7B%7Bsecret%3Abad+name%7D%7D", HttpStatusCode.OK)]
    [InlineData("{{secret:}}", "value=%7B%7Bsecret%3A%7D%7D", HttpStatusCode.OK)]
    [InlineData("{{secret:bad name}}", "value=anything", (HttpStatusCode)599)]
    public async Task A_near_miss_in_a_pattern_is_a_literal(string pattern, string form, HttpStatusCode expected)
    {
        var cassette = new Cassette().Add(new Interaction(RequestPattern.Post().WithForm("value", pattern), ResponseTemplate.FromJson(200, "{}")).Repeating());
        await using var server = await RecordedResponseServer.StartAsync(cassette, new RecordedResponseServerOptions { InMemory = true });
        using var client = new HttpClient(server.CreateHandler()) { BaseAddress = server.BaseUri };

        var response = await client.PostAsync(RequestPattern.TokenPath, TestSupport.RawForm(form));

        Assert.Equal(expected, response.StatusCode);
    }
}
